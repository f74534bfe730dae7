/**
 * check() = the model's static diagnostics + the run pipeline (lib/pipeline) that the cross-check runs: the
 * requested runs (samples compared with their PyTorch references, --shapes, or default sizes), then the dynamic-axes
 * probes (SHAPE_NOT_DYNAMIC), or, when a cross-check is asked for (sweep, probes, a TensorRT engine), the sweep of
 * the dynamic range. One JSON-able report; formatCheckReport() renders it for people.
 */
import { AbortError, InvalidTypeError, InvalidValueError } from '../errors';
import type { ModelSummary } from '../onnx/types';
import { planProbes, requestedBaseline } from '../pipeline/plan';
import { feedInputs, isRequestedRun, probeOverBudget, type Probe, type ProfileSource } from '../pipeline/probes';
import { runnerSpecs, setUpRuns } from '../pipeline/setup';
import { defaultProbe, sampleProbes, shapeSetProbes, validateShapeSet } from '../pipeline/requested';
import { pipelineResult } from '../pipeline/result';
import { runPipeline } from '../pipeline/run';
import type { CrossCheckResult, ProbeReport, RunRecord } from '../pipeline/types';
import { mergeFindings } from '../pipeline/verdicts';
import { loadSamples, type Sample } from '../runners/reference';
import { displayPath } from '../util/text';
import type { Runner } from '../runners/runner';
import { disposeRunners, type RunnerInfo, type RunnerSpec } from '../runners/specs';
import type { TensorRTRunnerOptions } from '../runners/tensorrt';
import { unsafeArrayName, writeNpz } from '../tensor/npz';
import type { NamedTensors } from '../tensor/types';
import type { OptimizationProfile } from '../shapes/profiles';
import { checkOutputFile } from '../io/atomic-write';
import { hasOwn } from '../util/names';
import type { OutputComparison } from '../compare';
import { commonRunOptions, loadModelArgument, type CommonRunOptions } from '../pipeline/options';
import type { CrossCheckProgress } from '../crosscheck';
import { indexGraph, shapeTag } from '../diagnostics/graph';
import { blocksRun, diagnoseStatic } from '../diagnostics/diagnose';
import type { Finding, FindingCode, ShapeRequest } from '../diagnostics/findings';
import { hasErrors } from '../diagnostics/findings';
import { checkParts, type CheckParts } from './parts';
import { CHECK_OPTIONS } from './option-names';
import { knownKeys } from '../validate';

/** One run: inputs from an .npz (or tensors), optionally with the reference outputs to compare against. */
export type CheckSample = Sample;

export interface CheckOptions extends CommonRunOptions {
  /** Input shape sets to run with generated inputs (trtexec --shapes syntax, parsed). Default none. */
  shapes?: Record<string, number[]>[];
  /** Runs on given inputs, each optionally compared with a reference. Default none. */
  samples?: CheckSample[];
  /**
   * Write the outputs of the runs to this .npz (atomically; never over the model or one of its inputs). With
   * several runs keys are `<output>@<shape tag>`.
   */
  saveOutputs?: string;
  /** Probe the declared dynamic axes (SHAPE_NOT_DYNAMIC). Default true. */
  probe?: boolean;
  /** Profile bounds to probe and check against fixed dims, e.g. from --minShapes/--maxShapes. Default none. */
  bounds?: { label: string; shapes: Record<string, number[]> }[];
  /**
   * What runs the model: runner specs or your own Runners. Default: onnxruntime-node (plus onnxruntime with graph
   * optimizations off as a second opinion when sweeping without TensorRT). TensorRT is added when `engine` or
   * `tensorrt` is given, and the saved references, first, whenever samples have them (given runners or not).
   */
  runners?: (RunnerSpec | Runner)[];
  /** Also run this TensorRT engine (plan path or bytes), cross-checked across its profiles. Default none. */
  engine?: string | Uint8Array;
  /** Also build a TensorRT engine from `profiles` and cross-check it (true, or build options). Default false. */
  tensorrt?: boolean | Omit<TensorRTRunnerOptions, 'engine' | 'profiles'>;
  /** Sweep the dynamic range (each profile's min/opt/max, sizes in between, odd sizes): a cross-check. Default false. */
  sweep?: boolean;
  /** Probe these shapes instead of the sweep (a cross-check). Default none. */
  probes?: Record<string, number[]>[];
  /** Profiles to sweep or build with. Default: the engine's, else derived from the samples or defaults. */
  profiles?: OptimizationProfile | OptimizationProfile[];
  /** Skip sweep probes whose inputs exceed this many elements. Default 2**24. */
  maxElements?: number;
  /** Called once the model is read and the runners exist, before anything runs (the text report starts from it). */
  onStart?: (start: CheckStart) => void;
  /** Called after each probe (the text report streams from it). */
  onProgress?: (event: CrossCheckProgress) => void;
}

/** One dynamic-axes probe: ran, failed (error), or not run (skipped, e.g. over the memory budget). */
export interface ProbeAttemptView {
  label: string;
  shapes: Record<string, number[]>;
  ok: boolean;
  /** Not run at all (the reason is `error`): no evidence either way. */
  skipped?: true;
  error?: string;
}

/** A dynamic-axes probe as the report shows it: the probing runner's run (default: the first that was not skipped). */
export function attemptView(p: ProbeReport, probing?: string): ProbeAttemptView {
  const run = probing !== undefined ? p.runs.find((r) => r.runner === probing) : p.runs.find((r) => r.status !== 'skipped') ?? p.runs[0];
  if (run === undefined || run.status === 'ran') return { label: p.label, shapes: p.shapes, ok: run !== undefined };
  return { label: p.label, shapes: p.shapes, ok: false, ...(run.status === 'skipped' ? { skipped: true as const } : {}), error: run.reason ?? 'not run' };
}

/** What is known before the runs: the static findings, the runners, and the cross-check's profiles if one runs. */
export interface CheckStart {
  model: string | null;
  opset: number;
  findings: Finding[];
  runners: RunnerInfo[];
  crossCheck: { profiles: OptimizationProfile[]; profileSource: ProfileSource | 'none' } | null;
}

/**
 * One output of a run. Compared with a reference, it carries the comparator's whole result (lib/compare:
 * maxAbsError, maxRelError, failingFraction, meanAbsError, rmsError, cosineSimilarity, worst element, atol/rtol...).
 */
export type OutputReport = { name: string; dtype: string | null; dims: number[] | null } & (
  | ({ compared: true } & Omit<OutputComparison, 'output' | 'dtype' | 'dims'>)
  | {
      /** No reference for this output. */
      compared: false;
      pass: null;
      maxAbsError: null;
      maxRelError: null;
      failingFraction: null;
      problem?: string;
    }
);

export interface RunReport {
  /** The runner: 'onnxruntime', 'tensorrt'... */
  backend: string;
  label: string;
  /** The .npz the inputs came from, or 'generated (seed N)'. */
  inputs: string;
  /** What the outputs were compared with: the reference file, another runner, or null. */
  reference: string | null;
  shapes: Record<string, number[]>;
  /** The model ran. */
  ok: boolean;
  /** Why it did not run or failed; `code` when a finding explains it. */
  error?: { message: string; code?: FindingCode };
  outputs: OutputReport[];
  /** Ran, and every compared output passed. */
  pass: boolean;
}

export interface CheckReport {
  model: string | null;
  opset: number;
  findings: Finding[];
  runs: RunReport[];
  /** The dynamic-axes probe: the sizes tried and whether each ran. */
  probe?: { attempts: ProbeAttemptView[] };
  /** The cross-check (when a sweep, probes or a TensorRT engine was asked for): every probe, runner and comparison. */
  crossCheck?: CrossCheckResult;
  /** The .npz the outputs were saved to. */
  savedOutputs?: string;
  /** No error-severity finding, every run ran, every comparison passed, the cross-check did not fail. */
  pass: boolean;
  /** Set when the check was stopped (AbortSignal, Ctrl-C): what is here is what finished. */
  interrupted?: boolean;
  /** Which part failed: TensorRT import (judged statically), the export, the numerics (lib/check/parts.ts). */
  parts: CheckParts;
  summary: { errors: number; warnings: number; info: number; runs: number; failedRuns: number; compared: number; failedOutputs: number };
}

const DYNAMIC_AXES = new Set(['aligned', 'odd', 'bound', 'axis']);

function validateCheckOptions(options: CheckOptions): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw new InvalidTypeError('options', 'an object', options);
  knownKeys(options as Record<string, unknown>, 'options', CHECK_OPTIONS); // a misspelt option would change nothing
  if (options.shapes !== undefined) {
    if (!Array.isArray(options.shapes)) throw new InvalidTypeError('options.shapes', 'an array of {input: dims} objects', options.shapes);
    options.shapes.forEach((set, i) => {
      if (typeof set !== 'object' || set === null || Array.isArray(set)) throw new InvalidTypeError(`options.shapes[${i}]`, 'an object {input: dims}', set);
      for (const [name, dims] of Object.entries(set)) {
        if (!Array.isArray(dims) || !dims.every((d) => typeof d === 'number')) throw new InvalidTypeError(`options.shapes[${i}]['${name}']`, 'an array of sizes', dims);
      }
    });
  }
  if (options.saveOutputs !== undefined && (typeof options.saveOutputs !== 'string' || options.saveOutputs === '')) {
    throw new InvalidTypeError('options.saveOutputs', 'the path of an .npz file to write', options.saveOutputs);
  }
  if (options.probe !== undefined && typeof options.probe !== 'boolean') throw new InvalidTypeError('options.probe', 'a boolean', options.probe);
  if (options.bounds !== undefined && !Array.isArray(options.bounds)) throw new InvalidTypeError('options.bounds', 'an array of {label, shapes}', options.bounds);
}

/** The runners check uses when none are given. */
function defaultSpecs(options: CheckOptions, crossChecking: boolean): (RunnerSpec | Runner)[] {
  const specs: (RunnerSpec | Runner)[] = [];
  const tensorrt = options.engine !== undefined || Boolean(options.tensorrt);
  // Without TensorRT, onnxruntime with graph optimizations off is the second opinion (and the expected side).
  if (crossChecking && !tensorrt) specs.push({ kind: 'onnxruntime', graphOptimization: 'disabled' });
  specs.push({ kind: 'onnxruntime' });
  return specs;
}

function notCompared(name: string, dtype: string | null, dims: number[] | null, problem?: string): OutputReport {
  const base = { name, dtype, dims, compared: false as const, pass: null, maxAbsError: null, maxRelError: null, failingFraction: null };
  return problem ? { ...base, problem } : base;
}

function compared(c: OutputComparison): OutputReport {
  const { output, dtype, dims, ...rest } = c;
  return { name: output, dtype, dims, compared: true, ...rest };
}

/** check's view of a requested probe: one RunReport per model runner (one saying why when none could run). */
export function runViewsOf(p: ProbeReport, runners: readonly RunnerInfo[]): RunReport[] {
  const modelRuns = p.runs.filter((r) => runners.find((x) => x.name === r.runner)?.kind !== 'reference');
  if (modelRuns.length) return modelRuns.map((r) => runView(p, r, p.reference ?? null));
  const message = p.blocked?.message ?? 'not run';
  const error = { message, ...(p.blocked?.code ? { code: p.blocked.code as FindingCode } : {}) };
  return [{ backend: 'onnxruntime', label: p.label, inputs: p.inputs, reference: p.reference ?? null, shapes: p.shapes, ok: false, error, outputs: [], pass: false }];
}

/** check's view of one runner at one requested probe. */
function runView(p: ProbeReport, run: RunRecord, referenceLabel: string | null): RunReport {
  const ok = run.status === 'ran';
  const comparison = p.comparisons.find((c) => c.actual === run.runner);
  const outputs: OutputReport[] = [];
  if (ok) {
    const names = Object.keys(run.outputDims ?? {});
    for (const name of names) {
      const c = comparison?.outputs.find((o) => o.output === name);
      if (c) outputs.push(compared(c));
      else outputs.push(notCompared(name, run.outputTypes?.[name] ?? null, run.outputDims![name], comparison?.expected === 'reference' ? 'not in the reference' : undefined));
    }
    for (const c of comparison?.outputs ?? []) if (!names.includes(c.output)) outputs.push(compared(c));
  }
  const reference = comparison ? (comparison.expected === 'reference' ? referenceLabel : comparison.expected) : null;
  return {
    backend: run.runner,
    label: p.label,
    inputs: p.inputs,
    reference,
    shapes: p.shapes,
    ok,
    ...(ok ? {} : { error: { message: run.reason ?? 'not run', ...(run.code ? { code: run.code as FindingCode } : {}) } }),
    outputs,
    pass: ok && outputs.every((o) => o.pass !== false),
  };
}

/**
 * Checks a model: diagnostics, runs on each runner (onnxruntime-node by default), comparisons with references,
 * the dynamic-axes probe or the cross-check sweep. Throws TrtNodeError for usage and input errors (missing or
 * malformed files, unknown input names, wrong ranks); everything about the model itself goes in the report. An
 * abort through `signal` rejects with AbortError, whose `partial` is the report so far, marked `interrupted`.
 */
export async function check(model: string | ModelSummary, options: CheckOptions = {}): Promise<CheckReport> {
  const started = Date.now();
  validateCheckOptions(options);
  const summary = await loadModelArgument(model);
  const modelPath = typeof model === 'string' ? model : summary.file;
  const common = commonRunOptions(summary, options, 'options');
  const crossChecking = Boolean(options.sweep || options.probes !== undefined || options.engine !== undefined || options.tensorrt);
  // The outputs must never replace what the check reads (the library guards as the CLI does).
  if (options.saveOutputs) {
    await checkOutputFile(options.saveOutputs, 'options.saveOutputs', {
      inputs: [
        { file: modelPath ?? undefined, option: 'the model' },
        ...(options.samples ?? []).flatMap((s, i) => [
          { file: typeof s?.inputs === 'string' ? s.inputs : undefined, option: `options.samples[${i}].inputs` },
          { file: typeof s?.reference === 'string' ? s.reference : undefined, option: `options.samples[${i}].reference` },
        ]),
      ],
    });
  }
  // An output whose name cannot be an .npz entry ('../x', a NUL) would fail the save after the whole run: say so now.
  if (options.saveOutputs) {
    for (const o of summary.outputs) {
      const why = unsafeArrayName(o.name);
      if (why) throw new InvalidValueError('options.saveOutputs', 'outputs whose names can be .npz entries', o.name, `It cannot name an array of the .npz: ${why}. Rename the output (output_names in torch.onnx.export) to save it`);
    }
  }
  const g = indexGraph(summary);
  const inputs = feedInputs(summary);
  const samples = await loadSamples(options.samples ?? [], 'options.samples', common.maxTensorBytes);
  for (const b of options.bounds ?? []) {
    validateShapeSet(inputs, b.shapes, b.label, false);
    // A bound is a size the caller gave: over the budget, it is a usage error now, not a throw after other runs.
    const over = probeOverBudget(summary, b, common.maxTensorBytes, b.label);
    if (over) throw over;
  }

  // Requested probes first: they validate what the caller gave before any runner is created.
  const label = (i: number) => (samples[i].source === 'tensors' ? `options.samples[${i}].inputs` : `--inputs ${samples[i].source}`);
  const givenProfiles = options.profiles === undefined ? [] : Array.isArray(options.profiles) ? options.profiles : [options.profiles];
  const requested: Probe[] = [...sampleProbes(summary, samples, givenProfiles, label), ...shapeSetProbes(summary, options.shapes ?? [], givenProfiles, '--shapes')];
  // Nothing asked: one run at the model's own or default sizes, unless a cross-check sweeps (or probes) anyway.
  if (requested.length === 0 && !crossChecking) requested.push(defaultProbe(summary, givenProfiles));
  // Sizes no machine here could hold are a usage error before anything is read or generated (a mistyped shape).
  for (const p of requested) {
    const over = p.kind === 'sample' ? undefined : probeOverBudget(summary, p, common.maxTensorBytes, p.kind === 'given' ? '--shapes' : 'the model shapes');
    if (over) throw over;
  }

  // What the caller asked for (not the sizes check made up): checked against fixed dims, and a parameter-like
  // input the caller supplied makes WEIGHTS_AS_INPUTS a warning instead of an error.
  const requests: ShapeRequest[] = [
    ...requested.filter((p) => p.kind === 'sample').map((p) => ({ source: label(samples.findIndex((s) => s.key === p.sample)), shapes: p.shapes })),
    ...(options.shapes ?? []).map((shapes) => ({ source: '--shapes', shapes })),
    ...(options.bounds ?? []).map((b) => ({ source: b.label, shapes: b.shapes })),
  ];
  const staticFindings = diagnoseStatic(summary, { requests });
  const blocked = blocksRun(staticFindings);
  if (blocked) {
    for (const p of requested) p.blocked ??= { message: 'not run: the model needs its weights as inputs (see WEIGHTS_AS_INPUTS)', code: 'WEIGHTS_AS_INPUTS' };
  }

  const withReference = samples.some((s) => s.reference);
  const specs = runnerSpecs(options, () => defaultSpecs(options, crossChecking), withReference);
  const { runners, sweep } = blocked
    ? { runners: [], sweep: { profiles: givenProfiles, source: 'given' as const, probes: [], skipped: [] } }
    : await setUpRuns(summary, modelPath, specs, samples, { ...options, maxTensorBytes: common.maxTensorBytes, signal: common.signal, sweep: crossChecking });
  try {
    const { profiles, source } = sweep;
    options.onStart?.({
      model: modelPath ? displayPath(modelPath) : null,
      opset: g.opset,
      findings: staticFindings,
      runners: runners.map((r) => r.info),
      crossCheck: crossChecking ? { profiles, profileSource: profiles.length ? source : 'none' } : null,
    });

    // The outputs to save: the first model runner's, at the requested probes.
    const saved: { probe: Probe; outputs: NamedTensors }[] = [];
    const firstModelRunner = runners.find((r) => r.runner && r.info.kind !== 'reference')?.info.name;
    const out = await runPipeline({
      model: summary,
      inputs,
      runners,
      samples,
      // A sweep covers the range (odd sizes included): check's own dynamic-axes probes would only repeat it.
      planner: planProbes(summary, {
        requested,
        ...(options.probe !== false && !crossChecking && !blocked ? { dynamicAxes: { bounds: options.bounds, maxElements: options.maxElements } } : {}),
        sweep: sweep.probes,
      }),
      baselineOf: requestedBaseline,
      ...common,
      onOutputs: (probe, runner, outputs) => {
        if (options.saveOutputs && runner === firstModelRunner && isRequestedRun(probe)) saved.push({ probe, outputs });
      },
      onProbe: (report, done) =>
        options.onProgress?.({ probe: report, done, total: Math.max(done, requested.length + sweep.probes.length), verdict: report.verdict, pass: report.verdict === 'pass', report }),
    });

    const findings = mergeFindings(staticFindings, out.findings);
    const infos = runners.map((r) => r.info);
    const runs = out.probes.filter(isRequestedRun).flatMap((p) => runViewsOf(p, infos));
    const attempts = out.probes.filter((p) => DYNAMIC_AXES.has(p.kind) || p.baselineOnly).map((p) => attemptView(p, out.probing));

    let savedOutputs: string | undefined;
    if (options.saveOutputs && saved.length && !out.interrupted) {
      // Several runs: keys '<output>@<shape of the first input>' ('#2'... if shapes repeat).
      const all: NamedTensors = Object.create(null);
      const first = inputs[0]?.name;
      for (const { probe, outputs } of saved) {
        const tag = shapeTag(first !== undefined ? probe.shapes[first] ?? [] : []);
        for (const [k, t] of Object.entries(outputs)) {
          let key = saved.length > 1 ? `${k}@${tag}` : k;
          for (let i = 2; hasOwn(all, key); i++) key = `${k}@${tag}#${i}`;
          all[key] = t;
        }
      }
      await writeNpz(options.saveOutputs, all);
      savedOutputs = options.saveOutputs;
    }

    const crossCheck = crossChecking ? pipelineResult(out, { model: modelPath, runners, sweep, seed: common.seed, staticFindings, startedAt: started }) : undefined;
    const comparedOutputs = runs.flatMap((r) => r.outputs.filter((o) => o.compared));
    const report: CheckReport = {
      model: modelPath ? displayPath(modelPath) : null,
      opset: g.opset,
      findings,
      runs,
      ...(attempts.length ? { probe: { attempts } } : {}),
      ...(crossCheck ? { crossCheck } : {}),
      ...(savedOutputs ? { savedOutputs } : {}),
      pass: !hasErrors(findings) && runs.every((r) => r.pass) && (crossCheck ? crossCheck.verdict !== 'fail' : true) && !out.interrupted,
      ...(out.interrupted ? { interrupted: true } : {}),
      parts: checkParts(findings, runs, crossCheck),
      summary: {
        errors: findings.filter((f) => f.severity === 'error').length,
        warnings: findings.filter((f) => f.severity === 'warning').length,
        info: findings.filter((f) => f.severity === 'info').length,
        runs: runs.length,
        failedRuns: runs.filter((r) => !r.ok).length,
        compared: comparedOutputs.length,
        failedOutputs: comparedOutputs.filter((o) => o.pass === false).length,
      },
    };
    if (out.interrupted) throw new AbortError('check', report);
    return report;
  } finally {
    await disposeRunners(runners);
  }
}

