/**
 * crossCheck(model, options): runs the model on several runners (TensorRT, onnxruntime-node, saved PyTorch
 * references) at probe shapes across the whole dynamic range, compares every runner with the expected one at each
 * probe, and checks that output dims follow the dynamic axes. The result is JSON-able; `firstFailure` names the
 * first probe (in probe order) where anything went wrong.
 *
 * Without TensorRT the sweep still runs onnxruntime-node at every probe: that alone finds axes declared dynamic
 * that the graph cannot vary (SHAPE_NOT_DYNAMIC), and PyTorch references catch silent disagreements.
 */
import * as path from 'path';
import { defaultFailureClassifier, fixedSizeParameterCause, runFailureFinding } from '../check/rules/shape-not-dynamic';
import type { Finding } from '../check/types';
import { AbortError, InvalidTypeError, InvalidValueError, TrtNodeError } from '../errors';
import { readModel } from '../onnx/reader';
import type { ModelSummary } from '../onnx/types';
import type { NamedTensors } from '../tensor/types';
import type { OptimizationProfile } from '../trt/profiles';
import { validateToleranceOverrides, type ToleranceOverrides } from '../compare';
import { checkOutputDims } from './dims';
import { generateProbeFeeds } from '../runners/feeds';
import { axisSymbols, feedInputs, givenProbes, profileProbes, resolveSweepProfiles, shapesKey, type Probe, type ProfileSource, type SkippedProbe } from './probes';
import { loadSamples, type Runner, type RunnerKind, type Sample, type TensorRTRunnerOptions } from './runners';
import { createRunners, sampleProbes, type RunnerSpec } from './setup';
import type { CrossCheckResult, ErrorMap, OutputComparison, PairComparison, ProbeReport, RunRecord } from './types';
import { addFinding, compareRunners, firstFailureOf } from './verdicts';

export * from './types';
export * from './runners';
export { axisSymbols, oddSize, profileProbes, givenProbes, resolveSweepProfiles } from './probes';
export type { Probe, ProbeKind, AxisSymbol, SkippedProbe, ProfileSource } from './probes';

export type { RunnerSpec } from './setup';

export interface CrossCheckProgress {
  probe: Probe;
  /** Probes finished so far (this one included). */
  done: number;
  total: number;
  pass: boolean;
}

export interface CrossCheckOptions {
  /**
   * What to compare: runner specs, or your own Runner objects. Default: the saved references (when `samples` have
   * them), onnxruntime-node with graph optimizations on, and TensorRT when `engine` or `tensorrt` is given.
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
  /** Seed of generated inputs; probe i uses seed + i. Default 0. */
  seed?: number;
  /** Range of generated float inputs [low, high). Default [0, 1]. */
  valueRange?: [number, number];
  /** atol/rtol for every output and per output. Default: per dtype (lib/compare/tolerances.ts: float32 1e-4/1e-3). */
  tolerance?: ToleranceOverrides;
  /** Skip probes whose inputs exceed this many elements. Default 2**24. */
  maxElements?: number;
  /** Keep the error map of image-like outputs at their worst probe (for the HTML report). Default false. */
  errorMaps?: boolean | { maxSide?: number };
  /** Called after each probe. */
  onProgress?: (event: CrossCheckProgress) => void;
  /** Stops between probes; crossCheck then rejects with AbortError. */
  signal?: AbortSignal;
}

/** Which runner is the expected one at a probe: references first, then onnxruntime, then TensorRT. */
const EXPECTED_ORDER: Readonly<Record<RunnerKind, number>> = { reference: 0, onnxruntime: 1, tensorrt: 2 };

/**
 * Cross-checks a model across its dynamic range.
 * @param model a path to an .onnx file (a ModelSummary read from a file also works)
 * @throws TrtNodeError for usage errors: unreadable files, bad options or shapes, TensorRT asked for but absent
 *   (TensorRTUnavailableError). What the runners do at the probes goes in the result.
 */
export async function crossCheck(model: string | ModelSummary, options: CrossCheckOptions = {}): Promise<CrossCheckResult> {
  const started = Date.now();
  if (typeof options !== 'object' || options === null) throw new InvalidTypeError('options', 'an object', options);
  const summary = typeof model === 'string' ? await readModel(model) : model;
  const modelPath = typeof model === 'string' ? model : summary.file;
  const seed = options.seed ?? 0;
  if (!Number.isSafeInteger(seed) || seed < 0) throw new InvalidValueError('options.seed', 'a non-negative integer', seed);
  validateToleranceOverrides(options.tolerance, 'options.tolerance');
  const samples = await loadSamples(options.samples ?? [], 'options.samples');
  const symbols = axisSymbols(summary);
  const inputs = feedInputs(summary);

  const specs: (RunnerSpec | Runner)[] = options.runners ? [...options.runners] : [];
  if (!options.runners) {
    if (samples.some((s) => s.reference)) specs.push({ kind: 'reference' });
    specs.push({ kind: 'onnxruntime' });
  }
  if (options.engine !== undefined) specs.push({ kind: 'tensorrt', engine: options.engine });
  if (options.tensorrt) specs.push({ kind: 'tensorrt', ...(typeof options.tensorrt === 'object' ? options.tensorrt : {}) });

  // Profiles: given, else the engine's own (once loaded), else derived. Resolved lazily for engines built on the fly.
  let sweep: { profiles: OptimizationProfile[]; source: ProfileSource | 'none' } | undefined;
  const sampleShapes = samples.map((s) => Object.fromEntries(inputs.filter((i) => s.inputs[i.name]).map((i) => [i.name, [...s.inputs[i.name].dims]])));
  const resolve = () => (sweep ??= resolveSweepProfiles(summary, options.profiles, sampleShapes));
  const runners = await createRunners(modelPath, specs, samples, () => resolve().profiles);
  try {
    if (!sweep && options.profiles === undefined) {
      const engine = runners.find((r) => r.runner?.kind === 'tensorrt' && r.runner.profiles?.length);
      if (engine) sweep = { profiles: engine.runner!.profiles!, source: 'engine' };
    }
    const { profiles, source } = resolve();

    // Probes: samples first (they carry references), then the sweep or the given shapes, without repeats.
    const probes: Probe[] = sampleProbes(summary, samples, profiles);
    let skippedProbes: SkippedProbe[] = [];
    const extra: Probe[] = [];
    if (options.probes !== undefined) {
      if (!Array.isArray(options.probes)) throw new InvalidTypeError('options.probes', 'an array of {input: shape} objects', options.probes);
      extra.push(...givenProbes(summary, options.probes, profiles, 'options.probes'));
    } else if (options.sweep !== false) {
      const made = profileProbes(summary, profiles, { maxElements: options.maxElements });
      extra.push(...made.probes);
      skippedProbes = made.skipped;
    }
    const seen = new Set(probes.map((p) => shapesKey(p.shapes)));
    for (const p of extra) {
      if (seen.has(shapesKey(p.shapes))) continue;
      seen.add(shapesKey(p.shapes));
      probes.push(p);
    }
    probes.forEach((p, i) => (p.index = i));

    const findings: Finding[] = [];
    const reports: ProbeReport[] = [];
    const worst = new Map<string, { maxAbs: number; map: ErrorMap }>();
    const keepMaps = options.errorMaps ? true : false;
    const ordered = [...runners].sort((a, b) => EXPECTED_ORDER[a.info.kind] - EXPECTED_ORDER[b.info.kind]);

    for (const probe of probes) {
      if (options.signal?.aborted) throw new AbortError('crossCheck');
      const sample = probe.sample !== undefined ? samples.find((s) => s.key === probe.sample) : undefined;
      const feeds: NamedTensors = sample
        ? Object.fromEntries(inputs.map((i) => [i.name, sample.inputs[i.name]]))
        : generateProbeFeeds(inputs, probe.shapes, seed + probe.index, options.valueRange);
      const runs: RunRecord[] = [];
      const outputs = new Map<string, NamedTensors>();
      for (const { info, runner } of ordered) {
        if (!runner) {
          runs.push({ runner: info.name, status: 'skipped', reason: `could not be created: ${info.error}` });
          continue;
        }
        if (!runner.supports(probe)) {
          if (runner.kind !== 'reference') runs.push({ runner: info.name, status: 'skipped', reason: runner.unsupportedReason?.(probe) ?? 'does not support these shapes' });
          continue;
        }
        const t0 = performance.now();
        try {
          const out = await runner.run(feeds, probe);
          outputs.set(info.name, out);
          runs.push({ runner: info.name, status: 'ran', ms: Math.round((performance.now() - t0) * 100) / 100, outputDims: Object.fromEntries(Object.entries(out).map(([k, t]) => [k, [...t.dims]])) });
        } catch (err) {
          if (err instanceof TrtNodeError && (err.code === 'ERR_TRT_NODE_DISPOSED' || err.code === 'ERR_TRT_NODE_ABORTED')) throw err;
          const failure = defaultFailureClassifier(err);
          runs.push({
            runner: info.name,
            status: 'failed',
            ms: Math.round((performance.now() - t0) * 100) / 100,
            reason: failure.message || (err instanceof Error ? err.message : String(err)),
            ...(failure.nodeName ? { node: failure.nodeName } : {}),
          });
          // A baked-in Reshape target, or the data meeting a fixed-size parameter (issue 11's cause analysis).
          if (failure.kind === 'reshape' || fixedSizeParameterCause(summary, failure)) addFinding(findings, runFailureFinding(summary, failure, probe.shapes, `cross-check probe '${probe.label}' (${info.name})`));
        }
      }
      // Every runner that ran is compared with the expected one: the first that ran in EXPECTED_ORDER.
      const comparisons: PairComparison[] = [];
      const ran = ordered.filter((r) => outputs.has(r.info.name));
      const expected = ran[0];
      for (const r of ran.slice(1)) {
        const keep = keepMaps
          ? (make: () => ErrorMap | undefined, c: OutputComparison) => {
              if (c.maxAbsError === null) return;
              const key = `${r.info.name}|${expected.info.name}|${c.output}`;
              const prev = worst.get(key);
              if (prev && prev.maxAbs >= c.maxAbsError) return;
              const map = make();
              if (map) worst.set(key, { maxAbs: c.maxAbsError, map });
            }
          : undefined;
        comparisons.push(
          compareRunners(probe, { name: r.info.name, outputs: outputs.get(r.info.name)! }, { name: expected.info.name, kind: expected.info.kind, outputs: outputs.get(expected.info.name)! }, options, keep),
        );
      }
      const modelRan = ran.some((r) => r.info.kind !== 'reference');
      const report: ProbeReport = {
        ...probe,
        inputs: sample ? (sample.source === 'tensors' ? 'tensors' : path.relative(process.cwd(), sample.source) || sample.source) : `generated (seed ${seed + probe.index})`,
        runs,
        comparisons,
        dimIssues: [],
        pass: modelRan && runs.every((r) => r.status !== 'failed') && comparisons.every((c) => c.pass),
      };
      reports.push(report);
      options.onProgress?.({ probe, done: reports.length, total: probes.length, pass: report.pass });
    }

    const modelRunners = runners.filter((r) => r.runner && r.info.kind !== 'reference').map((r) => r.info.name);
    const dims = checkOutputDims(summary, symbols, reports, modelRunners);
    for (const issue of dims.issues) {
      const p = reports[issue.probe];
      const { probe: _probe, ...rest } = issue;
      p.dimIssues.push(rest);
      p.pass = false;
    }
    for (const f of dims.findings) addFinding(findings, f);

    const infos = runners.map((r) => r.info);
    const comparisons = reports.flatMap((p) => p.comparisons);
    const allRuns = reports.flatMap((p) => p.runs);
    const firstFailure = firstFailureOf(infos, reports);
    const result: CrossCheckResult = {
      model: modelPath,
      runners: infos,
      profiles,
      profileSource: profiles.length ? source : 'none',
      seed,
      probes: reports,
      skippedProbes,
      dimChecks: dims.checks,
      findings,
      firstFailure,
      pass: firstFailure === null && reports.length > 0,
      summary: {
        probes: reports.length,
        failedProbes: reports.filter((p) => !p.pass).length,
        comparisons: comparisons.length,
        failedComparisons: comparisons.filter((c) => !c.pass).length,
        runs: allRuns.filter((r) => r.status !== 'skipped').length,
        failedRuns: allRuns.filter((r) => r.status === 'failed').length,
        skippedRuns: allRuns.filter((r) => r.status === 'skipped').length,
      },
      ...(keepMaps ? { errorMaps: [...worst.values()].map((w) => w.map) } : {}),
      durationMs: Date.now() - started,
    };
    return result;
  } finally {
    for (const r of runners) {
      try {
        await r.runner?.dispose();
      } catch {
        // disposing is best effort; the result (or the error being thrown) matters more
      }
    }
  }
}
