/**
 * Verdicts of a cross-check: runner pairs compared output by output, findings merged, and the first failure in
 * probe order.
 */
import type { Finding } from '../check/types';
import type { NamedTensors } from '../tensor/types';
import { compareTensors, type ToleranceOverrides } from '../compare';
import { DEFAULT_MAP_SIDE, errorMap } from './error-map';
import type { Probe } from './probes';
import type { RunnerKind } from './runners';
import type { ErrorMap, FailureRef, OutputComparison, PairComparison, ProbeReport, RunnerInfo } from './types';

/** Tolerances and error-map size, as crossCheck's options give them. */
export interface CompareSettings {
  tolerance?: ToleranceOverrides;
  errorMaps?: boolean | { maxSide?: number };
}

export function compareRunners(
  probe: Probe,
  actual: { name: string; outputs: NamedTensors },
  expected: { name: string; kind: RunnerKind; outputs: NamedTensors },
  options: CompareSettings,
  keepMap: ((map: () => ErrorMap | undefined, c: OutputComparison) => void) | undefined,
): PairComparison {
  // A reference may hold only some outputs: compare those. Between two model runners every output must agree.
  const names = expected.kind === 'reference' ? Object.keys(expected.outputs) : [...new Set([...Object.keys(expected.outputs), ...Object.keys(actual.outputs)])];
  const outputs = names.map((name) => {
    const c = compareTensors(name, actual.outputs[name], expected.outputs[name], { tolerance: options.tolerance });
    if (keepMap && actual.outputs[name] && expected.outputs[name]) {
      keepMap(() => errorMap(actual.outputs[name], expected.outputs[name], { probe: probe.index, actual: actual.name, expected: expected.name, output: name }, typeof options.errorMaps === 'object' ? options.errorMaps.maxSide ?? DEFAULT_MAP_SIDE : DEFAULT_MAP_SIDE), c);
    }
    return c;
  });
  return { actual: actual.name, expected: expected.name, pass: outputs.every((o) => o.pass), outputs };
}

export function addFinding(findings: Finding[], f: Finding | undefined): void {
  if (!f) return;
  const key = (x: Finding) => `${x.code}|${x.node?.name ?? ''}|${x.input ?? ''}|${String(x.details?.output ?? '')}|${String(x.details?.outputAxis ?? '')}`;
  if (!findings.some((x) => key(x) === key(f))) findings.push(f);
}

export function firstFailureOf(runners: readonly RunnerInfo[], probes: readonly ProbeReport[]): FailureRef | null {
  const broken = runners.find((r) => r.error);
  for (const p of probes) {
    if (p.pass) continue;
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
    if (broken) return { ...base, kind: 'runner', runner: broken.name, message: broken.error! };
    return { ...base, kind: 'run', message: 'no model runner ran at this probe' };
  }
  if (broken) return { probe: -1, label: 'runner setup', shapes: {}, kind: 'runner', runner: broken.name, message: broken.error! };
  return null;
}
