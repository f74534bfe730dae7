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

/** Where and how one run executed (lib/trt RunExecution), as far as a runner reports it. */
export interface EngineRunExecution {
  device: number;
  context: number;
  cudaGraph: string;
  cudaGraphReason?: string;
}

/** The parts of lib/trt's Engine (or EnginePool) a runner uses (so tests can stand in a fake). */
export interface EngineLike {
  readonly inputs: readonly { name: string; type?: string; dims: number[]; profiles: { min: number[]; opt: number[]; max: number[] }[] }[];
  readonly profileCount: number;
  /** Execution contexts per profile, CUDA graphs, and the devices it runs on (an Engine's one, an EnginePool's). */
  readonly contexts?: number;
  readonly cudaGraph?: boolean;
  readonly device?: number;
  readonly devices?: readonly number[];
  run(feeds: Record<string, unknown>, options?: { profile?: number }): Promise<NamedTensors>;
  runWithTimings?(
    feeds: Record<string, unknown>,
    options?: { profile?: number },
  ): Promise<{ outputs: NamedTensors; timings: { h2dMs: number; computeMs: number; d2hMs: number }; execution?: EngineRunExecution }>;
  dispose(): void;
}

/** An engine ready to run, and one line saying where it came from (for reports). */
export interface LoadedEngine {
  engine: EngineLike;
  /** e.g. 'TensorRT 10.8.0, engine model.plan', 'TensorRT 10.8.0, engine built from model.onnx in 4210 ms'. */
  description: string;
  /** lib/trt standInLabel(): how its figures must be labelled when trt-node's test stand-in runs it, else null. */
  standIn: string | null;
}

/** How a loaded engine runs: execution contexts per profile, CUDA graphs, and the devices (several: an EnginePool). */
export interface EngineRunSettings {
  /** Execution contexts per optimization profile (Engine.load's `contexts`). Default 1. */
  contexts?: number;
  /** Run through CUDA graphs (Engine.load's `cudaGraph`). Default false. */
  cudaGraph?: boolean;
  /** Load the engine on these devices and dispatch each run to the least busy (EnginePool). Default: one engine. */
  devices?: number[] | 'all';
}

/** Where the engine comes from: a plan, else a build from the model with `profiles` and `build`; and how it runs. */
export interface EngineSource extends EngineRunSettings {
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

/** The plan loaded as an Engine, or as an EnginePool when `devices` are given. */
async function loadPlan(trt: typeof import('../../trt'), plan: string | Uint8Array, run: EngineRunSettings, extra: { device?: number; model?: import('../../onnx/types').ModelSummary }): Promise<EngineLike> {
  const options = { ...(run.contexts !== undefined ? { contexts: run.contexts } : {}), ...(run.cudaGraph !== undefined ? { cudaGraph: run.cudaGraph } : {}), ...(extra.model ? { model: extra.model } : {}) };
  if (run.devices !== undefined) return trt.EnginePool.load(plan, { ...options, devices: run.devices });
  return trt.Engine.load(plan, { ...options, ...(extra.device !== undefined ? { device: extra.device } : {}) });
}

/** Loads a serialized engine. Throws TensorRTUnavailableError when the addon has no TensorRT. */
export async function engineFromPlan(plan: string | Uint8Array, run: EngineRunSettings = {}, device?: number): Promise<LoadedEngine> {
  const trt = trtModule();
  const engine = await loadPlan(trt, plan, run, device !== undefined ? { device } : {});
  const what = typeof plan === 'string' ? `engine ${path.basename(plan)}` : 'engine (plan bytes)';
  return { engine, description: `TensorRT ${trt.requireTensorRT().version.text}, ${what}`, standIn: trt.standInLabel() };
}

/**
 * Builds an engine from the ONNX model and loads it. A static model needs no profile; buildEngine names the dynamic
 * inputs a missing profile leaves uncovered. Throws TensorRTUnavailableError when the addon has no TensorRT.
 */
export async function engineFromModel(model: string, profiles: OptimizationProfile[] = [], build: EngineSource['build'] = {}, run: EngineRunSettings = {}): Promise<LoadedEngine> {
  const trt = trtModule();
  const built = await trt.buildEngine(model, { ...build, profiles });
  // The engine runs where it was built (unless devices are given): a plan is for its build device's kind of GPU.
  const engine = await loadPlan(trt, built.plan, run, { model: built.model, ...(build.device !== undefined ? { device: build.device } : {}) });
  const how = built.cached ? `from the engine cache (${built.cacheEntry})` : `in ${Math.round(built.buildMs)} ms`;
  return { engine, description: `TensorRT ${built.tensorrtVersion}, engine built from ${path.basename(model)} ${how}`, standIn: trt.standInLabel() };
}

/** The engine a source gives: its plan loaded, else one built from `model` (which then must be a file). */
export async function loadEngine(model: string | null, source: EngineSource): Promise<LoadedEngine> {
  const run: EngineRunSettings = { contexts: source.contexts, cudaGraph: source.cudaGraph, devices: source.devices };
  if (source.engine !== undefined) return engineFromPlan(source.engine, run, source.device);
  // TensorRT missing is the answer before a missing file is.
  trtModule();
  if (model === null) throw new InvalidValueError('model', 'a path to the .onnx file to build a TensorRT engine from', model);
  const build = source.device !== undefined && source.build?.device === undefined ? { ...source.build, device: source.device } : source.build;
  return engineFromModel(model, source.profiles, build, run);
}
