/**
 * The TensorRT Runner: a loaded engine (./loader.ts: a plan, or built on the fly from the model and profiles)
 * wrapped as a Runner, and the 'tensorrt' kind registered. lib/trt, and the native addon behind it, are loaded only
 * when a TensorRT runner is asked for.
 */
import { IO_TYPES } from '../../diagnostics/data/onnx-tensorrt-import-checks';
import { fitsProfile, profilesByIndex, type OptimizationProfile } from '../../shapes/profiles';
import type { NamedTensors } from '../../tensor/types';
import * as v from '../../validate';
import { specOptions, TENSORRT_RUNNER_OPTIONS } from '../option-names';
import { EXPECTED_RANK, registerRunner } from '../registry';
import type { RunContext, Runner, RunnerTimings } from '../runner';
import { loadEngine, type EngineLike, type EngineSource } from './loader';

export type { EngineLike, EngineRunExecution } from './loader';

export interface TensorRTRunnerOptions extends EngineSource {
  /** Runner name. Default 'tensorrt'. */
  name?: string;
}

export type TensorRTRunnerSpec = { kind: 'tensorrt' } & TensorRTRunnerOptions;

/** The engine's optimization profiles, by input name (as buildEngine takes them). */
export function engineProfiles(engine: EngineLike): OptimizationProfile[] {
  return profilesByIndex(engine.inputs, engine.profileCount);
}

const FLT_MAX = 3.4028234663852886e38;

/**
 * The feeds as the engine takes them: TensorRT's ONNX parser casts DOUBLE network inputs down to FLOAT ("TensorRT will
 * attempt to cast DOUBLE down to FLOAT, clamping values to +-FLT_MAX if necessary", IO_TYPES.castDown), so a model's
 * float64 inputs are float32 engine inputs: their feeds are cast the same way.
 */
export function castDownFeeds(feeds: NamedTensors, engine: EngineLike): NamedTensors {
  let out: NamedTensors | undefined;
  for (const input of engine.inputs) {
    const feed = feeds[input.name];
    if (!feed || !input.type || IO_TYPES.castDown[feed.type] !== input.type) continue;
    const data = Float32Array.from(feed.data as Float64Array, (v) => (Number.isNaN(v) ? v : Math.max(-FLT_MAX, Math.min(FLT_MAX, v))));
    out ??= { ...feeds };
    out[input.name] = { type: 'float32', dims: feed.dims, data };
  }
  return out ?? feeds;
}

/** How the engine runs, for reports: contexts per profile, CUDA graphs, devices, and the stand-in's label if it is one. */
function runSettings(engine: EngineLike, standIn: string | null): Record<string, unknown> {
  return {
    contexts: engine.contexts ?? 1,
    cudaGraph: engine.cudaGraph ?? false,
    devices: engine.devices ? [...engine.devices] : [engine.device ?? 0],
    ...(standIn !== null ? { standIn } : {}),
  };
}

/**
 * Wraps a loaded engine. The probe's profile index is used when the probe fits it, else the first that fits.
 * `standIn`: the label its figures carry when trt-node's test stand-in runs it (lib/trt standInLabel()).
 */
export function tensorRTRunnerFromEngine(engine: EngineLike, name = 'tensorrt', description = 'TensorRT engine', standIn: string | null = null): Runner {
  const profiles = engineProfiles(engine);
  const fits = (probe: RunContext) => profiles.findIndex((p) => fitsProfile(probe.shapes, p));
  const profileFor = (probe: RunContext) =>
    probe.profile !== undefined && profiles[probe.profile] && fitsProfile(probe.shapes, profiles[probe.profile]) ? probe.profile : fits(probe);
  const options = (probe: RunContext) => {
    const p = profileFor(probe);
    return p >= 0 ? { profile: p } : {};
  };
  const described = `${description} (${engine.profileCount} profile${engine.profileCount === 1 ? '' : 's'})`;
  return {
    name,
    kind: 'tensorrt',
    profiles,
    description: described,
    settings: { profiles: profiles.length, ...runSettings(engine, standIn) },
    measuredAs: `${described} through the trt-node addon (runs on the profile's own thread); engine = enqueueV3's work from CUDA events on the run's stream; the H2D/D2H copies count as the binding's`,
    supports: (probe) => profiles.length === 0 || profileFor(probe) >= 0,
    unsupportedReason: () =>
      `the shapes are outside every optimization profile of the engine (${profiles
        .map((p, i) => `${i}: ${Object.entries(p).map(([n, r]) => `${n} ${r.min.join('x')}..${r.max.join('x')}`).join(', ')}`)
        .join('; ')})`,
    run: (feeds, probe) => engine.run(castDownFeeds(feeds, engine), options(probe)),
    async runTimed(feeds, probe) {
      if (!engine.runWithTimings) return { outputs: await engine.run(castDownFeeds(feeds, engine), options(probe)), timings: {} };
      const r = await engine.runWithTimings(castDownFeeds(feeds, engine), options(probe));
      // Inside the engine is enqueueV3's work; the copies to and from the GPU are the binding's (bindingOverheadMs).
      const t: RunnerTimings = { h2dMs: r.timings.h2dMs, computeMs: r.timings.computeMs, d2hMs: r.timings.d2hMs, engineMs: r.timings.computeMs };
      if (r.execution) t.execution = r.execution;
      return { outputs: r.outputs, timings: t };
    },
    dispose: () => engine.dispose(),
  };
}

/**
 * A TensorRT runner: loads `options.engine`, or builds one from `model` with `options.profiles` (./loader.ts).
 * Throws TensorRTUnavailableError when the addon has no TensorRT.
 */
export async function createTensorRTRunner(model: string | null, options: TensorRTRunnerOptions = {}): Promise<Runner> {
  v.options<TensorRTRunnerOptions>(options, 'options', TENSORRT_RUNNER_OPTIONS);
  const { engine, description, standIn } = await loadEngine(model, options);
  return tensorRTRunnerFromEngine(engine, options.name ?? 'tensorrt', description, standIn);
}

registerRunner<TensorRTRunnerSpec>(
  'tensorrt',
  // Usage errors (TensorRT missing, a bad plan) throw: the caller asked for TensorRT explicitly.
  (spec, context) => {
    const options = specOptions(spec, context.parameter, TENSORRT_RUNNER_OPTIONS);
    // An engine built here is the slow part of a check: the caller's signal stops the build too.
    let build = context.signal && options.build?.signal === undefined ? { ...options.build, signal: context.signal } : options.build;
    // TensorRT's parser finds external data next to the model unless told where (buildEngine's baseDir).
    if (context.externalDataDir !== undefined && build?.baseDir === undefined) build = { ...build, baseDir: context.externalDataDir };
    return createTensorRTRunner(context.model, {
      ...options,
      ...(build ? { build } : {}),
      ...(options.engine === undefined ? { profiles: options.profiles ?? context.profiles() } : {}),
    });
  },
  { expectedRank: EXPECTED_RANK.underTest },
);
