/**
 * What the cross-check compares: runners behind one interface. A TensorRT engine (from a plan, or built on the fly
 * from profiles), onnxruntime-node on CPU (graph optimizations on or off: two distinct runners), and saved
 * reference outputs (.npz from PyTorch), which only exist at the shapes they were saved at. crossCheck() makes the
 * inputs once per probe and feeds the same tensors to every runner that supports the probe.
 */
import * as path from 'path';
import { InvalidTypeError, InvalidValueError } from '../errors';
import type { OptimizationProfile } from '../trt/profiles';
import type { BuildEngineOptions } from '../trt/build-options';
import type { NamedTensors } from '../tensor/types';
import { readNpz } from '../tensor/npz';
import { fitsProfile, type Probe } from './probes';
import { OrtRunner, type GraphOptimizationLevel } from '../runners/ort-runner';

export type RunnerKind = 'tensorrt' | 'onnxruntime' | 'reference';

export interface Runner {
  /** Unique among the runners of one cross-check; shown in reports ('onnxruntime', 'tensorrt', 'pytorch'). */
  readonly name: string;
  readonly kind: RunnerKind;
  /** One line for reports: what exactly runs (library, options, file). */
  readonly description: string;
  /** Whether this runner can produce outputs at `probe` (a reference only has its saved samples). */
  supports(probe: Probe): boolean;
  /** The shape ranges the runner accepts, when it has any (a TensorRT engine's optimization profiles). */
  readonly profiles?: OptimizationProfile[];
  /** Why `supports(probe)` is false, for the report. */
  unsupportedReason?(probe: Probe): string;
  /** The outputs for `feeds` (the probe's inputs, shared by every runner). */
  run(feeds: NamedTensors, probe: Probe): Promise<NamedTensors>;
  dispose(): void | Promise<void>;
}

// -------------------------------------------------------------------------------------------- onnxruntime-node

export interface OnnxRuntimeRunnerOptions {
  /** Runner name. Default: 'onnxruntime', or 'onnxruntime-noopt' with graphOptimization 'disabled'. */
  name?: string;
  /**
   * onnxruntime's graph optimizations. 'disabled' runs the graph as exported (the closest to what the ONNX spec
   * says), 'all' fuses nodes like a deployment would. Default 'all'.
   */
  graphOptimization?: GraphOptimizationLevel;
}

export function onnxRuntimeRunnerName(level: GraphOptimizationLevel): string {
  return level === 'all' ? 'onnxruntime' : `onnxruntime-${level === 'disabled' ? 'noopt' : level}`;
}

/** onnxruntime-node on CPU. Creating it throws when onnxruntime cannot load the model (custom ops, for one). */
export async function createOnnxRuntimeRunner(model: string, options: OnnxRuntimeRunnerOptions = {}): Promise<Runner> {
  const level = options.graphOptimization ?? 'all';
  const session = await OrtRunner.create(model, { graphOptimization: level });
  return {
    name: options.name ?? onnxRuntimeRunnerName(level),
    kind: 'onnxruntime',
    description: session.description,
    supports: () => true,
    run: (feeds) => session.run(feeds),
    dispose: () => session.dispose(),
  };
}

// -------------------------------------------------------------------------------------------------- TensorRT

export interface TensorRTRunnerOptions {
  /** Runner name. Default 'tensorrt'. */
  name?: string;
  /** A serialized engine: a .plan path or its bytes. Without it, the engine is built from `model` and `profiles`. */
  engine?: string | Uint8Array;
  /** Profiles to build with (when no `engine`). Default none: enough for a model without dynamic inputs. */
  profiles?: OptimizationProfile[];
  /** Other buildEngine options (precision, workspace, timing cache...). Default none. */
  build?: Omit<BuildEngineOptions, 'profiles' | 'sampleShapes'>;
}

/** The parts of lib/trt's Engine the runner uses (so tests can stand in a fake). */
export interface EngineLike {
  readonly inputs: readonly { name: string; dims: number[]; profiles: { min: number[]; opt: number[]; max: number[] }[] }[];
  readonly profileCount: number;
  run(feeds: Record<string, unknown>, options?: { profile?: number }): Promise<NamedTensors>;
  dispose(): void;
}

/** The engine's optimization profiles, by input name (as buildEngine takes them). */
export function engineProfiles(engine: EngineLike): OptimizationProfile[] {
  return Array.from({ length: engine.profileCount }, (_, p) => {
    const profile: OptimizationProfile = {};
    for (const input of engine.inputs) {
      const r = input.profiles[p];
      if (r) profile[input.name] = { min: [...r.min], opt: [...r.opt], max: [...r.max] };
      else profile[input.name] = { min: [...input.dims], opt: [...input.dims], max: [...input.dims] };
    }
    return profile;
  });
}

/** Wraps a loaded engine. The probe's profile index is used when the probe fits it, else the first that fits. */
export function tensorRTRunnerFromEngine(engine: EngineLike, name = 'tensorrt', description = 'TensorRT engine'): Runner {
  const profiles = engineProfiles(engine);
  const fits = (probe: Probe) => profiles.findIndex((p) => fitsProfile(probe.shapes, p));
  const profileFor = (probe: Probe) =>
    probe.profile !== undefined && profiles[probe.profile] && fitsProfile(probe.shapes, profiles[probe.profile]) ? probe.profile : fits(probe);
  return {
    name,
    kind: 'tensorrt',
    profiles,
    description: `${description} (${engine.profileCount} profile${engine.profileCount === 1 ? '' : 's'})`,
    supports: (probe) => profiles.length === 0 || profileFor(probe) >= 0,
    unsupportedReason: () =>
      `the shapes are outside every optimization profile of the engine (${profiles
        .map((p, i) => `${i}: ${Object.entries(p).map(([n, r]) => `${n} ${r.min.join('x')}..${r.max.join('x')}`).join(', ')}`)
        .join('; ')})`,
    run: (feeds, probe) => {
      const p = profileFor(probe);
      return engine.run(feeds, p >= 0 ? { profile: p } : {});
    },
    dispose: () => engine.dispose(),
  };
}

/**
 * A TensorRT runner: loads `options.engine`, or builds one from `model` with `options.profiles`. Throws
 * TensorRTUnavailableError when the addon has no TensorRT.
 */
export async function createTensorRTRunner(model: string | null, options: TensorRTRunnerOptions = {}): Promise<Runner> {
  // Required lazily: a CPU-only cross-check never touches lib/trt (and the native addon behind it).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const trt = require('../trt') as typeof import('../trt');
  trt.requireTensorRT();
  const name = options.name ?? 'tensorrt';
  if (options.engine !== undefined) {
    const engine = await trt.Engine.load(options.engine);
    const what = typeof options.engine === 'string' ? `engine ${path.basename(options.engine)}` : 'engine (plan bytes)';
    return tensorRTRunnerFromEngine(engine, name, `TensorRT ${trt.requireTensorRT().version.text}, ${what}`);
  }
  if (model === null) throw new InvalidValueError('model', 'a path to the .onnx file to build a TensorRT engine from', model);
  // A static model needs no profile; buildEngine names the dynamic inputs a missing profile leaves uncovered.
  const built = await trt.buildEngine(model, { ...options.build, profiles: options.profiles ?? [] });
  const engine = await trt.Engine.load(built.plan);
  return tensorRTRunnerFromEngine(engine, name, `TensorRT ${built.tensorrtVersion}, engine built from ${path.basename(model)} in ${Math.round(built.buildMs)} ms`);
}

// ------------------------------------------------------------------------------------------ reference outputs

/** Saved inputs and, optionally, the outputs PyTorch (or anything else) computed from them. */
export interface Sample {
  /** An .npz of the model inputs by name, or the tensors. */
  inputs: string | NamedTensors;
  /** An .npz of the expected outputs by name, or the tensors. Default none (the inputs are still probed). */
  reference?: string | NamedTensors;
  /** Shown in reports. Default: the inputs file name. */
  label?: string;
}

export interface LoadedSample {
  key: string;
  label: string;
  /** The inputs file, or 'tensors'. */
  source: string;
  inputs: NamedTensors;
  reference?: NamedTensors;
}

export async function loadSamples(samples: readonly Sample[], parameter = 'samples'): Promise<LoadedSample[]> {
  if (!Array.isArray(samples)) throw new InvalidTypeError(parameter, 'an array of {inputs, reference?}', samples);
  const out: LoadedSample[] = [];
  for (const [i, s] of samples.entries()) {
    if (typeof s !== 'object' || s === null || s.inputs === undefined) throw new InvalidTypeError(`${parameter}[${i}]`, 'an object {inputs, reference?, label?}', s);
    const inputs = typeof s.inputs === 'string' ? await readNpz(s.inputs) : s.inputs;
    const reference = s.reference === undefined ? undefined : typeof s.reference === 'string' ? await readNpz(s.reference) : s.reference;
    const source = typeof s.inputs === 'string' ? s.inputs : 'tensors';
    const label = s.label ?? (typeof s.inputs === 'string' ? path.basename(s.inputs) : `sample ${i}`);
    out.push({ key: `sample:${i}`, label, source, inputs, ...(reference ? { reference } : {}) });
  }
  return out;
}

/** Saved reference outputs: supports exactly the probes made from its samples, and "runs" by returning them. */
export function createReferenceRunner(samples: readonly LoadedSample[], name = 'reference', description = 'saved reference outputs (.npz)'): Runner {
  const byKey = new Map(samples.filter((s) => s.reference).map((s) => [s.key, s.reference!]));
  return {
    name,
    kind: 'reference',
    description: `${description}, ${byKey.size} sample${byKey.size === 1 ? '' : 's'}`,
    supports: (probe) => probe.sample !== undefined && byKey.has(probe.sample),
    unsupportedReason: () => 'no saved reference at these shapes',
    run: async (_feeds, probe) => byKey.get(probe.sample!)!,
    dispose: () => undefined,
  };
}
