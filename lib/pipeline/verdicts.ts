/**
 * Verdicts of a cross-check: runner pairs compared output by output, findings merged, and the first failure in
 * probe order.
 */
import type { Finding } from '../diagnostics/findings';
import { sortFindings } from '../diagnostics/findings';
import type { NamedTensors } from '../tensor/types';
import { compareValidated } from '../compare/compare';
import type { ToleranceOverrides } from '../compare/tolerances';
import type { RunnerKind } from '../runners/runner';
import { DEFAULT_MAP_SIDE, errorMap } from './error-map';
import type { Probe } from './probes';
import type { CrossCheckResult, ErrorMap, FailureRef, OutputComparison, PairComparison, ProbeReport, RunnerInfo, TensorRTPart, Verdict } from './types';
import { own } from '../util/names';

/** Tolerances and error-map size, as crossCheck's options give them, validated once before the first probe. */
export interface CompareSettings {
  tolerance?: ToleranceOverrides;
  /** Outputs compared in any row order. */
  unordered?: readonly string[];
  errorMaps?: boolean | { maxSide?: number };
  /** Names a reference may hold besides outputs (the model's inputs, saved alongside): not compared. */
  referenceExtras?: ReadonlySet<string>;
}

export function compareRunners(
  probe: Probe,
  actual: { name: string; outputs: NamedTensors },
  expected: { name: string; kind: RunnerKind; outputs: NamedTensors },
  options: CompareSettings,
  keepMap: ((map: () => ErrorMap | undefined, c: OutputComparison) => void) | undefined,
): PairComparison {
  // A reference may hold only some outputs: compare those. Between two model runners every output must agree.
  const names =
    expected.kind === 'reference'
      ? Object.keys(expected.outputs).filter((n) => !options.referenceExtras?.has(n))
      : [...new Set([...Object.keys(expected.outputs), ...Object.keys(actual.outputs)])];
  const outputs = names.map((name) => {
    // Trusted: the outputs were checked as they came back from their runners, the settings before the first probe.
    const c = compareValidated(name, own(actual.outputs, name), own(expected.outputs, name), { ...(options.tolerance ? { tolerance: options.tolerance } : {}), ...(options.unordered ? { unordered: options.unordered } : {}) });
    if (expected.kind === 'reference' && !own(actual.outputs, name)) {
      c.problem = `the reference has '${name}', which ${actual.name} does not output (outputs: ${Object.keys(actual.outputs).join(', ')}); check output_names in torch.onnx.export`;
    }
    const a = own(actual.outputs, name);
    const e = own(expected.outputs, name);
    if (keepMap && a && e) {
      keepMap(() => errorMap(a, e, { probe: probe.index, actual: actual.name, expected: expected.name, output: name }, typeof options.errorMaps === 'object' ? options.errorMaps.maxSide ?? DEFAULT_MAP_SIDE : DEFAULT_MAP_SIDE), c);
    }
    return c;
  });
  return { actual: actual.name, expected: expected.name, pass: outputs.every((o) => o.pass), outputs };
}

/** A probe's verdict before dims are checked: a failure, a pass only when something was compared, else 'not compared'. */

export function probeVerdict(p: Pick<ProbeReport, 'runs' | 'comparisons' | 'dimIssues' | 'blocked'>, modelRan: boolean): Verdict {
  if (p.blocked || p.runs.some((r) => r.status === 'failed') || p.comparisons.some((c) => !c.pass) || p.dimIssues.length) return 'fail';
  if (!modelRan) return 'fail';
  return p.comparisons.length ? 'pass' : 'not compared';
}

/** The whole run's verdict: any failure fails; a pass needs at least one comparison made. */
export function overallVerdict(probes: readonly ProbeReport[], firstFailure: FailureRef | null): Verdict {
  if (firstFailure !== null) return 'fail';
  return probes.some((p) => p.verdict === 'pass') ? 'pass' : 'not compared';
}

/**
 * The counts of a result's summary, in the units every report uses: a comparison is one output of one runner against
 * the expected side at one probe; a run is a runner running the model (saved references are data, not runs).
 */
export function summaryOf(probes: readonly ProbeReport[], runners: readonly RunnerInfo[]): CrossCheckResult['summary'] {
  const references = new Set(runners.filter((r) => r.kind === 'reference').map((r) => r.name));
  const comparisons = probes.flatMap((p) => p.comparisons.flatMap((c) => c.outputs));
  const runs = probes.flatMap((p) => p.runs.filter((r) => !references.has(r.runner)));
  const againstReference = probes.filter((p) => p.comparisons.some((c) => references.has(c.expected)));
  return {
    probes: probes.length,
    failedProbes: probes.filter((p) => p.verdict === 'fail').length,
    notComparedProbes: probes.filter((p) => p.verdict === 'not compared').length,
    referenceProbes: againstReference.length,
    failedReferenceProbes: againstReference.filter((p) => p.comparisons.some((c) => references.has(c.expected) && !c.pass)).length,
    comparisons: comparisons.length,
    failedComparisons: comparisons.filter((c) => !c.pass).length,
    runs: runs.filter((r) => r.status !== 'skipped').length,
    failedRuns: runs.filter((r) => r.status === 'failed').length,
    skippedRuns: runs.filter((r) => r.status === 'skipped').length,
  };
}

/** Whether TensorRT ran in a call with these runners: the engine it made, or why it was not part of it. */
export function tensorrtPart(runners: readonly RunnerInfo[]): TensorRTPart {
  const trt = runners.filter((r) => r.kind === 'tensorrt');
  const ran = trt.find((r) => !r.error);
  if (ran) return { ran: true, what: ran.description };
  const broken = trt.find((r) => r.error);
  if (broken) return { ran: false, what: broken.error! };
  return {
    ran: false,
    what: 'no TensorRT engine was given or built (an engine: --engine model.plan; one built from profiles: --shapes input:min..opt..max; `trt-node doctor` says whether TensorRT is usable here)',
  };
}

/** Findings merged without repeats, errors first. */
export function mergeFindings(...lists: readonly (readonly Finding[])[]): Finding[] {
  const out: Finding[] = [];
  for (const list of lists) for (const f of list) addFinding(out, f);
  return sortFindings(out);
}

export function addFinding(findings: Finding[], f: Finding | undefined): void {
  if (!f) return;
  const key = (x: Finding) => `${x.code}|${x.node?.name ?? ''}|${x.input ?? ''}|${String(x.details?.output ?? '')}|${String(x.details?.outputAxis ?? '')}`;
  if (!findings.some((x) => key(x) === key(f))) findings.push(f);
}

export function firstFailureOf(runners: readonly RunnerInfo[], probes: readonly ProbeReport[]): FailureRef | null {
  const broken = runners.find((r) => r.error);
  for (const p of probes) {
    if (p.verdict !== 'fail') continue;
    const base = { probe: p.index, label: p.label, shapes: p.shapes };
    const failed = p.runs.find((r) => r.status === 'failed');
    if (failed) return { ...base, kind: 'run', runner: failed.runner, message: `${failed.runner} failed: ${failed.reason ?? 'unknown error'}` };
    for (const c of p.comparisons) {
      const o = c.outputs.find((x) => !x.pass);
      if (o) {
        const what = o.problem ?? `max abs error ${o.maxAbsError?.toExponential(2)} (atol ${o.atol}, rtol ${o.rtol}), ${((o.failingFraction ?? 0) * 100).toPrecision(3)}% of elements outside tolerance`;
        return { ...base, kind: 'compare', runner: c.actual, expected: c.expected, output: o.output, message: `${c.actual} vs ${c.expected}, '${o.output}': ${what}` };
      }
    }
    const d = p.dimIssues[0];
    if (d) return { ...base, kind: 'dims', runner: d.runner, output: d.output, message: `'${d.output}' axis ${d.axis} is ${d.got}; expected ${d.expected}` };
    if (p.blocked) return { ...base, kind: 'run', message: p.blocked.message };
    if (broken) return { ...base, kind: 'runner', runner: broken.name, message: broken.error! };
    return { ...base, kind: 'run', message: 'no model runner ran at this probe' };
  }
  if (broken) return { probe: -1, label: 'runner setup', shapes: {}, kind: 'runner', runner: broken.name, message: broken.error! };
  return null;
}
