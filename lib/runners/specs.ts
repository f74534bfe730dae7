/**
 * Runners from their specs, through the registry (./registry.ts): a spec names a registered kind, and its factory
 * makes the runner; a Runner object passed in is used as it is. A runner that cannot load the model is reported,
 * not thrown, where its kind says so (onnxruntime and a custom op: the other runners go on); a bad option of any
 * runner, or TensorRT asked for where there is none, is a usage error.
 */
import type { LoadedSample } from '../data/samples';
import { AddonLoadError, InvalidTypeError, InvalidValueError, TensorRTUnavailableError, UnsupportedOptionError } from '../errors';
import type { ModelBytes } from '../onnx/reader';
import type { OptimizationProfile } from '../shapes/profiles';
import { quoted } from '../util/terminal';
import type { OnnxRuntimeRunnerSpec } from './onnxruntime/runner';
import type { ReferenceRunnerSpec } from './reference';
import { runnerRegistration, type CustomRunnerSpec } from './registry';
import { isRunner, type Runner, type RunnerKind } from './runner';
import type { TensorRTRunnerSpec } from './tensorrt/runner';
// The built-in kinds register themselves when their files load.
import './onnxruntime/runner';
import './reference';
import './tensorrt/runner';

/** A runner to create: onnxruntime-node, a TensorRT engine, the samples' saved references, or a kind you registered. */
export type RunnerSpec = OnnxRuntimeRunnerSpec | TensorRTRunnerSpec | ReferenceRunnerSpec | CustomRunnerSpec;

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

/** What the runners of one call share: the model, the samples, the profiles to build with, the abort signal. */
export interface RunnerSetup {
  /** The .onnx file; null for a model given as a summary without a file. */
  model: string | null;
  /** The bytes the model was read from and diagnosed (readModel keepBytes): onnxruntime loads those. Default none. */
  modelBytes?: ModelBytes;
  samples?: readonly LoadedSample[];
  /** The profiles an engine built on the fly covers (called only when one is built). Default none. */
  profiles?: () => OptimizationProfile[];
  /** Stops an engine build as well as the runs. */
  signal?: AbortSignal;
  /**
   * A runner whose runtime this machine lacks (TensorRT not in the addon, the addon not loading) is reported in its
   * RunnerInfo.error, as a load failure is, instead of thrown: check keeps its diagnostics and other runs. Default false.
   */
  reportUnavailable?: boolean;
  /** The folder of the model's external data, when not the model's own. Default: the model's folder. */
  externalDataDir?: string;
}

/** Errors in what the caller asked for (an option's type or value, a provider not here): thrown, never reported. */
function isUsageError(err: unknown): boolean {
  return err instanceof InvalidTypeError || err instanceof InvalidValueError || err instanceof UnsupportedOptionError;
}

function checkSpec(spec: unknown, parameter: string): asserts spec is RunnerSpec {
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
    throw new InvalidTypeError(parameter, "a runner spec ({kind: 'onnxruntime' | 'tensorrt' | 'reference' | a kind you registered}) or a Runner", spec);
  }
}

/** The name a spec's runner will have (known before it exists), or a Runner's own. */
export function runnerName(spec: RunnerSpec | Runner, parameter: string): string {
  if (isRunner(spec)) return spec.name;
  checkSpec(spec, parameter);
  return runnerRegistration(spec.kind, `${parameter}.kind`).nameOf(spec);
}

/**
 * One runner: a Runner passed in as it is, or made from its spec by its kind's factory.
 * @param parameter where the spec was given, for errors: 'options.runners[1]'.
 */
export async function createRunner(spec: RunnerSpec | Runner, parameter: string, setup: RunnerSetup): Promise<ActiveRunner> {
  if (isRunner(spec)) return { info: { name: spec.name, kind: spec.kind, description: spec.description }, runner: spec };
  checkSpec(spec, parameter);
  const registration = runnerRegistration(spec.kind, `${parameter}.kind`);
  const context = {
    model: setup.model,
    samples: setup.samples ?? [],
    profiles: setup.profiles ?? (() => []),
    parameter,
    ...(setup.signal ? { signal: setup.signal } : {}),
    ...(setup.externalDataDir !== undefined ? { externalDataDir: setup.externalDataDir } : {}),
    ...(setup.modelBytes ? { modelBytes: setup.modelBytes } : {}),
  };
  let runner: Runner;
  try {
    runner = await registration.create(spec, context);
  } catch (err) {
    if (setup.reportUnavailable && (err instanceof TensorRTUnavailableError || err instanceof AddonLoadError)) {
      const text = err.message.split('\n')[0];
      const info = { name: registration.nameOf(spec), kind: spec.kind, description: `${spec.kind} (not available here)`, error: `${text} \`trt-node doctor\` says what this machine has.` };
      return { info, owned: true };
    }
    const reported = registration.reportsLoadFailure;
    if (!reported || isUsageError(err)) throw err; // a bad option is the caller's to fix, not the model's finding
    const text = reported.describe(err);
    const info = { name: registration.nameOf(spec), kind: spec.kind, description: reported.description, error: `${spec.kind} cannot load the model: ${text}` };
    return { info, failure: err, failureText: text, owned: true };
  }
  if (!isRunner(runner)) throw new InvalidTypeError(`the runner made for kind ${quoted(spec.kind)}`, 'a Runner (name, kind, supports, run, dispose)', runner);
  // The registered kind, whatever the runner calls itself: it is what ranks the runner as the expected side.
  return { info: { name: runner.name, kind: spec.kind, description: runner.description }, runner, owned: true };
}

/**
 * The runners of one call, each named once (a second runner with a name already taken is a usage error). On any
 * error those made so far are disposed.
 * @param parameter names the list in errors: 'options.runners'.
 */
export async function createRunners(specs: readonly (RunnerSpec | Runner)[], setup: RunnerSetup, parameter = 'runners'): Promise<ActiveRunner[]> {
  const out: ActiveRunner[] = [];
  const names = new Set<string>();
  try {
    for (const [i, spec] of specs.entries()) {
      const active = await createRunner(spec, `${parameter}[${i}]`, setup);
      if (names.has(active.info.name)) {
        if (active.owned) await active.runner?.dispose();
        throw new InvalidValueError(`${parameter}[${i}].name`, 'a name no other runner has', active.info.name, 'Give each runner its own `name`');
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
