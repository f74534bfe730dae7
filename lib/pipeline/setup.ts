/**
 * What check() and crossCheck() set up the same way before the pipeline runs: the runners (built-in specs, your
 * own Runners, the shorthands `engine` and `tensorrt`), the profiles to sweep (given, else the engine's own, else
 * derived from the samples or defaults) and the sweep's probes (or the probes given).
 */
import { InvalidTypeError } from '../errors';
import type { ModelSummary } from '../onnx/types';
import { modelBytesOf } from '../onnx/reader';
import type { LoadedSample } from '../data/samples';
import { refuseWhatOrtCannotCarry } from '../runners/onnxruntime/limits';
import type { Runner } from '../runners/runner';
import { createRunners, disposeRunners, type ActiveRunner, type RunnerSpec } from '../runners/specs';
import type { TensorRTRunnerOptions } from '../runners/tensorrt/runner';
import type { OptimizationProfile } from '../shapes/profiles';
import { feedInputs, givenProbes, probeOverBudget, profileProbes, resolveSweepProfiles, type Probe, type ProfileSource, type SkippedProbe } from './probes';
import { hasOwn } from '../util/names';
import { layeredModelBytes, withMarkedEngines, type LayerPlan } from './layers';

export interface RunnerOptions {
  runners?: (RunnerSpec | Runner)[];
  engine?: string | Uint8Array;
  tensorrt?: boolean | Omit<TensorRTRunnerOptions, 'engine' | 'profiles'>;
  profiles?: OptimizationProfile | OptimizationProfile[];
  probes?: Record<string, number[]>[];
  maxElements?: number;
  maxTensorBytes?: number;
  /** Stops an engine build as well as the runs. */
  signal?: AbortSignal;
}

/**
 * The given specs, or `defaults`, plus a TensorRT runner for `engine` / `tensorrt`, and the saved references first
 * when the samples have them: references are data, not a runtime choice, so they are compared with whichever
 * runners run.
 */
export function runnerSpecs(options: RunnerOptions, defaults: () => (RunnerSpec | Runner)[], withReference: boolean): (RunnerSpec | Runner)[] {
  if (options.runners !== undefined && !Array.isArray(options.runners)) throw new InvalidTypeError('options.runners', 'an array of runner specs or Runners', options.runners);
  const specs = options.runners ? [...options.runners] : defaults();
  const isReference = (s: RunnerSpec | Runner) => typeof s === 'object' && s !== null && s.kind === 'reference';
  if (withReference && !specs.some(isReference)) specs.unshift({ kind: 'reference' });
  const tensorrt = typeof options.tensorrt === 'object' ? options.tensorrt : {};
  // One TensorRT runner: the plan given (with `tensorrt`'s options, e.g. its device), else one built when asked.
  if (options.engine !== undefined) specs.push({ kind: 'tensorrt', ...tensorrt, engine: options.engine });
  else if (options.tensorrt) specs.push({ kind: 'tensorrt', ...tensorrt });
  return specs;
}

/** How the sweep is made: the profiles and probes given, the size caps, the signal; `sweep` false makes none. */
export type SweepOptions = Pick<RunnerOptions, 'profiles' | 'probes' | 'maxElements' | 'maxTensorBytes' | 'signal'> & {
  sweep: boolean;
  /** A runner whose runtime is missing here (TensorRT) is reported in its info, not thrown (lib/runners/specs.ts). */
  reportUnavailable?: boolean;
};

export interface Sweep {
  profiles: OptimizationProfile[];
  source: ProfileSource | 'none';
  /** The sweep's probes, or the given ones; none when `sweep` is false. */
  probes: Probe[];
  skipped: SkippedProbe[];
}

/**
 * Creates the runners and plans the sweep. Profiles are resolved lazily: an engine built on the fly is built with
 * them, and a loaded engine's own profiles are what its sweep covers.
 */
export async function setUpRuns(
  model: ModelSummary,
  modelPath: string | null,
  specs: readonly (RunnerSpec | Runner)[],
  samples: readonly LoadedSample[],
  options: SweepOptions & { externalDataDir?: string; layers?: LayerPlan },
): Promise<{ runners: ActiveRunner[]; sweep: Sweep; float16Runners: Set<string> }> {
  const inputs = feedInputs(model);
  const sampleShapes = samples.map((s) => Object.fromEntries(inputs.filter((i) => hasOwn(s.inputs, i.name)).map((i) => [i.name, [...s.inputs[i.name].dims]])));
  let resolved: { profiles: OptimizationProfile[]; source: ProfileSource | 'none' } | undefined;
  const resolve = () => (resolved ??= resolveSweepProfiles(model, options.profiles, sampleShapes));
  refuseWhatOrtCannotCarry(model, specs); // bfloat16, NUL in names: said before a session fails on them
  // With layers, the runners made from the model's bytes run it with the selected tensors as outputs, and each
  // TensorRT engine built from it has a marked twin (./layers.ts).
  const marked = options.layers ? withMarkedEngines(specs, options.layers) : { specs: [...specs], float16: new Set<string>() };
  const modelBytes = options.layers ? await layeredModelBytes(model, options.layers, options.externalDataDir) : modelBytesOf(model);
  const runners = await createRunners(marked.specs, {
    model: modelPath,
    // The bytes that were read and diagnosed: onnxruntime runs exactly those.
    ...(modelBytes ? { modelBytes } : {}),
    samples,
    profiles: () => resolve().profiles,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.reportUnavailable ? { reportUnavailable: true } : {}),
    ...(options.externalDataDir !== undefined ? { externalDataDir: options.externalDataDir } : {}),
  });
  try {
    if (!options.sweep) {
      const given = options.profiles === undefined ? [] : Array.isArray(options.profiles) ? options.profiles : [options.profiles];
      return { runners, sweep: { profiles: given, source: 'given', probes: [], skipped: [] }, float16Runners: marked.float16 };
    }
    if (!resolved && options.profiles === undefined) {
      // A runner with shape ranges of its own (a TensorRT engine loaded from a plan): its range is what to sweep.
      const engine = runners.find((r) => r.runner?.profiles?.length);
      if (engine) resolved = { profiles: engine.runner!.profiles!, source: 'engine' };
    }
    const { profiles, source } = resolve();
    if (options.probes !== undefined) {
      if (!Array.isArray(options.probes)) throw new InvalidTypeError('options.probes', 'an array of {input: shape} objects', options.probes);
      const given = givenProbes(model, options.probes, profiles, 'options.probes');
      for (const p of given) {
        const over = options.maxTensorBytes === undefined ? undefined : probeOverBudget(model, p, options.maxTensorBytes, 'probe');
        if (over) throw over;
      }
      return { runners, sweep: { profiles, source, probes: given, skipped: [] }, float16Runners: marked.float16 };
    }
    const made = profileProbes(model, profiles, { maxElements: options.maxElements, ...(options.maxTensorBytes !== undefined ? { maxTensorBytes: options.maxTensorBytes } : {}) });
    return { runners, sweep: { profiles, source, probes: made.probes, skipped: made.skipped }, float16Runners: marked.float16 };
  } catch (err) {
    await disposeRunners(runners); // a bad `probes` option must not leave sessions (and their threads) open
    throw err;
  }
}
