/**
 * crossCheck(model, options): runs the model on several runners (TensorRT, onnxruntime-node, saved PyTorch
 * references) at probe shapes across the whole dynamic range, compares every runner with the expected one at each
 * probe, and checks that output dims follow the dynamic axes. It is the run pipeline of lib/pipeline with the
 * sweep as its plan; check() runs the same pipeline after its diagnostics. The result is JSON-able; `firstFailure`
 * names the first probe (in probe order) where anything went wrong.
 *
 * Without TensorRT the sweep still runs onnxruntime-node at every probe: that alone finds axes declared dynamic
 * that the graph cannot vary (SHAPE_NOT_DYNAMIC), and PyTorch references catch silent disagreements.
 */
import type { Sample } from '../data/samples';
import { loadSamples } from '../data/samples';
import { CROSSCHECK_OPTIONS } from './option-names';
import { knownKeys } from '../validate';
import { diagnoseStatic } from '../diagnostics/diagnose';
import { InvalidTypeError } from '../errors';
import type { ModelSummary } from '../onnx/types';
import { execute, type Execution } from '../pipeline/execute';
import { commonRunOptions, loadModelArgument, type CommonRunOptions } from '../pipeline/options';
import { firstRanBaseline, planProbes } from '../pipeline/plan';
import { sampleProbes } from '../pipeline/requested';
import { pipelineResult } from '../pipeline/result';
import { runnerSpecs } from '../pipeline/setup';
import type { CrossCheckProgress, CrossCheckResult } from '../pipeline/types';
import type { Runner } from '../runners/runner';
import type { RunnerSpec } from '../runners/specs';
import type { TensorRTRunnerOptions } from '../runners/tensorrt/runner';
import type { OptimizationProfile } from '../shapes/profiles';

export * from '../pipeline/types';
export { axisSymbols, oddSize, profileProbes, givenProbes, resolveSweepProfiles } from '../pipeline/probes';
export type { Probe, ProbeKind, AxisSymbol, SkippedProbe, ProfileSource } from '../pipeline/probes';
export { createOnnxRuntimeRunner, onnxRuntimeRunnerFromSession, onnxRuntimeRunnerName } from '../runners/onnxruntime/runner';
export type { OnnxRuntimeRunnerOptions, OnnxRuntimeRunnerSpec } from '../runners/onnxruntime/runner';
export { createTensorRTRunner, tensorRTRunnerFromEngine, engineProfiles } from '../runners/tensorrt/runner';
export type { EngineLike, TensorRTRunnerOptions, TensorRTRunnerSpec } from '../runners/tensorrt/runner';
export { engineFromModel, engineFromPlan, loadEngine } from '../runners/tensorrt/loader';
export type { EngineSource, LoadedEngine } from '../runners/tensorrt/loader';
export { createReferenceRunner } from '../runners/reference';
export type { ReferenceRunnerSpec } from '../runners/reference';
export { EXPECTED_RANK, registerRunner, runnerKinds } from '../runners/registry';
export type { CustomRunnerSpec, RunnerFactory, RunnerFactoryContext, RunnerRegistrationOptions } from '../runners/registry';
export { loadSamples } from '../data/samples';
export type { LoadedSample, Sample } from '../data/samples';
export type { BuiltInRunnerKind, Runner, RunnerKind, RunContext, RunnerTimings } from '../runners/runner';
export type { RunnerSpec } from '../runners/specs';

export interface CrossCheckOptions extends CommonRunOptions {
  /**
   * What to compare: runner specs, or your own Runner objects. Default: onnxruntime-node with graph optimizations
   * on. TensorRT is added when `engine` or `tensorrt` is given, and the saved references, first, whenever `samples`
   * have them (given runners or not).
   */
  runners?: (RunnerSpec | Runner)[];
  /** Shorthand: add a TensorRT runner that loads this plan (path or bytes). Default none. */
  engine?: string | Uint8Array;
  /**
   * Shorthand: add a TensorRT runner built on the fly from the sweep's profiles (true, or its runner's options: build,
   * device). With `engine`, its options (e.g. `device`) are those of the plan's runner. Default false.
   */
  tensorrt?: boolean | Omit<TensorRTRunnerOptions, 'engine' | 'profiles'>;
  /** Saved inputs, each optionally with reference outputs (e.g. PyTorch's): probed at their own shapes. Default none. */
  samples?: Sample[];
  /**
   * Optimization profiles whose range to sweep. Default: the engine's own profiles when `engine` is given, else one
   * derived from the sample shapes (widened to ½ … 2× on dynamic axes), else from defaults (batch 1, h/w 64).
   */
  profiles?: OptimizationProfile | OptimizationProfile[];
  /** Probe these input shapes instead of the default sweep (each a shape per dynamic input). Default: the sweep. */
  probes?: Record<string, number[]>[];
  /** Sweep the profiles' range (min, opt, max, in-between, odd sizes). false: samples and `probes` only. Default true. */
  sweep?: boolean;
  /** Skip probes whose inputs exceed this many elements. Default 2**24. */
  maxElements?: number;
  /** Called after each probe. */
  onProgress?: (event: CrossCheckProgress) => void;
}

/**
 * Cross-checks a model across its dynamic range.
 * @param model a path to an .onnx file (a ModelSummary read from a file also works)
 * @throws TrtNodeError for usage errors: unreadable files, bad options or shapes, TensorRT asked for but absent
 *   (TensorRTUnavailableError). What the runners do at the probes goes in the result. An abort through `signal`
 *   rejects with AbortError, whose `partial` is the result so far, marked `interrupted`.
 */
export async function crossCheck(model: string | ModelSummary, options: CrossCheckOptions = {}): Promise<CrossCheckResult> {
  const started = Date.now();
  const e = await prepareCrossCheck(model, options);
  const staticFindings = diagnoseStatic(e.model);
  return execute(e, ({ out, runners, sweep }) => pipelineResult(out, { model: e.modelPath, runners, sweep, seed: e.options.seed, staticFindings, startedAt: started }));
}

/** crossCheck's options validated and resolved once: the runners to make, the samples read, the plan of probes. */
async function prepareCrossCheck(model: string | ModelSummary, options: CrossCheckOptions): Promise<Execution> {
  if (typeof options !== 'object' || options === null) throw new InvalidTypeError('options', 'an object', options);
  knownKeys(options as Record<string, unknown>, 'options', CROSSCHECK_OPTIONS); // a misspelt option would change nothing
  const summary = await loadModelArgument(model, options.externalDataDir);
  const common = commonRunOptions(summary, options, 'options');
  const samples = await loadSamples(options.samples ?? [], 'options.samples', common.maxTensorBytes, summary);
  return {
    call: 'crossCheck',
    model: summary,
    modelPath: typeof model === 'string' ? model : summary.file,
    specs: runnerSpecs(options, () => [{ kind: 'onnxruntime' }], samples.some((s) => s.reference)),
    samples,
    options: common,
    sweep: { ...options, maxTensorBytes: common.maxTensorBytes, ...(common.signal ? { signal: common.signal } : {}), sweep: options.sweep !== false || options.probes !== undefined },
    // Probes: samples first (they carry references), then the sweep or the given shapes, without repeats.
    plan: (sweep) => {
      const requested = sampleProbes(summary, samples, sweep.profiles, (i) => `options.samples[${i}]`);
      return { planner: planProbes(summary, { requested, sweep: sweep.probes }), planned: requested.length + sweep.probes.length };
    },
    baselineOf: firstRanBaseline,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  };
}
