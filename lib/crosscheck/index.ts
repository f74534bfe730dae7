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
import { CROSSCHECK_OPTIONS } from './option-names';
import { knownKeys } from '../validate';
import { diagnoseStatic } from '../diagnostics/diagnose';
import { AbortError, InvalidTypeError } from '../errors';
import type { ModelSummary } from '../onnx/types';
import { firstRanBaseline, planProbes } from '../pipeline/plan';
import { feedInputs, type Probe } from '../pipeline/probes';
import { sampleProbes } from '../pipeline/requested';
import { pipelineResult } from '../pipeline/result';
import { runPipeline } from '../pipeline/run';
import { runnerSpecs, setUpRuns } from '../pipeline/setup';
import type { CrossCheckResult, ProbeReport } from '../pipeline/types';
import { loadSamples, type Sample } from '../runners/reference';
import type { Runner } from '../runners/runner';
import { disposeRunners, type RunnerSpec } from '../runners/specs';
import type { TensorRTRunnerOptions } from '../runners/tensorrt';
import type { OptimizationProfile } from '../shapes/profiles';
import { commonRunOptions, loadModelArgument, type CommonRunOptions } from '../pipeline/options';

export * from '../pipeline/types';
export { axisSymbols, oddSize, profileProbes, givenProbes, resolveSweepProfiles } from '../pipeline/probes';
export type { Probe, ProbeKind, AxisSymbol, SkippedProbe, ProfileSource } from '../pipeline/probes';
export { createOnnxRuntimeRunner, onnxRuntimeRunnerName } from '../runners/onnxruntime';
export type { OnnxRuntimeRunnerOptions } from '../runners/onnxruntime';
export { createTensorRTRunner, tensorRTRunnerFromEngine, engineProfiles } from '../runners/tensorrt';
export type { EngineLike, TensorRTRunnerOptions } from '../runners/tensorrt';
export { createReferenceRunner, loadSamples } from '../runners/reference';
export type { LoadedSample, Sample } from '../runners/reference';
export type { Runner, RunnerKind, RunContext, RunTimings } from '../runners/runner';
export type { RunnerSpec } from '../runners/specs';

export interface CrossCheckProgress {
  probe: Probe;
  /** Probes finished so far (this one included). */
  done: number;
  /** Probes planned so far (more may be planned as results come in). */
  total: number;
  /** The probe's verdict; `pass` is true for 'pass' only. */
  verdict: ProbeReport['verdict'];
  pass: boolean;
  /** The probe's whole report. */
  report: ProbeReport;
}

export interface CrossCheckOptions extends CommonRunOptions {
  /**
   * What to compare: runner specs, or your own Runner objects. Default: onnxruntime-node with graph optimizations
   * on. TensorRT is added when `engine` or `tensorrt` is given, and the saved references, first, whenever `samples`
   * have them (given runners or not).
   */
  runners?: (RunnerSpec | Runner)[];
  /** Shorthand: add a TensorRT runner that loads this plan (path or bytes). Default none. */
  engine?: string | Uint8Array;
  /** Shorthand: add a TensorRT runner built on the fly from the sweep's profiles (true, or build options). Default false. */
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
  if (typeof options !== 'object' || options === null) throw new InvalidTypeError('options', 'an object', options);
  knownKeys(options as Record<string, unknown>, 'options', CROSSCHECK_OPTIONS); // a misspelt option would change nothing
  const summary = await loadModelArgument(model);
  const modelPath = typeof model === 'string' ? model : summary.file;
  const common = commonRunOptions(summary, options, 'options');
  const samples = await loadSamples(options.samples ?? [], 'options.samples', common.maxTensorBytes);
  const inputs = feedInputs(summary);

  const specs = runnerSpecs(options, () => [{ kind: 'onnxruntime' }], samples.some((s) => s.reference));
  const { runners, sweep } = await setUpRuns(summary, modelPath, specs, samples, { ...options, maxTensorBytes: common.maxTensorBytes, signal: common.signal, sweep: options.sweep !== false || options.probes !== undefined });
  try {
    // Probes: samples first (they carry references), then the sweep or the given shapes, without repeats.
    const requested = sampleProbes(summary, samples, sweep.profiles, (i) => `options.samples[${i}]`);
    const extra = sweep.probes;
    const planned = () => requested.length + extra.length;
    const out = await runPipeline({
      model: summary,
      inputs,
      runners,
      samples,
      planner: planProbes(summary, { requested, sweep: extra }),
      baselineOf: firstRanBaseline,
      ...common,
      onProbe: (report, done) => options.onProgress?.({ probe: report, done, total: Math.max(done, planned()), verdict: report.verdict, pass: report.verdict === 'pass', report }),
    });
    const result = pipelineResult(out, { model: modelPath, runners, sweep, seed: common.seed, staticFindings: diagnoseStatic(summary), startedAt: started });
    if (out.interrupted) throw new AbortError('crossCheck', result);
    return result;
  } finally {
    await disposeRunners(runners);
  }
}

