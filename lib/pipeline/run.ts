/**
 * The run pipeline shared by check() and crossCheck(): probes from a planner, in stages (the planner sees what ran
 * before planning more), each run on every runner that supports it with the same inputs, every model runner
 * compared with the expected one, then SHAPE_NOT_DYNAMIC found from all of it (./pinned-axes.ts). An abort stops
 * it between probes, and mid-run for onnxruntime (its worker thread is stopped): what finished is kept and the
 * result is marked `interrupted`.
 */
import { translateOrtError } from '../diagnostics/ort-translate';
import { defaultFailureClassifier, type FailureClassifier, type ProbeFailure } from '../diagnostics/rules/shape-not-dynamic';
import type { Finding } from '../diagnostics/findings';
import type { ToleranceOverrides } from '../compare';
import { TrtNodeError } from '../errors';
import type { InputSummary, ModelSummary } from '../onnx/types';
import { generateFeeds } from '../data/feeds';
import type { LoadedSample } from '../runners/reference';
import type { RunnerKind } from '../runners/runner';
import type { ActiveRunner } from '../runners/specs';
import type { NamedTensors } from '../tensor/types';
import { findPinnedAxes, type PinnedAxes } from './pinned-axes';
import { formatByteSize } from '../io/budget';
import { hasOwn } from '../util/names';
import { axisSymbols, probeBytes, shapesKey, type Probe } from './probes';
import type { ErrorMap, OutputComparison, PairComparison, ProbeReport, RunRecord } from './types';
import { addFinding, compareRunners, probeVerdict } from './verdicts';

/** Which runner is the expected one at a probe: references first, then onnxruntime (and custom), then TensorRT. */
const EXPECTED_ORDER: Readonly<Record<RunnerKind, number>> = { reference: 0, onnxruntime: 1, custom: 1, tensorrt: 2 };

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
}

function isAbort(err: unknown): boolean {
  return err instanceof TrtNodeError && err.code === 'ERR_TRT_NODE_ABORTED';
}

function rounded(ms: number): number {
  return Math.round(ms * 100) / 100;
}

export async function runPipeline(input: PipelineInput): Promise<PipelineOutput> {
  const { model, runners, signal } = input;
  const classify = input.classify ?? defaultFailureClassifier;
  const ordered = [...runners].sort((a, b) => EXPECTED_ORDER[a.info.kind] - EXPECTED_ORDER[b.info.kind]);
  const probing = ordered.find((r) => r.runner && r.info.kind !== 'reference')?.info.name;
  const reports: ProbeReport[] = [];
  const findings: Finding[] = [];
  const failures = new Map<number, ProbeFailure>();
  const seen = new Set<string>();
  const seenShapes = new Set<string>();
  const worst = new Map<string, { maxAbs: number; map: ErrorMap }>();
  const ctx: PlanContext = { reports, failures, probing };
  const dynamic = axisSymbols(model).length > 0;
  // A runner onnxruntime could not create: the finding that explains it (a custom op: UNSUPPORTED_OP).
  for (const r of runners) {
    if (r.runner || r.failure === undefined) continue;
    const f = translateOrtError(model, r.failure);
    if (f) {
      addFinding(findings, f);
      r.info.code = f.code;
    }
  }
  // A reference may hold the inputs too (saved alongside): those are not outputs to compare.
  const settings = { tolerance: input.tolerance, unordered: input.unordered, errorMaps: input.errorMaps, referenceExtras: new Set(model.inputs.map((i) => i.name)) };
  let interrupted = false;

  const feedsFor = (probe: Probe): NamedTensors => {
    const sample = probe.sample !== undefined ? input.samples.find((s) => s.key === probe.sample) : undefined;
    if (sample) {
      const feeds: NamedTensors = Object.create(null);
      for (const i of input.inputs) if (hasOwn(sample.inputs, i.name)) feeds[i.name] = sample.inputs[i.name];
      return feeds;
    }
    return generateFeeds(input.inputs, probe.shapes, {
      seed: input.seed + probe.index,
      range: input.valueRange ?? [0, 1],
      ...(input.valueRanges ? { ranges: input.valueRanges } : {}),
      ...(input.maxTensorBytes !== undefined ? { maxTensorBytes: input.maxTensorBytes } : {}),
    });
  };

  // Sizes the pipeline made up (a larger aligned size, an odd one, a narrowing probe) may not fit the budget the
  // requested ones were held to up front: those are skipped, saying why, not a failure of the whole check.
  const overBudget = (probe: Probe): Probe['blocked'] => {
    if (input.maxTensorBytes === undefined || probe.sample !== undefined) return undefined;
    const bytes = probeBytes(model, probe.shapes);
    if (bytes <= BigInt(input.maxTensorBytes)) return undefined;
    return { message: `not run: its tensors need ${formatByteSize(bytes)}, over the memory budget of ${formatByteSize(input.maxTensorBytes)} (maxTensorBytes, --max-tensor-bytes)` };
  };

  const runProbe = async (probe: Probe): Promise<ProbeReport> => {
    const sample = probe.sample !== undefined ? input.samples.find((s) => s.key === probe.sample) : undefined;
    const runs: RunRecord[] = [];
    const outputs = new Map<string, NamedTensors>();
    const blocked = probe.blocked ?? overBudget(probe);
    if (blocked) {
      const code = blocked.code;
      for (const { info } of ordered) if (info.kind !== 'reference') runs.push({ runner: info.name, status: 'skipped', reason: blocked.message, ...(code ? { code } : {}) });
    } else {
      const feeds = feedsFor(probe);
      for (const { info, runner, failureText } of ordered) {
        if (!runner) {
          // The finding that explains it, and the runtime's own words next to it.
          const reason = failureText !== undefined ? `cannot load the model${info.code ? ` (see ${info.code})` : ''}: ${failureText}` : `not run: ${info.error}`;
          runs.push({ runner: info.name, status: 'skipped', reason, ...(info.code ? { code: info.code } : {}) });
          continue;
        }
        if (!runner.supports(probe)) {
          if (runner.kind !== 'reference') runs.push({ runner: info.name, status: 'skipped', reason: runner.unsupportedReason?.(probe) ?? 'does not support these shapes' });
          continue;
        }
        const t0 = performance.now();
        try {
          const out = await runner.run(feeds, probe, signal ? { signal } : {});
          outputs.set(info.name, out);
          runs.push({
            runner: info.name,
            status: 'ran',
            ms: rounded(performance.now() - t0),
            outputDims: Object.fromEntries(Object.entries(out).map(([k, t]) => [k, [...t.dims]])),
            outputTypes: Object.fromEntries(Object.entries(out).map(([k, t]) => [k, t.type])),
          });
          input.onOutputs?.(probe, info.name, out);
        } catch (err) {
          if (isAbort(err) || (err instanceof TrtNodeError && err.code === 'ERR_TRT_NODE_DISPOSED')) throw err;
          const failure = classify(err);
          if (info.name === probing) failures.set(probe.index, failure);
          // A Reshape that cannot take these sizes is SHAPE_NOT_DYNAMIC, found over all probes (./pinned-axes.ts).
          const f = failure.kind === 'reshape' ? undefined : translateOrtError(model, err, { source: probe.label, shapes: probe.shapes });
          if (f) addFinding(findings, f);
          const code = f?.code ?? (failure.kind === 'reshape' && dynamic ? 'SHAPE_NOT_DYNAMIC' : undefined);
          runs.push({
            runner: info.name,
            status: 'failed',
            ms: rounded(performance.now() - t0),
            reason: `${code ? `(see ${code}) ` : ''}${failure.message || (err instanceof Error ? err.message : String(err))}`,
            ...(code ? { code } : {}),
            ...(failure.nodeName ? { node: failure.nodeName } : {}),
          });
        }
      }
    }
    // Every runner that ran is compared with the expected one: the first that ran in EXPECTED_ORDER.
    const comparisons: PairComparison[] = [];
    const ran = ordered.filter((r) => outputs.has(r.info.name));
    const expected = ran[0];
    for (const r of ran.slice(1)) {
      const keep = input.errorMaps
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
        compareRunners(
          probe,
          { name: r.info.name, outputs: outputs.get(r.info.name)! },
          { name: expected.info.name, kind: expected.info.kind, outputs: outputs.get(expected.info.name)! },
          settings,
          keep,
        ),
      );
    }
    const report: ProbeReport = {
      ...probe,
      inputs: sample ? sample.source : `generated (seed ${input.seed + probe.index})`,
      ...(sample?.referenceSource ? { reference: sample.referenceSource } : {}),
      runs,
      comparisons,
      dimIssues: [],
      verdict: 'fail',
      pass: false,
    };
    const v = probeVerdict(report, ran.some((r) => r.info.kind !== 'reference'));
    report.verdict = v;
    report.pass = v === 'pass' ? true : v === 'fail' ? false : null;
    return report;
  };

  try {
    for (let batch = input.planner(ctx); batch.length; batch = input.planner(ctx)) {
      let added = 0;
      for (const planned of batch) {
        // A sample runs once; a generated probe at shapes already run (by a sample or another probe) adds nothing.
        const key = planned.sample !== undefined ? `sample:${planned.sample}` : shapesKey(planned.shapes);
        if (seen.has(key) || (planned.sample === undefined && seenShapes.has(key))) continue;
        seen.add(key);
        seenShapes.add(shapesKey(planned.shapes));
        if (signal?.aborted) throw new TrtNodeError('ERR_TRT_NODE_ABORTED', 'aborted');
        const probe: Probe = { ...planned, index: reports.length };
        input.onProbeStart?.(probe, reports.length);
        const report = await runProbe(probe);
        reports.push(report);
        added++;
        input.onProbe?.(report, reports.length);
      }
      if (added === 0) break; // the planner only repeated probes already run
    }
  } catch (err) {
    if (!isAbort(err)) throw err;
    interrupted = true;
  }

  const pinned = findPinnedAxes({
    model,
    probes: reports,
    probing,
    modelRunners: runners.filter((r) => r.runner && r.info.kind !== 'reference').map((r) => r.info.name),
    baseline: input.baselineOf(ctx),
    failures,
  });
  for (const issue of pinned.dims.issues) {
    const p = reports[issue.probe];
    const { probe: _probe, ...rest } = issue;
    p.dimIssues.push(rest);
    p.verdict = 'fail';
    p.pass = false;
  }
  for (const f of pinned.findings) addFinding(findings, f);
  return {
    probes: reports,
    findings,
    pinned,
    ...(input.errorMaps ? { errorMaps: [...worst.values()].map((w) => w.map) } : {}),
    interrupted,
    failures,
    probing,
  };
}
