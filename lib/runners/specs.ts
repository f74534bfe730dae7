/**
 * Runners from their specs. A runner that cannot load the model is reported, not thrown (onnxruntime and a custom
 * op: the other runners go on), unless it is TensorRT: asking for TensorRT where there is none is a usage error, as
 * is a bad option of any runner.
 */
import { InvalidTypeError, InvalidValueError, UnsupportedOptionError } from '../errors';
import type { OptimizationProfile } from '../shapes/profiles';
import type { ModelBytes } from '../onnx/reader';
import { ONNXRUNTIME_RUNNER_OPTIONS, TENSORRT_RUNNER_OPTIONS, specOptions } from './option-names';
import { createOnnxRuntimeRunner, onnxRuntimeRunnerName, type OnnxRuntimeRunnerOptions } from './onnxruntime';
import { createReferenceRunner, type LoadedSample } from './reference';
import { isRunner, type Runner, type RunnerKind } from './runner';
import { createTensorRTRunner, type TensorRTRunnerOptions } from './tensorrt';

/** A runner to create: onnxruntime-node, a TensorRT engine, or the samples' saved references. */
export type RunnerSpec =
  | ({ kind: 'onnxruntime' } & OnnxRuntimeRunnerOptions)
  | ({ kind: 'tensorrt' } & TensorRTRunnerOptions)
  | { kind: 'reference'; name?: string };

export interface RunnerInfo {
  name: string;
  kind: RunnerKind;
  /** e.g. 'onnxruntime-node 1.30 (cpu, graph optimization all)', 'engine model.plan (2 profiles)'. */
  description: string;
  /** Set when the runner could not be created (e.g. onnxruntime cannot load a custom op). */
  error?: string;
  /** The finding that explains `error`, when one does (e.g. 'UNSUPPORTED_OP'). */
  code?: string;
}

export interface ActiveRunner {
  info: RunnerInfo;
  runner?: Runner;
  /** Why it could not be created (the raw error, for translation into a finding). */
  failure?: unknown;
  /** The runtime's own words for it (e.g. onnxruntime's load error). */
  failureText?: string;
  /** Made here from a spec, so disposed here; a Runner the caller passed in stays the caller's to dispose. */
  owned?: boolean;
}

/** Errors in what the caller asked for (an option's type or value, a provider not here): thrown, never reported. */
function isUsageError(err: unknown): boolean {
  return err instanceof InvalidTypeError || err instanceof InvalidValueError || err instanceof UnsupportedOptionError;
}

export async function createRunners(
  /** The model: its path, or the bytes that were read and diagnosed (onnxruntime then loads those). */
  model: string | ModelBytes | null,
  specs: readonly (RunnerSpec | Runner)[],
  samples: readonly LoadedSample[],
  profilesFor: () => OptimizationProfile[],
  describeFailure: (err: unknown) => string,
  signal?: AbortSignal,
): Promise<ActiveRunner[]> {
  const out: ActiveRunner[] = [];
  const names = new Set<string>();
  try {
    for (const [i, spec] of specs.entries()) {
      let active: ActiveRunner;
      if (isRunner(spec)) {
        active = { info: { name: spec.name, kind: spec.kind, description: spec.description }, runner: spec };
      } else if (typeof spec !== 'object' || spec === null) {
        throw new InvalidTypeError(`runners[${i}]`, "a runner spec ({kind: 'onnxruntime' | 'tensorrt' | 'reference'}) or a Runner", spec);
      } else if (spec.kind === 'onnxruntime') {
        const name = spec.name ?? onnxRuntimeRunnerName(spec.graphOptimization ?? 'all');
        if (model === null) throw new InvalidValueError('model', 'a path to an .onnx file (onnxruntime-node loads the file)', model);
        try {
          const runner = await createOnnxRuntimeRunner(model, { ...specOptions(spec, `runners[${i}]`, ONNXRUNTIME_RUNNER_OPTIONS), name });
          active = { info: { name, kind: 'onnxruntime', description: runner.description }, runner };
        } catch (err) {
          if (isUsageError(err)) throw err; // a bad option is the caller's to fix, not the model's finding
          const text = describeFailure(err);
          active = { info: { name, kind: 'onnxruntime', description: 'onnxruntime-node (CPU)', error: `onnxruntime cannot load the model: ${text}` }, failure: err, failureText: text };
        }
      } else if (spec.kind === 'tensorrt') {
        // Usage errors (TensorRT missing, bad plan) throw: the caller asked for TensorRT explicitly.
        // An engine built here is the slow part of a check: the caller's signal stops the build too.
        const build = signal && spec.build?.signal === undefined ? { build: { ...spec.build, signal } } : {};
        const runner = await createTensorRTRunner(typeof model === 'object' && model !== null ? model.file : model, { ...specOptions(spec, `runners[${i}]`, TENSORRT_RUNNER_OPTIONS), ...build, ...(spec.engine === undefined ? { profiles: spec.profiles ?? profilesFor() } : {}) });
        active = { info: { name: runner.name, kind: 'tensorrt', description: runner.description }, runner };
      } else if (spec.kind === 'reference') {
        const name = specOptions(spec, `runners[${i}]`, ['name']).name ?? 'reference';
        const runner = createReferenceRunner(samples, name);
        active = { info: { name, kind: 'reference', description: runner.description }, runner };
      } else {
        throw new InvalidValueError(`runners[${i}].kind`, "'onnxruntime', 'tensorrt' or 'reference'", (spec as { kind: unknown }).kind);
      }
      if (!isRunner(spec)) active.owned = true;
      if (names.has(active.info.name)) {
        if (active.owned) await active.runner?.dispose();
        throw new InvalidValueError(`runners[${i}].name`, 'a name no other runner has', active.info.name, 'Give each runner its own `name`');
      }
      names.add(active.info.name);
      out.push(active);
    }
  } catch (err) {
    await disposeRunners(out);
    throw err;
  }
  return out;
}

/** Disposes the runners made here (not the caller's own); best effort (a result, or the error thrown, matters more). */
export async function disposeRunners(runners: readonly ActiveRunner[]): Promise<void> {
  for (const r of runners) {
    if (!r.owned) continue;
    try {
      await r.runner?.dispose();
    } catch {
      // best effort
    }
  }
}
