/**
 * check() = the model's static diagnostics + the run pipeline (lib/pipeline) that the cross-check runs: the
 * requested runs (samples compared with their PyTorch references, --shapes, or default sizes), then the dynamic-axes
 * probes (SHAPE_NOT_DYNAMIC), or, when a cross-check is asked for (sweep, probes, a TensorRT engine), the sweep of
 * the dynamic range. One JSON-able report; formatCheckReport() renders it for people.
 */
import * as path from 'path';
import type { OutputComparison } from '../compare/types';
import { loadSamples, type LoadedSample, type Sample } from '../data/samples';
import { blockedMessage, blockingFinding, diagnoseStatic } from '../diagnostics/diagnose';
import type { Finding, FindingCode, ShapeRequest } from '../diagnostics/findings';
import { hasErrors } from '../diagnostics/findings';
import { indexGraph, shapeTag } from '../diagnostics/graph';
import { InvalidTypeError, InvalidValueError } from '../errors';
import { checkOutputFile } from '../io/atomic-write';
import type { InputSummary, ModelSummary } from '../onnx/types';
import { execute, type Executed, type Execution } from '../pipeline/execute';
import { commonRunOptions, loadModelArgument, type CommonRunOptions, type ResolvedRunOptions } from '../pipeline/options';
import { planProbes, requestedBaseline } from '../pipeline/plan';
import { feedInputs, isRequestedRun, probeOverBudget, type Probe, type ProfileSource } from '../pipeline/probes';
import { defaultProbe, sampleProbes, shapeSetProbes, validateShapeSet, type RunBlocker } from '../pipeline/requested';
import { pipelineResult } from '../pipeline/result';
import { runnerSpecs } from '../pipeline/setup';
import type { CrossCheckProgress, CrossCheckResult, DimIssue, LayerReport, ProbeReport, RunRecord, TensorRTPart } from '../pipeline/types';
import { mergeFindings, tensorrtPart } from '../pipeline/verdicts';
import type { Runner } from '../runners/runner';
import type { ActiveRunner, RunnerInfo, RunnerSpec } from '../runners/specs';
import type { TensorRTRunnerOptions } from '../runners/tensorrt/runner';
import type { OptimizationProfile } from '../shapes/profiles';
import { unsafeArrayName, writeNpz } from '../tensor/npz';
import type { NamedTensors } from '../tensor/types';
import { hasOwn } from '../util/names';
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
  /**
   * Also build a TensorRT engine from `profiles` and cross-check it (true, or its runner's options: build, device).
   * With `engine`, its options (e.g. `device`) are those of the plan's runner. Default false.
   */
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
  /** Output dims that contradict the model's declared dims here (the output-dims check, over all probes at the end). */
  dimIssues?: DimIssue[];
  /** Ran, every compared output passed, and the output dims are as the model declares them. */
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
  /** The layer-wise comparison (with `layers`): what was observed, and where each runner first diverges (FIRST_DIVERGENCE). */
  layers?: LayerReport;
  /**
   * No error-severity finding, every run ran, every comparison passed, no output dim contradicts the model, the
   * cross-check did not fail, and the check was not interrupted.
   */
  pass: boolean;
  /**
   * The verdict in one word, as the text, the HTML report and the exit code give it: 'PASS', 'PASS (nothing
   * compared)' (a pass where no output was compared with anything: the model ran, no more), 'FAIL', or 'INTERRUPTED'
   * (stopped before anything failed: not a pass).
   */
  result: CheckResult;
  /** Set when the check was stopped (AbortSignal, Ctrl-C): what is here is what finished. */
  interrupted?: boolean;
  /** Which part failed: TensorRT import (judged statically), the export, the numerics (lib/check/parts.ts). */
  parts: CheckParts;
  summary: { errors: number; warnings: number; info: number; runs: number; failedRuns: number; compared: number; failedOutputs: number };
}

export type CheckResult = 'PASS' | 'PASS (nothing compared)' | 'FAIL' | 'INTERRUPTED';

const DYNAMIC_AXES = new Set(['aligned', 'odd', 'bound', 'axis']);

/**
 * A TensorRT engine was made in this check: TensorRT's parser imported the model, so the static UNSUPPORTED_OP errors
 * are refuted (a plugin, or a parser newer than the operator matrix). They stay, as warnings that say so.
 */
function refutedByTensorRT(findings: readonly Finding[], tensorrt: TensorRTPart): Finding[] {
  if (!tensorrt.ran) return [...findings];
  return findings.map((f) =>
    f.code === 'UNSUPPORTED_OP' && f.severity === 'error'
      ? { ...f, severity: 'warning' as const, message: `${f.message} TensorRT imported the model nonetheless (${tensorrt.what}): a plugin, or a parser newer than this operator matrix.` }
      : f,
  );
}

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
  const dimIssues = p.dimIssues.filter((d) => d.runner === run.runner);
  return {
    backend: run.runner,
    label: p.label,
    inputs: p.inputs,
    reference,
    shapes: p.shapes,
    ok,
    ...(ok ? {} : { error: { message: run.reason ?? 'not run', ...(run.code ? { code: run.code as FindingCode } : {}) } }),
    outputs,
    ...(dimIssues.length ? { dimIssues } : {}),
    pass: ok && outputs.every((o) => o.pass !== false) && dimIssues.length === 0,
  };
}

/** check()'s call validated and resolved once, before any runner exists. */
interface CheckPlan {
  started: number;
  options: CheckOptions;
  summary: ModelSummary;
  modelPath: string | null;
  common: ResolvedRunOptions;
  /** A sweep, probes or a TensorRT engine was asked for: the cross-check runs, and is part of the report. */
  crossChecking: boolean;
  inputs: InputSummary[];
  samples: LoadedSample[];
  /** What the caller asked to run (samples, --shapes, or the model's own sizes), validated against the model. */
  requested: Probe[];
  staticFindings: Finding[];
  /** A static finding blocks every run (WEIGHTS_AS_INPUTS): no runner is made. */
  blocked: boolean;
  specs: (RunnerSpec | Runner)[];
}

/** The outputs must never replace what the check reads, and must be nameable in an .npz (the library guards as the CLI does). */
async function guardSavedOutputs(file: string, summary: ModelSummary, modelPath: string | null, samples: CheckOptions['samples']): Promise<void> {
  await checkOutputFile(file, 'options.saveOutputs', {
    inputs: [
      { file: modelPath ?? undefined, option: 'the model' },
      ...(samples ?? []).flatMap((s, i) => [
        { file: typeof s?.inputs === 'string' ? s.inputs : undefined, option: `options.samples[${i}].inputs` },
        { file: typeof s?.reference === 'string' ? s.reference : undefined, option: `options.samples[${i}].reference` },
      ]),
    ],
  });
  // An output whose name cannot be an .npz entry ('../x', a NUL) would fail the save after the whole run: say so now.
  for (const o of summary.outputs) {
    const why = unsafeArrayName(o.name);
    if (why) throw new InvalidValueError('options.saveOutputs', 'outputs whose names can be .npz entries', o.name, `It cannot name an array of the .npz: ${why}. Rename the output (output_names in torch.onnx.export) to save it`);
  }
}

/** Profile bounds are sizes the caller gave: a wrong one, or one over the budget, is a usage error before any run. */
function checkBounds(plan: Pick<CheckPlan, 'summary' | 'inputs' | 'common'>, bounds: CheckOptions['bounds']): void {
  for (const b of bounds ?? []) {
    validateShapeSet(plan.inputs, b.shapes, b.label, false);
    const over = probeOverBudget(plan.summary, b, plan.common.maxTensorBytes, b.label);
    if (over) throw over;
  }
}

/** How a sample's inputs are named in errors: the CLI's --inputs file, or the option. */
function sampleLabel(samples: readonly LoadedSample[]): (i: number) => string {
  return (i) => (samples[i].source === 'tensors' ? `options.samples[${i}].inputs` : `--inputs ${samples[i].source}`);
}

/** The requested probes: samples, then shape sets; nothing asked (and no sweep), the model's own or default sizes. */
function requestedProbes(plan: Pick<CheckPlan, 'summary' | 'samples' | 'common' | 'crossChecking'>, options: CheckOptions, blocker: RunBlocker | undefined): Probe[] {
  const { summary, samples } = plan;
  const profiles = givenProfiles(options);
  const requested = [...sampleProbes(summary, samples, profiles, sampleLabel(samples), blocker), ...shapeSetProbes(summary, options.shapes ?? [], profiles, '--shapes')];
  if (requested.length === 0 && !plan.crossChecking) requested.push(defaultProbe(summary, profiles));
  // Sizes no machine here could hold are a usage error before anything is read or generated (a mistyped shape).
  for (const p of requested) {
    const over = p.kind === 'sample' ? undefined : probeOverBudget(summary, p, plan.common.maxTensorBytes, p.kind === 'given' ? '--shapes' : 'the model shapes');
    if (over) throw over;
  }
  return requested;
}

function givenProfiles(options: CheckOptions): OptimizationProfile[] {
  return options.profiles === undefined ? [] : Array.isArray(options.profiles) ? options.profiles : [options.profiles];
}

/**
 * What the caller asked for (not the sizes check made up): checked against fixed dims, and a parameter-like input
 * the caller supplied makes WEIGHTS_AS_INPUTS a warning instead of an error. Read from the samples' arrays as they
 * are, before they are validated: the diagnostics come first, so that a finding can explain what a file lacks.
 */
function shapeRequests(summary: ModelSummary, samples: readonly LoadedSample[], options: CheckOptions): ShapeRequest[] {
  const label = sampleLabel(samples);
  const inputs = feedInputs(summary);
  const arraysOf = (s: LoadedSample) => Object.fromEntries(inputs.filter((i) => hasOwn(s.inputs, i.name)).map((i) => [i.name, s.inputs[i.name].dims]));
  return [
    ...samples.map((s, i) => ({ source: label(i), shapes: arraysOf(s) })),
    ...(options.shapes ?? []).map((shapes) => ({ source: '--shapes', shapes })),
    ...(options.bounds ?? []).map((b) => ({ source: b.label, shapes: b.shapes })),
  ];
}

/** The inputs a blocking finding says are not the caller's to supply: the weights WEIGHTS_AS_INPUTS names. */
function excusedInputs(summary: ModelSummary, blocker: Finding): Set<string> {
  if (blocker.code !== 'WEIGHTS_AS_INPUTS') return new Set();
  const data = new Set(Array.isArray(blocker.details?.dataInputs) ? (blocker.details.dataInputs as string[]) : []);
  return new Set(feedInputs(summary).map((i) => i.name).filter((n) => !data.has(n)));
}

/** Validates check's options and resolves them, once: the model read, the samples loaded, the requested probes made. */
async function prepareCheck(model: string | ModelSummary, options: CheckOptions): Promise<CheckPlan> {
  const started = Date.now();
  validateCheckOptions(options);
  const summary = await loadModelArgument(model, options.externalDataDir);
  const modelPath = typeof model === 'string' ? model : summary.file;
  const common = commonRunOptions(summary, options, 'options');
  const crossChecking = Boolean(options.sweep || options.probes !== undefined || options.engine !== undefined || options.tensorrt);
  if (options.saveOutputs) await guardSavedOutputs(options.saveOutputs, summary, modelPath, options.samples);
  const inputs = feedInputs(summary);
  const samples = await loadSamples(options.samples ?? [], 'options.samples', common.maxTensorBytes, summary);
  checkBounds({ summary, inputs, common }, options.bounds);
  // The diagnostics first, then the requested probes (which validate what the caller gave before any runner is
  // created): a finding that blocks the runs explains what the files lack (the weights of an export_params=False
  // model are not the .npz's to hold).
  const staticFindings = diagnoseStatic(summary, { requests: shapeRequests(summary, samples, options) });
  const blocker = blockingFinding(staticFindings);
  const blocked = blocker !== undefined;
  const runBlocker = blocker ? { blocked: { message: blockedMessage(blocker), code: blocker.code }, excused: excusedInputs(summary, blocker) } : undefined;
  const requested = requestedProbes({ summary, samples, common, crossChecking }, options, runBlocker);
  if (runBlocker) {
    for (const p of requested) p.blocked ??= runBlocker.blocked;
  }
  const specs = runnerSpecs(options, () => defaultSpecs(options, crossChecking), samples.some((s) => s.reference));
  return { started, options, summary, modelPath, common, crossChecking, inputs, samples, requested, staticFindings, blocked, specs };
}

/** Keeps the first model runner's outputs at the requested probes, and writes them to `saveOutputs` at the end. */
function outputSaver(plan: CheckPlan) {
  const saved: { probe: Probe; outputs: NamedTensors }[] = [];
  let first: string | undefined;
  return {
    start(runners: readonly ActiveRunner[]): void {
      first = runners.find((r) => r.runner && r.info.kind !== 'reference')?.info.name;
    },
    keep(probe: Probe, runner: string, outputs: NamedTensors): void {
      if (runner === first && isRequestedRun(probe)) saved.push({ probe, outputs });
    },
    /** The file written, if any: nothing is written for an interrupted check. */
    async write(interrupted: boolean): Promise<string | undefined> {
      const file = plan.options.saveOutputs;
      if (!file || !saved.length || interrupted) return undefined;
      // Several runs: keys '<output>@<shape of the first input>' ('#2'... if shapes repeat).
      const all: NamedTensors = Object.create(null);
      const firstInput = plan.inputs[0]?.name;
      for (const { probe, outputs } of saved) {
        const tag = shapeTag(firstInput !== undefined ? probe.shapes[firstInput] ?? [] : []);
        for (const [k, t] of Object.entries(outputs)) {
          let key = saved.length > 1 ? `${k}@${tag}` : k;
          for (let i = 2; hasOwn(all, key); i++) key = `${k}@${tag}#${i}`;
          all[key] = t;
        }
      }
      await writeNpz(file, all);
      return file;
    },
  };
}

type OutputSaver = ReturnType<typeof outputSaver>;

/** The plan as the pipeline runs it: check's requested probes, then its dynamic-axes probes or the sweep. */
function checkExecution(plan: CheckPlan, saver: OutputSaver, opset: number): Execution {
  const { options, summary, requested, crossChecking, blocked } = plan;
  return {
    call: 'check',
    model: summary,
    modelPath: plan.modelPath,
    specs: blocked ? [] : plan.specs,
    samples: plan.samples,
    options: plan.common,
    sweep: {
      ...options,
      maxTensorBytes: plan.common.maxTensorBytes,
      ...(plan.common.signal ? { signal: plan.common.signal } : {}),
      sweep: crossChecking && !blocked,
      // An engine asked for where TensorRT is missing: the diagnostics and the other runs still count; TensorRT is
      // reported as not run (the check fails: what was asked was not checked).
      reportUnavailable: true,
    },
    // A sweep covers the range (odd sizes included): check's own dynamic-axes probes would only repeat it.
    plan: (sweep) => ({
      planner: planProbes(summary, {
        requested,
        ...(options.probe !== false && !crossChecking && !blocked ? { dynamicAxes: { bounds: options.bounds, maxElements: options.maxElements } } : {}),
        sweep: sweep.probes,
      }),
      planned: requested.length + sweep.probes.length,
    }),
    baselineOf: requestedBaseline,
    onStart: (runners, sweep) => {
      saver.start(runners);
      options.onStart?.({
        model: plan.modelPath ? path.resolve(plan.modelPath) : null,
        opset,
        findings: plan.staticFindings,
        runners: runners.map((r) => r.info),
        crossCheck: crossChecking ? { profiles: sweep.profiles, profileSource: sweep.profiles.length ? sweep.source : 'none' } : null,
      });
    },
    onOutputs: (probe, runner, outputs) => saver.keep(probe, runner, outputs),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  };
}

/** check's report from what ran: the runs and the dynamic-axes attempts, the cross-check, the verdict and its parts. */
async function checkReport(plan: CheckPlan, { out, runners, sweep }: Executed, saver: OutputSaver, opset: number): Promise<CheckReport> {
  const infos = runners.map((r) => r.info);
  const tensorrt = tensorrtPart(infos);
  const findings = refutedByTensorRT(mergeFindings(plan.staticFindings, out.findings), tensorrt);
  const runs = out.probes.filter(isRequestedRun).flatMap((p) => runViewsOf(p, infos));
  const attempts = out.probes.filter((p) => DYNAMIC_AXES.has(p.kind) || p.baselineOnly).map((p) => attemptView(p, out.probing));
  const savedOutputs = await saver.write(out.interrupted);
  const crossCheck = plan.crossChecking
    ? pipelineResult(out, { model: plan.modelPath ? path.resolve(plan.modelPath) : null, runners, sweep, seed: plan.common.seed, staticFindings: plan.staticFindings, startedAt: plan.started })
    : undefined;
  const comparedOutputs = runs.flatMap((r) => r.outputs.filter((o) => o.compared));
  const parts = checkParts(findings, runs, tensorrt, crossCheck);
  // Every probe counts, the dynamic-axes probes too: the output-dims check fails the probes it finds issues at.
  const failed = hasErrors(findings) || !runs.every((r) => r.pass) || out.probes.some((p) => p.dimIssues.length > 0) || crossCheck?.verdict === 'fail';
  const result: CheckResult = failed ? 'FAIL' : out.interrupted ? 'INTERRUPTED' : parts.numerics.compared === 0 ? 'PASS (nothing compared)' : 'PASS';
  return {
    model: plan.modelPath ? path.resolve(plan.modelPath) : null,
    opset,
    findings,
    runs,
    ...(attempts.length ? { probe: { attempts } } : {}),
    ...(crossCheck ? { crossCheck } : {}),
    ...(savedOutputs ? { savedOutputs } : {}),
    ...(out.layers ? { layers: out.layers } : {}),
    pass: !failed && !out.interrupted,
    result,
    ...(out.interrupted ? { interrupted: true } : {}),
    parts,
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
}

/**
 * Checks a model: diagnostics, runs on each runner (onnxruntime-node by default), comparisons with references,
 * the dynamic-axes probe or the cross-check sweep. Throws TrtNodeError for usage and input errors (missing or
 * malformed files, unknown input names, wrong ranks); everything about the model itself goes in the report. An
 * abort through `signal` rejects with AbortError, whose `partial` is the report so far, marked `interrupted`.
 */
export async function check(model: string | ModelSummary, options: CheckOptions = {}): Promise<CheckReport> {
  const plan = await prepareCheck(model, options);
  const { opset } = indexGraph(plan.summary);
  const saver = outputSaver(plan);
  return execute(checkExecution(plan, saver, opset), (done) => checkReport(plan, done, saver, opset));
}
