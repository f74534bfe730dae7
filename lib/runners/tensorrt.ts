/**
 * The TensorRT Runner: a loaded engine (lib/trt) from a plan, or built on the fly from the model and profiles.
 * lib/trt, and the native addon behind it, are loaded only when a TensorRT runner is asked for.
 */
import * as path from 'path';
import { InvalidValueError } from '../errors';
import type { BuildEngineOptions } from '../trt/build-options';
import { fitsProfile, type OptimizationProfile } from '../shapes/profiles';
import type { NamedTensors } from '../tensor/types';
import type { RunContext, Runner, RunTimings } from './runner';

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
  runWithTimings?(feeds: Record<string, unknown>, options?: { profile?: number }): Promise<{ outputs: NamedTensors; timings: { h2dMs: number; computeMs: number; d2hMs: number } }>;
  dispose(): void;
}

/** The engine's optimization profiles, by input name (as buildEngine takes them). */
export function engineProfiles(engine: EngineLike): OptimizationProfile[] {
  return Array.from({ length: engine.profileCount }, (_, p) => {
    const profile: OptimizationProfile = Object.create(null);
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
  const fits = (probe: RunContext) => profiles.findIndex((p) => fitsProfile(probe.shapes, p));
  const profileFor = (probe: RunContext) =>
    probe.profile !== undefined && profiles[probe.profile] && fitsProfile(probe.shapes, profiles[probe.profile]) ? probe.profile : fits(probe);
  const options = (probe: RunContext) => {
    const p = profileFor(probe);
    return p >= 0 ? { profile: p } : {};
  };
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
    run: (feeds, probe) => engine.run(feeds, options(probe)),
    async runTimed(feeds, probe) {
      if (!engine.runWithTimings) return { outputs: await engine.run(feeds, options(probe)), timings: {} };
      const r = await engine.runWithTimings(feeds, options(probe));
      // Inside the engine is enqueueV3's work; the copies to and from the GPU are the binding's (bindingOverheadMs).
      const t: RunTimings = { h2dMs: r.timings.h2dMs, computeMs: r.timings.computeMs, d2hMs: r.timings.d2hMs, engineMs: r.timings.computeMs };
      return { outputs: r.outputs, timings: t };
    },
    dispose: () => engine.dispose(),
  };
}

/**
 * A TensorRT runner: loads `options.engine`, or builds one from `model` with `options.profiles`. Throws
 * TensorRTUnavailableError when the addon has no TensorRT.
 */
export async function createTensorRTRunner(model: string | null, options: TensorRTRunnerOptions = {}): Promise<Runner> {
  // Required lazily: a CPU-only check never touches lib/trt (and the native addon behind it).
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
  const engine = await trt.Engine.load(built.plan, { device: options.build?.device });
  return tensorRTRunnerFromEngine(engine, name, `TensorRT ${built.tensorrtVersion}, engine built from ${path.basename(model)} in ${Math.round(built.buildMs)} ms`);
}
