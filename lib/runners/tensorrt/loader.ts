/**
 * Where a TensorRT runner's engine comes from, apart from running it (Polygraphy's EngineFromBytes and
 * EngineFromNetwork beside its TrtRunner): a serialized plan loaded, or an engine built from the ONNX model with
 * optimization profiles. lib/trt, and the native addon behind it, are loaded here only, when an engine is asked for.
 */
import * as path from 'path';
import { InvalidValueError } from '../../errors';
import type { OptimizationProfile } from '../../shapes/profiles';
import type { NamedTensors } from '../../tensor/types';
import type { BuildEngineOptions } from '../../trt/build-options';

/** The parts of lib/trt's Engine a runner uses (so tests can stand in a fake). */
export interface EngineLike {
  readonly inputs: readonly { name: string; type?: string; dims: number[]; profiles: { min: number[]; opt: number[]; max: number[] }[] }[];
  readonly profileCount: number;
  run(feeds: Record<string, unknown>, options?: { profile?: number }): Promise<NamedTensors>;
  runWithTimings?(feeds: Record<string, unknown>, options?: { profile?: number }): Promise<{ outputs: NamedTensors; timings: { h2dMs: number; computeMs: number; d2hMs: number } }>;
  dispose(): void;
}

/** An engine ready to run, and one line saying where it came from (for reports). */
export interface LoadedEngine {
  engine: EngineLike;
  /** e.g. 'TensorRT 10.8.0, engine model.plan', 'TensorRT 10.8.0, engine built from model.onnx in 4210 ms'. */
  description: string;
}

/** Where the engine comes from: a plan, else a build from the model with `profiles` and `build`. */
export interface EngineSource {
  /** A serialized engine: a .plan path or its bytes. Without it, the engine is built from the model and `profiles`. */
  engine?: string | Uint8Array;
  /** Profiles to build with (when no `engine`). Default none: enough for a model without dynamic inputs. */
  profiles?: OptimizationProfile[];
  /** Other buildEngine options (precision, workspace, timing cache, signal...). Default none. */
  build?: Omit<BuildEngineOptions, 'profiles' | 'sampleShapes'>;
  /**
   * The CUDA device the engine runs on (trtexec's --device): a plan is loaded there; an engine built here is built
   * there too, unless `build.device` says otherwise. Default 0.
   */
  device?: number;
}

/** lib/trt, required on first use: a CPU-only check never loads it (nor the native addon behind it). */
function trtModule(): typeof import('../../trt') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const trt = require('../../trt') as typeof import('../../trt');
  trt.requireTensorRT();
  return trt;
}

/** Loads a serialized engine. Throws TensorRTUnavailableError when the addon has no TensorRT. */
export async function engineFromPlan(plan: string | Uint8Array, device?: number): Promise<LoadedEngine> {
  const trt = trtModule();
  const engine = await trt.Engine.load(plan, device !== undefined ? { device } : {});
  const what = typeof plan === 'string' ? `engine ${path.basename(plan)}` : 'engine (plan bytes)';
  return { engine, description: `TensorRT ${trt.requireTensorRT().version.text}, ${what}` };
}

/**
 * Builds an engine from the ONNX model and loads it. A static model needs no profile; buildEngine names the dynamic
 * inputs a missing profile leaves uncovered. Throws TensorRTUnavailableError when the addon has no TensorRT.
 */
export async function engineFromModel(model: string, profiles: OptimizationProfile[] = [], build: EngineSource['build'] = {}): Promise<LoadedEngine> {
  const trt = trtModule();
  const built = await trt.buildEngine(model, { ...build, profiles });
  // The engine runs where it was built: a plan is for its build device's kind of GPU.
  const engine = await trt.Engine.load(built.plan, { model: built.model, device: build.device });
  const how = built.cached ? `from the engine cache (${built.cacheEntry})` : `in ${Math.round(built.buildMs)} ms`;
  return { engine, description: `TensorRT ${built.tensorrtVersion}, engine built from ${path.basename(model)} ${how}` };
}

/** The engine a source gives: its plan loaded, else one built from `model` (which then must be a file). */
export async function loadEngine(model: string | null, source: EngineSource): Promise<LoadedEngine> {
  if (source.engine !== undefined) return engineFromPlan(source.engine, source.device);
  // TensorRT missing is the answer before a missing file is.
  trtModule();
  if (model === null) throw new InvalidValueError('model', 'a path to the .onnx file to build a TensorRT engine from', model);
  const build = source.device !== undefined && source.build?.device === undefined ? { ...source.build, device: source.device } : source.build;
  return engineFromModel(model, source.profiles, build);
}
