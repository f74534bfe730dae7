/**
 * The readable form of a CheckReport (the JSON form is the report itself), in pieces the CLI prints as the run goes
 * (header and static findings first, then a line per run or probe as each finishes, then the verdict) and as one
 * text (formatCheckReport). Strings from the model or its files are made terminal-safe.
 */
import { formatNumber } from '../report/format';
import { countOf, formatPercent, paint, safeText, verdictText, wrap, type TextStyle } from '../report/style';
import { crossCheckEpilogue, crossCheckPreamble, crossCheckRow, crossCheckTableHeader } from '../report/table';
import type { CheckReport, OutputReport, RunReport } from './run-check';
import type { Finding } from './types';

function where(f: Finding): string {
  const parts: string[] = [];
  if (f.node) parts.push(`node ${f.node.index} '${f.node.name}' (${f.node.domain ? `${f.node.domain}::` : ''}${f.node.opType})`);
  if (f.input !== undefined) parts.push(`input '${f.input}'${f.axis !== undefined ? ` axis ${f.axis}` : ''}`);
  return safeText(parts.join(', '));
}

export function formatFinding(f: Finding, style?: TextStyle): string[] {
  const head = `${verdictText(f.severity.toUpperCase().padEnd(7), style)} ${paint(f.code, 'bold', style)}${where(f) ? `  ${where(f)}` : ''}`;
  return [`  ${head}`, ...wrap(safeText(f.message), '          ', style?.width)];
}

export function formatFindings(title: string, findings: readonly Finding[], style?: TextStyle): string[] {
  if (findings.length === 0) return [`${title}: none`];
  return [title, ...findings.flatMap((f) => formatFinding(f, style))];
}

function shapesText(shapes: Record<string, number[]>): string {
  return safeText(
    Object.entries(shapes)
      .map(([n, d]) => `${n} ${d.length ? d.join('x') : 'scalar'}`)
      .join(', '),
  );
}

function formatOutput(o: OutputReport, style?: TextStyle): string {
  const dims = o.dims ? o.dims.join('x') : '-';
  const verdict = o.pass === null ? 'ran ' : o.pass ? 'PASS' : 'FAIL';
  const stats = o.compared
    ? `max abs ${formatNumber(o.maxAbsError)}  max rel ${formatNumber(o.maxRelError)}  failing ${formatPercent(o.failingFraction)} of elements`
    : o.problem ?? 'no reference';
  const problem = o.compared && o.problem ? `  (${safeText(o.problem)})` : '';
  return `    ${verdictText(verdict, style)} ${safeText(o.name).padEnd(12)} ${dims.padEnd(14)} ${stats}${problem}`;
}

/** One run (a runner at a requested probe) and its outputs. */
export function formatRun(r: RunReport, style?: TextStyle): string[] {
  const ref = r.reference ? ` vs ${safeText(r.reference)}` : '';
  const lines = [`  [${r.backend}] ${safeText(r.label)}: ${shapesText(r.shapes)}${ref}`];
  if (r.error) lines.push(...wrap(safeText(r.error.message), '    ', style?.width));
  for (const o of r.outputs) lines.push(formatOutput(o, style));
  return lines;
}

/** One dynamic-axes probe. */
export function formatAttempt(a: NonNullable<CheckReport['probe']>['attempts'][number], style?: TextStyle): string {
  return `  ${safeText(a.label)} ${shapesText(a.shapes)} ${a.ok ? verdictText('ok', style) : verdictText('FAILED', style)}`;
}

export function formatCheckHeader(model: string | null, opset: number): string {
  return `trt-node check: ${model ? safeText(model) : '(model from memory)'} (opset ${opset})`;
}

/** The last line: the verdict and what it rests on. */
export function formatCheckResult(report: CheckReport, style?: TextStyle): string {
  const s = report.summary;
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  // Which part failed: the model's import into TensorRT (static errors), the runs, or the numbers.
  const parts: string[] = [];
  if (s.errors) parts.push('export/TensorRT findings');
  if (s.failedRuns) parts.push('runs');
  if (s.failedOutputs) parts.push('numerics');
  if (report.crossCheck?.verdict === 'fail') parts.push('cross-check');
  const failed = !report.pass && parts.length ? `: failed on ${parts.join(', ')}` : '';
  const counts = [`${plural(s.errors, 'error')}`, `${plural(s.warnings, 'warning')}`];
  if (s.runs) counts.push(`${countOf(s.runs - s.failedRuns, s.runs, 'run')} ran`, `${countOf(s.compared - s.failedOutputs, s.compared, 'compared output')} within tolerance`);
  const cc = report.crossCheck?.summary;
  if (cc) counts.push(`cross-check: ${countOf(cc.probes - cc.notComparedProbes - cc.failedProbes, cc.probes - cc.notComparedProbes, 'compared probe')} passed`);
  return `Result: ${verdictText(report.pass ? 'PASS' : 'FAIL', style)}${report.interrupted ? ` ${paint('(interrupted)', 'yellow', style)}` : ''}${failed} (${counts.join(', ')})`;
}

export function formatCheckReport(report: CheckReport, style?: TextStyle): string {
  const out: string[] = [formatCheckHeader(report.model, report.opset), '', ...formatFindings('Findings', report.findings, style)];
  out.push('', 'Runs');
  if (report.runs.length === 0) out.push('  (none)');
  for (const r of report.runs) out.push(...formatRun(r, style));
  if (report.probe?.attempts.length) {
    out.push('', 'Dynamic axes probed');
    for (const a of report.probe.attempts) out.push(formatAttempt(a, style));
  }
  const cc = report.crossCheck;
  if (cc) {
    out.push('', ...crossCheckPreamble(cc, style), '', crossCheckTableHeader(cc.runners, style));
    for (const p of cc.probes) out.push(crossCheckRow(p, cc.runners, style, cc.firstFailure?.probe));
    out.push(...crossCheckEpilogue(cc, style, { findings: false }));
  }
  if (report.savedOutputs) out.push('', `Outputs saved to ${report.savedOutputs}`);
  out.push('', formatCheckResult(report, style));
  return out.join('\n');
}

