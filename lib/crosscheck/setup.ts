/**
 * Setting up a cross-check: the runners from their specs (a runner that cannot be created is reported, not
 * thrown, unless it is TensorRT: asking for TensorRT where there is none is a usage error), and the sample probes.
 */
import { defaultFailureClassifier } from '../check/rules/shape-not-dynamic';
import { InvalidTypeError, InvalidValueError, ShapeError } from '../errors';
import type { ModelSummary } from '../onnx/types';
import type { OptimizationProfile } from '../trt/profiles';
import { axisSymbols, feedInputs, fitsProfile, valuesOf, type Probe } from './probes';
import {
  createOnnxRuntimeRunner,
  createReferenceRunner,
  createTensorRTRunner,
  onnxRuntimeRunnerName,
  type LoadedSample,
  type OnnxRuntimeRunnerOptions,
  type Runner,
  type TensorRTRunnerOptions,
} from './runners';
import type { RunnerInfo } from './types';

/** A runner to create: onnxruntime-node, a TensorRT engine, or the samples' saved references. */
export type RunnerSpec =
  | ({ kind: 'onnxruntime' } & OnnxRuntimeRunnerOptions)
  | ({ kind: 'tensorrt' } & TensorRTRunnerOptions)
  | { kind: 'reference'; name?: string };

function isRunner(x: unknown): x is Runner {
  return typeof x === 'object' && x !== null && typeof (x as Runner).run === 'function' && typeof (x as Runner).supports === 'function';
}

export interface ActiveRunner {
  info: RunnerInfo;
  runner?: Runner;
}

export async function createRunners(
  modelPath: string | null,
  specs: (RunnerSpec | Runner)[],
  samples: readonly LoadedSample[],
  profilesFor: () => OptimizationProfile[],
): Promise<ActiveRunner[]> {
  const out: ActiveRunner[] = [];
  const names = new Set<string>();
  for (const [i, spec] of specs.entries()) {
    let active: ActiveRunner;
    if (isRunner(spec)) {
      active = { info: { name: spec.name, kind: spec.kind, description: spec.description }, runner: spec };
    } else if (typeof spec !== 'object' || spec === null) {
      throw new InvalidTypeError(`runners[${i}]`, "a runner spec ({kind: 'onnxruntime' | 'tensorrt' | 'reference'}) or a Runner", spec);
    } else if (spec.kind === 'onnxruntime') {
      const name = spec.name ?? onnxRuntimeRunnerName(spec.graphOptimization ?? 'all');
      if (modelPath === null) throw new InvalidValueError('model', 'a path to an .onnx file (onnxruntime-node loads the file)', modelPath);
      try {
        const runner = await createOnnxRuntimeRunner(modelPath, { ...spec, name });
        active = { info: { name, kind: 'onnxruntime', description: runner.description }, runner };
      } catch (err) {
        // e.g. a custom op: reported, and the sweep goes on with the other runners.
        active = { info: { name, kind: 'onnxruntime', description: 'onnxruntime-node (CPU)', error: `onnxruntime cannot load the model: ${defaultFailureClassifier(err).message}` } };
      }
    } else if (spec.kind === 'tensorrt') {
      // Usage errors (TensorRT missing, bad plan) throw: the caller asked for TensorRT explicitly.
      const runner = await createTensorRTRunner(modelPath, { ...spec, ...(spec.engine === undefined ? { profiles: spec.profiles ?? profilesFor() } : {}) });
      active = { info: { name: runner.name, kind: 'tensorrt', description: runner.description }, runner };
    } else if (spec.kind === 'reference') {
      const name = spec.name ?? 'reference';
      const runner = createReferenceRunner(samples, name);
      active = { info: { name, kind: 'reference', description: runner.description }, runner };
    } else {
      throw new InvalidValueError(`runners[${i}].kind`, "'onnxruntime', 'tensorrt' or 'reference'", (spec as { kind: unknown }).kind);
    }
    if (names.has(active.info.name)) {
      await active.runner?.dispose();
      throw new InvalidValueError(`runners[${i}].name`, 'a name no other runner has', active.info.name, 'Give each runner its own `name`');
    }
    names.add(active.info.name);
    out.push(active);
  }
  return out;
}

export function sampleProbes(model: ModelSummary, samples: readonly LoadedSample[], profiles: readonly OptimizationProfile[]): Probe[] {
  const inputs = feedInputs(model);
  const symbols = axisSymbols(model);
  return samples.map((s, i) => {
    const shapes: Record<string, number[]> = {};
    for (const input of inputs) {
      const t = s.inputs[input.name];
      if (!t) {
        throw new InvalidValueError(
          `samples[${i}].inputs`,
          `an array for every model input (${inputs.map((x) => `'${x.name}'`).join(', ')})`,
          Object.keys(s.inputs).join(', ') || '(no arrays)',
          `${s.source} has no array '${input.name}'`,
        );
      }
      if (input.elemType !== t.type) {
        throw new InvalidValueError(`samples[${i}].inputs['${input.name}']`, `${input.elemType} (the model input's type)`, t.type, `in ${s.source}`);
      }
      if (input.dims && input.dims.length !== t.dims.length) {
        throw new ShapeError(`${s.source}: '${input.name}' has ${t.dims.length} dims (${t.dims.join('x')}); the model input has ${input.dims.length}`, { input: input.name });
      }
      shapes[input.name] = [...t.dims];
    }
    const profile = profiles.findIndex((p) => fitsProfile(shapes, p));
    return { index: i, label: `sample ${s.label}`, kind: 'sample' as const, shapes, sample: s.key, values: valuesOf(symbols, shapes), ...(profile >= 0 ? { profile } : {}) };
  });
}
