/**
 * The run pipeline shared by check() and crossCheck(): probes from a planner, in stages (the planner sees what ran
 * before planning more), each run on every runner that supports it with the same inputs, every model runner
 * compared with the expected one (one probe: ./probe-run.ts), then SHAPE_NOT_DYNAMIC found from all of it
 * (./pinned-axes.ts). The options come validated (./options.ts commonRunOptions) and are trusted here. An abort stops
 * it between probes, and mid-run for onnxruntime (its worker thread is stopped): what finished is kept and the
 * result is marked `interrupted`.
 */
import type { ToleranceOverrides } from '../compare/tolerances';
import type { LoadedSample } from '../data/samples';
import type { Finding } from '../diagnostics/findings';
import { translateOrtError } from '../diagnostics/ort-translate';
import { defaultFailureClassifier, type FailureClassifier, type ProbeFailure } from '../diagnostics/rules/shape-not-dynamic';
import { TrtNodeError } from '../errors';
import type { InputSummary, ModelSummary } from '../onnx/types';
import { inExpectedOrder } from '../runners/registry';
import type { ActiveRunner } from '../runners/specs';
import type { NamedTensors } from '../tensor/types';
import { findPinnedAxes, type PinnedAxes } from './pinned-axes';
import { runProbe, type ProbeRunContext } from './probe-run';
import { axisSymbols, shapesKey, type Probe } from './probes';
import type { ErrorMap, ProbeReport } from './types';
import { addFinding } from './verdicts';
import { layerReport, type LayerPlan } from './layers';
import type { LayerReport } from '../diagnostics/layers/types';

/** What the pipeline knows when it asks the planner for more probes. */
export interface PlanContext {
  reports: readonly ProbeReport[];
  /** The probing runner's classified failure at each probe where it failed. */
  failures: ReadonlyMap<number, ProbeFailure>;
  /** The runner whose failures count for SHAPE_NOT_DYNAMIC (the first model runner that exists). */
  probing: string | undefined;
}

/** Plans probes in stages: called until it returns none. Probes with the shapes of one already run are skipped. */
export type ProbePlanner = (ctx: PlanContext) => Probe[];

export interface PipelineEvents {
  /** A probe is about to run (for progress). */
  onProbeStart?(probe: Probe, done: number): void;
  /** A runner's outputs at a probe (check keeps some to save them). */
  onOutputs?(probe: Probe, runner: string, outputs: NamedTensors): void;
  /** A probe finished: its report (dims are checked only at the end, over all probes). */
  onProbe?(report: ProbeReport, done: number): void;
}

/** What the pipeline runs: the settings as commonRunOptions validated them (not checked again). */
export interface PipelineInput extends PipelineEvents {
  model: ModelSummary;
  inputs: readonly InputSummary[];
  runners: readonly ActiveRunner[];
  samples: readonly LoadedSample[];
  planner: ProbePlanner;
  /** Which probe the dynamic axes are measured from (the first requested probe the probing runner ran). */
  baselineOf: (ctx: PlanContext) => number | undefined;
  seed: number;
  /** Bytes of tensor data a generated probe may need (lib/io/budget). Default: the library default. */
  maxTensorBytes?: number;
  valueRange?: readonly [number, number];
  valueRanges?: Record<string, readonly [number, number]>;
  tolerance?: ToleranceOverrides;
  unordered?: readonly string[];
  errorMaps?: boolean | { maxSide?: number };
  classify?: FailureClassifier;
  signal?: AbortSignal;
  /** The layer-wise comparison (./layers.ts), and the runners built to allow float16 kernels. */
  layers?: LayerPlan;
  float16Runners?: ReadonlySet<string>;
}

export interface PipelineOutput {
  probes: ProbeReport[];
  /** Findings the runs made: translated runtime errors (FIXED_DIM...) and SHAPE_NOT_DYNAMIC. */
  findings: Finding[];
  pinned: PinnedAxes;
  errorMaps?: ErrorMap[];
  interrupted: boolean;
  /** The probing runner's failures (classified), by probe index. */
  failures: Map<number, ProbeFailure>;
  probing: string | undefined;
  /** The layer-wise comparison over the probes, with `layers`. */
  layers?: LayerReport;
}

function isAbort(err: unknown): boolean {
  return err instanceof TrtNodeError && err.code === 'ERR_TRT_NODE_ABORTED';
}

/** A runner that could not be created (onnxruntime and a custom op): the finding that explains it (UNSUPPORTED_OP). */
function explainLoadFailures(model: ModelSummary, runners: readonly ActiveRunner[], findings: Finding[]): void {
  for (const r of runners) {
    if (r.runner || r.failure === undefined) continue;
    const f = translateOrtError(model, r.failure);
    if (f) {
      addFinding(findings, f);
      r.info.code = f.code;
    }
  }
}

/** What every probe shares: the runners in expected order, the settings (validated once, before), the accumulators. */
function probeContext(input: PipelineInput): ProbeRunContext {
  const { model } = input;
  const ordered = inExpectedOrder(input.runners, (r) => r.info.kind);
  return {
    model,
    inputs: input.inputs,
    ordered,
    samples: input.samples,
    probing: ordered.find((r) => r.runner && r.info.kind !== 'reference')?.info.name,
    dynamic: axisSymbols(model).length > 0,
    seed: input.seed,
    valueRange: input.valueRange ?? [0, 1],
    ...(input.valueRanges ? { valueRanges: input.valueRanges } : {}),
    ...(input.maxTensorBytes !== undefined ? { maxTensorBytes: input.maxTensorBytes } : {}),
    // A reference may hold the inputs too (saved alongside): those are not outputs to compare.
    compare: { tolerance: input.tolerance, unordered: input.unordered, errorMaps: input.errorMaps, referenceExtras: new Set(model.inputs.map((i) => i.name)) },
    classify: input.classify ?? defaultFailureClassifier,
    ...(input.signal ? { signal: input.signal } : {}),
    ...(input.onOutputs ? { onOutputs: input.onOutputs } : {}),
    findings: [],
    failures: new Map(),
    worst: input.errorMaps ? new Map() : undefined,
    ...(input.layers ? { layers: input.layers } : {}),
  };
}

/**
 * Asks the planner for probes until it has none, running each new one; a probe at shapes already run is skipped
 * (a sample runs once). Returns true when an abort stopped it.
 */
async function runPlanned(input: PipelineInput, ctx: ProbeRunContext, plan: PlanContext, reports: ProbeReport[]): Promise<boolean> {
  const seen = new Set<string>();
  const seenShapes = new Set<string>();
  try {
    for (let batch = input.planner(plan); batch.length; batch = input.planner(plan)) {
      let added = 0;
      for (const planned of batch) {
        // A sample runs once; a generated probe at shapes already run (by a sample or another probe) adds nothing.
        const key = planned.sample !== undefined ? `sample:${planned.sample}` : shapesKey(planned.shapes);
        if (seen.has(key) || (planned.sample === undefined && seenShapes.has(key))) continue;
        seen.add(key);
        seenShapes.add(shapesKey(planned.shapes));
        if (input.signal?.aborted) throw new TrtNodeError('ERR_TRT_NODE_ABORTED', 'aborted');
        const probe: Probe = { ...planned, index: reports.length };
        input.onProbeStart?.(probe, reports.length);
        const report = await runProbe(probe, ctx);
        reports.push(report);
        added++;
        input.onProbe?.(report, reports.length);
      }
      if (added === 0) break; // the planner only repeated probes already run
    }
    return false;
  } catch (err) {
    if (!isAbort(err)) throw err;
    return true;
  }
}

/** SHAPE_NOT_DYNAMIC over all probes, and each output dim that ignores its axis failing the probe it was seen at. */
function pinnedAxes(input: PipelineInput, ctx: ProbeRunContext, plan: PlanContext, reports: ProbeReport[]): PinnedAxes {
  const pinned = findPinnedAxes({
    model: input.model,
    probes: reports,
    probing: ctx.probing,
    modelRunners: input.runners.filter((r) => r.runner && r.info.kind !== 'reference').map((r) => r.info.name),
    baseline: input.baselineOf(plan),
    failures: ctx.failures,
  });
  for (const issue of pinned.dims.issues) {
    const p = reports[issue.probe];
    const { probe: _probe, ...rest } = issue;
    p.dimIssues.push(rest);
    p.verdict = 'fail';
    p.pass = false;
  }
  for (const f of pinned.findings) addFinding(ctx.findings, f);
  return pinned;
}

export async function runPipeline(input: PipelineInput): Promise<PipelineOutput> {
  const ctx = probeContext(input);
  explainLoadFailures(input.model, input.runners, ctx.findings);
  const reports: ProbeReport[] = [];
  const plan: PlanContext = { reports, failures: ctx.failures, probing: ctx.probing };
  const interrupted = await runPlanned(input, ctx, plan, reports);
  const pinned = pinnedAxes(input, ctx, plan, reports);
  const layers = input.layers ? layerReport(input.model, input.layers, reports, input.runners, input.float16Runners ?? new Set()) : undefined;
  for (const f of layers?.findings ?? []) addFinding(ctx.findings, f);
  return {
    probes: reports,
    findings: ctx.findings,
    pinned,
    ...(ctx.worst ? { errorMaps: [...ctx.worst.values()].map((w) => w.map) } : {}),
    interrupted,
    failures: ctx.failures,
    probing: ctx.probing,
    ...(layers ? { layers: layers.report } : {}),
  };
}
