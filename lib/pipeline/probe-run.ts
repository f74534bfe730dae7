/**
 * One probe of the run pipeline: its inputs (a sample's, or generated), every runner that supports it with those
 * same inputs, every runner that ran compared with the expected one, and the probe's verdict. Failures are
 * classified as they happen (the probing runner's go to SHAPE_NOT_DYNAMIC, ./pinned-axes.ts), and onnxruntime's
 * words become findings.
 */
import { generatedDataMessage, generatedSuspects } from '../data/consumers';
import { generateFeeds } from '../data/generate';
import { sampleFeeds, type LoadedSample } from '../data/samples';
import { translateOrtError } from '../diagnostics/ort-translate';
import type { Finding } from '../diagnostics/findings';
import type { FailureClassifier, ProbeFailure } from '../diagnostics/rules/shape-not-dynamic';
import { TrtNodeError } from '../errors';
import { formatByteSize } from '../io/budget';
import type { InputSummary, ModelSummary } from '../onnx/types';
import type { ActiveRunner } from '../runners/specs';
import { namedTensors } from '../tensor/convert';
import type { NamedTensors } from '../tensor/types';
import { isRequestedRun, probeBytes, type Probe } from './probes';
import type { ErrorMap, OutputComparison, PairComparison, ProbeReport, RunRecord } from './types';
import { addFinding, compareRunners, probeVerdict, type CompareSettings } from './verdicts';
import { probeLayers, splitOutputs, type LayerPlan } from './layers';

/** What every probe of one pipeline shares, and where their findings and failures are gathered. */
export interface ProbeRunContext {
  model: ModelSummary;
  inputs: readonly InputSummary[];
  /** The runners in expected order (lib/runners/registry.ts inExpectedOrder): the first that runs is the expected one. */
  ordered: readonly ActiveRunner[];
  samples: readonly LoadedSample[];
  /** The runner whose failures count for SHAPE_NOT_DYNAMIC. */
  probing: string | undefined;
  /** The model has dynamic axes (a Reshape failure then means SHAPE_NOT_DYNAMIC). */
  dynamic: boolean;
  seed: number;
  valueRange: readonly [number, number];
  valueRanges?: Record<string, readonly [number, number]>;
  maxTensorBytes?: number;
  /** Validated once, before the first probe (lib/pipeline/options.ts). */
  compare: CompareSettings;
  classify: FailureClassifier;
  signal?: AbortSignal;
  onOutputs?(probe: Probe, runner: string, outputs: NamedTensors): void;
  findings: Finding[];
  /** The probing runner's classified failure, by probe index. */
  failures: Map<number, ProbeFailure>;
  /** Per runner pair and output: the error map at the probe with the largest error (when error maps are kept). */
  worst: Map<string, { maxAbs: number; map: ErrorMap }> | undefined;
  /** The layer-wise comparison, when layers were selected (./layers.ts). */
  layers?: LayerPlan;
}

function rounded(ms: number): number {
  return Math.round(ms * 100) / 100;
}

/** An abort, or a runner disposed under the run: the pipeline stops (what finished is kept). */
export function stopsThePipeline(err: unknown): boolean {
  return err instanceof TrtNodeError && (err.code === 'ERR_TRT_NODE_ABORTED' || err.code === 'ERR_TRT_NODE_DISPOSED');
}

function sampleOf(probe: Probe, ctx: ProbeRunContext): LoadedSample | undefined {
  return probe.sample !== undefined ? ctx.samples.find((s) => s.key === probe.sample) : undefined;
}

/** The probe's inputs: the sample's arrays, or values generated with the probe's own seed (seed + index). */
function probeFeeds(probe: Probe, sample: LoadedSample | undefined, ctx: ProbeRunContext): NamedTensors {
  if (sample) return sampleFeeds(sample, ctx.inputs);
  return generateFeeds(ctx.inputs, probe.shapes, {
    model: ctx.model, // indices and shapes as the model's ops take them (lib/data/consumers.ts)
    seed: ctx.seed + probe.index,
    range: ctx.valueRange,
    ...(ctx.valueRanges ? { ranges: ctx.valueRanges } : {}),
    ...(ctx.maxTensorBytes !== undefined ? { maxTensorBytes: ctx.maxTensorBytes } : {}),
  });
}

/**
 * Sizes the pipeline made up (a larger aligned size, an odd one, a narrowing probe) may not fit the budget the
 * requested ones were held to up front: those are skipped, saying why, not a failure of the whole check.
 */
function overBudget(probe: Probe, ctx: ProbeRunContext): Probe['blocked'] {
  if (ctx.maxTensorBytes === undefined || probe.sample !== undefined) return undefined;
  const bytes = probeBytes(ctx.model, probe.shapes);
  if (bytes <= BigInt(ctx.maxTensorBytes)) return undefined;
  return { message: `not run: its tensors need ${formatByteSize(bytes)}, over the memory budget of ${formatByteSize(ctx.maxTensorBytes)} (maxTensorBytes, --max-tensor-bytes)` };
}

/** Every model runner skipped, for the reason the probe cannot run. */
function blockedRuns(blocked: NonNullable<Probe['blocked']>, ctx: ProbeRunContext): RunRecord[] {
  return ctx.ordered
    .filter(({ info }) => info.kind !== 'reference')
    .map(({ info }) => ({ runner: info.name, status: 'skipped' as const, reason: blocked.message, ...(blocked.code ? { code: blocked.code } : {}) }));
}

/** A runner that could not be created: the finding that explains it, and the runtime's own words next to it. */
function notCreated({ info, failureText }: ActiveRunner): RunRecord {
  const reason = failureText !== undefined ? `cannot load the model${info.code ? ` (see ${info.code})` : ''}: ${failureText}` : `not run: ${info.error}`;
  return { runner: info.name, status: 'skipped', reason, ...(info.code ? { code: info.code } : {}) };
}

function ranRecord(runner: string, ms: number, outputs: NamedTensors): RunRecord {
  return {
    runner,
    status: 'ran',
    ms: rounded(ms),
    outputDims: Object.fromEntries(Object.entries(outputs).map(([k, t]) => [k, [...t.dims]])),
    outputTypes: Object.fromEntries(Object.entries(outputs).map(([k, t]) => [k, t.type])),
  };
}

/**
 * A runner that threw: classified, the probing runner's failure kept, onnxruntime's words made a finding. A failing
 * node that reads generated indices, shapes or boxes blames the generated data instead (lib/data/consumers.ts): no
 * finding about the model, and no evidence for SHAPE_NOT_DYNAMIC.
 */
function failedRecord(probe: Probe, runner: string, err: unknown, ms: number, ctx: ProbeRunContext): RunRecord {
  const failure = ctx.classify(err);
  const suspects = probe.sample === undefined && failure.nodeName !== undefined ? generatedSuspects(ctx.model, failure.nodeName, ctx.inputs) : [];
  if (suspects.length) {
    const reason = generatedDataMessage(suspects, { name: failure.nodeName!, ...(failure.opType ? { opType: failure.opType } : {}) }, failure.message);
    return { runner, status: 'failed', ms: rounded(ms), reason, node: failure.nodeName! };
  }
  if (runner === ctx.probing) ctx.failures.set(probe.index, failure);
  // A Reshape that cannot take these sizes is SHAPE_NOT_DYNAMIC, found over all probes (./pinned-axes.ts). So is an
  // axis an architecture fixes, except at sizes the caller asked for: a probe of the dynamic axes or the sweep varies
  // some axes only, and only the analysis over all probes knows which of them fail (not the batch that ran at 2).
  const translated = failure.kind === 'reshape' ? undefined : translateOrtError(ctx.model, err, { source: probe.label, shapes: probe.shapes, callerShapes: probe.kind === 'sample' || probe.kind === 'given' });
  const f = translated?.code === 'SHAPE_NOT_DYNAMIC' && !isRequestedRun(probe) ? undefined : translated;
  if (f) addFinding(ctx.findings, f);
  const code = translated?.code ?? (failure.kind === 'reshape' && ctx.dynamic ? 'SHAPE_NOT_DYNAMIC' : undefined);
  return {
    runner,
    status: 'failed',
    ms: rounded(ms),
    reason: `${code ? `(see ${code}) ` : ''}${failure.message || (err instanceof Error ? err.message : String(err))}`,
    ...(code ? { code } : {}),
    ...(failure.nodeName ? { node: failure.nodeName } : {}),
  };
}

/**
 * One runner at the probe: its record (none for a reference without this sample) and, when it ran, its outputs
 * (the model's) and its selected intermediate tensors (with layers).
 */
async function runOne(probe: Probe, feeds: NamedTensors, active: ActiveRunner, ctx: ProbeRunContext): Promise<{ record?: RunRecord; outputs?: NamedTensors; layers?: NamedTensors }> {
  const { info, runner } = active;
  if (!runner) return { record: notCreated(active) };
  if (!runner.supports(probe)) {
    if (info.kind === 'reference') return {};
    return { record: { runner: info.name, status: 'skipped', reason: runner.unsupportedReason?.(probe) ?? 'does not support these shapes' } };
  }
  const t0 = performance.now();
  let outputs: NamedTensors;
  try {
    // Checked once here, as they come back (a runner of your own may return anything): compared as they are after.
    outputs = namedTensors(await runner.run(feeds, probe, ctx.signal ? { signal: ctx.signal } : {}), `the outputs of runner '${info.name}'`);
  } catch (err) {
    if (stopsThePipeline(err)) throw err;
    return { record: failedRecord(probe, info.name, err, performance.now() - t0, ctx) };
  }
  const ms = performance.now() - t0;
  const split = ctx.layers ? splitOutputs(outputs, ctx.layers) : { outputs };
  const record = ranRecord(info.name, ms, split.outputs);
  ctx.onOutputs?.(probe, info.name, split.outputs);
  return { record, ...split };
}

/** Keeps, per runner pair and output, the error map of the probe with the largest error. */
function keepWorstMap(ctx: ProbeRunContext, actual: string, expected: string) {
  const worst = ctx.worst;
  if (!worst) return undefined;
  return (make: () => ErrorMap | undefined, c: OutputComparison) => {
    if (c.maxAbsError === null) return;
    const key = `${actual}|${expected}|${c.output}`;
    const prev = worst.get(key);
    if (prev && prev.maxAbs >= c.maxAbsError) return;
    const map = make();
    if (map) worst.set(key, { maxAbs: c.maxAbsError, map });
  };
}

/** Every runner that ran compared with the expected one: the first that ran, in expected order. */
function compareWithExpected(probe: Probe, outputs: ReadonlyMap<string, NamedTensors>, ctx: ProbeRunContext): { comparisons: PairComparison[]; modelRan: boolean } {
  const ran = ctx.ordered.filter((r) => outputs.has(r.info.name));
  const [expected, ...others] = ran;
  const comparisons = others.map((r) =>
    compareRunners(
      probe,
      { name: r.info.name, outputs: outputs.get(r.info.name)! },
      { name: expected.info.name, kind: expected.info.kind, outputs: outputs.get(expected.info.name)! },
      ctx.compare,
      keepWorstMap(ctx, r.info.name, expected.info.name),
    ),
  );
  return { comparisons, modelRan: ran.some((r) => r.info.kind !== 'reference') };
}

/** Runs one probe on every runner and compares them. Throws only to stop the pipeline (an abort). */
export async function runProbe(probe: Probe, ctx: ProbeRunContext): Promise<ProbeReport> {
  const sample = sampleOf(probe, ctx);
  const runs: RunRecord[] = [];
  const outputs = new Map<string, NamedTensors>();
  const blocked = probe.blocked ?? overBudget(probe, ctx);
  const layers = ctx.layers && !blocked ? probeLayers(ctx.layers, ctx.compare, ctx.maxTensorBytes) : undefined;
  if (blocked) runs.push(...blockedRuns(blocked, ctx));
  else {
    const feeds = probeFeeds(probe, sample, ctx);
    for (const active of ctx.ordered) {
      const one = await runOne(probe, feeds, active, ctx);
      if (one.record) runs.push(one.record);
      if (one.outputs) outputs.set(active.info.name, one.outputs);
      if (one.layers) layers?.add(active.info.name, one.layers);
    }
  }
  const { comparisons, modelRan } = compareWithExpected(probe, outputs, ctx);
  const report: ProbeReport = {
    ...probe,
    inputs: sample ? sample.source : `generated (seed ${ctx.seed + probe.index})`,
    ...(sample?.referenceSource ? { reference: sample.referenceSource } : {}),
    runs,
    comparisons,
    dimIssues: [],
    ...(layers ? { layers: layers.result() } : {}),
    verdict: 'fail',
    pass: false,
  };
  report.verdict = probeVerdict(report, modelRan);
  report.pass = report.verdict === 'pass' ? true : report.verdict === 'fail' ? false : null;
  return report;
}
