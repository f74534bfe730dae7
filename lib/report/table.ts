/**
 * The terminal form of a cross-check: one row per probe (fixed column widths, so rows can be printed as probes
 * finish and still line up), then output dims, findings, the first failure and the verdict.
 */
import type { RunnerInfo } from '../runners/specs';
import type { CrossCheckResult, ProbeReport, RunRecord, Verdict } from '../pipeline/types';
import { formatNumber, shapesText } from './format';
import { countOf, formatDuration, formatPercent, paint, verdictLine, verdictText, wrap, type TextStyle } from './style';
import { forTerminal } from '../util/terminal';
import { displayPath } from '../util/text';
import { tensorrtPart } from '../pipeline/verdicts';
import { formatLayers } from './layers';

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

function clip(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}

function runText(r: RunRecord | undefined, saved: boolean): string {
  if (!r) return '-';
  if (r.status === 'ran') return saved ? 'saved' : formatDuration(r.ms ?? 0);
  return r.status === 'failed' ? 'FAILED' : 'skipped';
}

/** The largest error among the probe's comparisons, e.g. "3.05e-7" or "0.126 (99.5% of elements)". */
function compareText(p: ProbeReport): string {
  const outputs = p.comparisons.flatMap((c) => c.outputs);
  if (outputs.length === 0) return '-';
  const problem = outputs.find((o) => o.problem);
  if (problem) return problem.problem!;
  const max = Math.max(...outputs.map((o) => o.maxAbsError ?? 0));
  const failing = outputs.filter((o) => !o.pass);
  if (!failing.length) return formatNumber(max);
  const worst = Math.max(...failing.map((o) => o.failingFraction ?? 0));
  // Each entry is one comparison (one output of one runner against the expected side), not one model output.
  return `${formatNumber(max)} (${formatPercent(worst)} of elements out of tol.${outputs.length > 1 ? `, ${countOf(failing.length, outputs.length, 'comparison')}` : ''})`;
}

/**
 * How many probes passed, the probes with saved references (PyTorch's) first: a failure there is not hidden behind
 * probes where two runtimes agree with each other. "against the reference: 0 of 1 probe passed; 8 of 9 compared
 * probes passed".
 */
export function probesHeadline(s: CrossCheckResult['summary']): string {
  const compared = s.probes - s.notComparedProbes;
  const reference = s.referenceProbes ? `against the reference: ${countOf(s.referenceProbes - s.failedReferenceProbes, s.referenceProbes, 'probe')} passed; ` : '';
  return `${reference}${countOf(compared - s.failedProbes, compared, 'compared probe')} passed`;
}

export function verdictLabel(v: Verdict): string {
  return v === 'pass' ? 'PASS' : v === 'fail' ? 'FAIL' : 'not compared';
}

/** A whole run's verdict: a failure found is final; otherwise a stopped run is INTERRUPTED, not a pass. */
export function resultLabel(result: Pick<CrossCheckResult, 'verdict' | 'interrupted'>): string {
  return result.interrupted && result.verdict !== 'fail' ? 'INTERRUPTED' : verdictLabel(result.verdict).toUpperCase();
}

interface Columns {
  runners: string[];
  saved: boolean[];
  widths: number[];
}

/** Column widths: '#', probe, shapes, one per runner, verdict; the error text comes last, unclipped. */
function columns(runners: readonly RunnerInfo[], style: TextStyle | undefined): Columns {
  const names = runners.map((r) => r.name);
  const widths = [3, 34, 24, ...names.map((n) => Math.max(n.length, 8)), 12];
  // The probe label, then the shapes, give up what the terminal lacks (the error text may run past the edge).
  let over = widths.reduce((a, b) => a + b + 2, 2) + 12 - (style?.width ?? 100);
  for (const [col, least] of [[1, 22], [2, 18], [1, 14]] as const) {
    const cut = Math.min(Math.max(over, 0), widths[col] - least);
    widths[col] -= cut;
    over -= cut;
  }
  return { runners: names, saved: runners.map((r) => r.kind === 'reference'), widths };
}

function row(cells: string[], cols: Columns, last: string): string {
  return `  ${cells.map((c, i) => pad(clip(c, cols.widths[i]), cols.widths[i])).join('  ')}  ${last}`.trimEnd();
}

/** The header of the probe table (for streaming: print it once, then crossCheckRow per probe). */
export function crossCheckTableHeader(runners: readonly RunnerInfo[], style?: TextStyle): string {
  const cols = columns(runners, style);
  return paint(row(['#', 'probe', 'shapes', ...cols.runners, 'verdict'], cols, 'max abs error'), 'bold', style);
}

export function crossCheckRow(p: ProbeReport, runners: readonly RunnerInfo[], style?: TextStyle, firstFailure?: number): string {
  const cols = columns(runners, style);
  const mark = firstFailure === p.index ? ' <- first failure' : '';
  // The verdict is padded before it is coloured (escape codes would throw the padding off).
  const verdict = verdictText(pad(verdictLabel(p.verdict), cols.widths[cols.widths.length - 1]), style);
  const cells = [String(p.index), forTerminal(p.label), forTerminal(shapesText(p.shapes)), ...cols.runners.map((n, i) => runText(p.runs.find((r) => r.runner === n), cols.saved[i]))];
  return `  ${cells.map((c, i) => pad(clip(c, cols.widths[i]), cols.widths[i])).join('  ')}  ${verdict}  ${compareText(p)}${mark}`.trimEnd();
}

/** The runners and profiles, before the table. */
export function crossCheckPreamble(result: Pick<CrossCheckResult, 'model' | 'runners' | 'profiles' | 'profileSource'>, style?: TextStyle): string[] {
  const out: string[] = [`Cross-check: ${result.model ? forTerminal(displayPath(result.model)) : '(model from memory)'}`];
  const w = Math.max(...result.runners.map((r) => r.name.length), 8);
  for (const r of result.runners) {
    out.push(`  ${pad(r.name, w)}  ${forTerminal(r.description)}`);
    if (r.error) out.push(...wrap(`${paint('NOT AVAILABLE', 'red', style)}: ${forTerminal(r.error)}`, `  ${' '.repeat(w)}  `, style?.width));
  }
  // Said once: a TensorRT runner that could not be made has its NOT AVAILABLE line above.
  const trt = tensorrtPart(result.runners);
  if (!trt.ran && !result.runners.some((r) => r.kind === 'tensorrt')) out.push(...wrap(`TensorRT: not part of this cross-check (${forTerminal(trt.what)})`, '  ', style?.width));
  result.profiles.forEach((p, i) => {
    const text = Object.entries(p).map(([n, r]) => `${forTerminal(n)} ${r.min.join('x')}..${r.opt.join('x')}..${r.max.join('x')}`).join(', ');
    out.push(`  profile ${i} (${result.profileSource}): ${text}`);
  });
  return out;
}

/** After the table: skipped probes, output dims, findings of the runs, the first failure and the verdict. */
export function crossCheckEpilogue(result: CrossCheckResult, style?: TextStyle, options: { findings?: boolean } = {}): string[] {
  const out: string[] = [];
  if (result.skippedProbes.length) out.push(...wrap(`not probed: ${result.skippedProbes.map((p) => `${p.label} (${p.reason})`).join('; ')}`, '  ', style?.width));
  const dims = result.dimChecks.filter((d) => d.verdict !== 'unchecked');
  if (dims.length) {
    out.push('', 'Output dims vs dynamic axes');
    // Runners that agree share a line.
    const lines = new Map<string, { mark: string; text: string; runners: string[] }>();
    for (const d of dims) {
      const mark = d.verdict === 'follows' || d.verdict === 'fixed' ? 'ok  ' : d.verdict === 'irregular' ? 'warn' : 'FAIL';
      const key = `${mark}|${d.output}|${d.axis}|${d.message}`;
      const line = lines.get(key) ?? { mark, text: `'${forTerminal(d.output)}' ${forTerminal(d.message)}`, runners: [] };
      line.runners.push(d.runner);
      lines.set(key, line);
    }
    for (const l of lines.values()) out.push(`  ${verdictText(l.mark, style)} ${l.text} (${l.runners.join(', ')})`);
  }
  if (options.findings !== false && result.findings.length) {
    out.push('', 'Findings');
    for (const f of result.findings) out.push(...wrap(`${verdictText(f.severity.toUpperCase(), style)} ${f.code}: ${forTerminal(f.message)}`, '  ', style?.width));
  }
  const f = result.firstFailure;
  if (f) {
    out.push('', `First failure: ${f.probe >= 0 ? `probe ${f.probe} (${forTerminal(f.label)}, ${forTerminal(shapesText(f.shapes))})` : f.label}`, ...wrap(forTerminal(f.message), '  ', style?.width));
  }
  const s = result.summary;
  const interrupted = result.interrupted && result.verdict === 'fail';
  const head = `Cross-check: ${resultLabel(result)}${interrupted ? ' (interrupted)' : ''}`;
  const coloured = `Cross-check: ${verdictText(resultLabel(result), style)}${interrupted ? ` ${paint('(interrupted)', 'yellow', style)}` : ''}`;
  const counts =
    probesHeadline(s) +
    (s.notComparedProbes ? `, ${s.notComparedProbes} not compared (nothing to compare with)` : '') +
    `, ${countOf(s.comparisons - s.failedComparisons, s.comparisons, 'comparison')} within tolerance, ${s.failedRuns} failed run${s.failedRuns === 1 ? '' : 's'}`;
  out.push('', ...verdictLine(head, coloured, `${head} (${counts})`, style?.width));
  return out;
}

export function formatCrossCheckTable(result: CrossCheckResult, style?: TextStyle): string {
  const out = [...crossCheckPreamble(result, style), '', crossCheckTableHeader(result.runners, style)];
  for (const p of result.probes) out.push(crossCheckRow(p, result.runners, style, result.firstFailure?.probe));
  if (result.layers) out.push('', ...formatLayers(result.layers, style));
  out.push(...crossCheckEpilogue(result, style));
  return out.join('\n');
}
