/**
 * The readable form of a CheckReport (the JSON form is the report itself), in pieces the CLI prints as the run goes
 * (header and static findings first, then a line per run or probe as each finishes, then the verdict) and as one
 * text (formatCheckReport). Strings from the model or its files are made terminal-safe.
 */
import { formatNumber, shapesText as inputShapesText } from '../report/format';
import { countOf, formatPercent, paint, verdictText, wrap, type TextStyle } from '../report/style';
import { plural } from '../util/text';
import { crossCheckEpilogue, crossCheckPreamble, crossCheckRow, crossCheckTableHeader } from '../report/table';
import type { CheckReport, OutputReport, RunReport } from './run-check';
import type { Finding } from '../diagnostics/findings';
import type { CheckParts } from './parts';
import { forTerminal } from '../util/terminal';

function where(f: Finding): string {
  const parts: string[] = [];
  if (f.node) parts.push(`node ${f.node.index} '${f.node.name}' (${f.node.domain ? `${f.node.domain}::` : ''}${f.node.opType})`);
  if (f.input !== undefined) parts.push(`input '${f.input}'${f.axis !== undefined ? ` axis ${f.axis}` : ''}`);
  return forTerminal(parts.join(', '));
}

export function formatFinding(f: Finding, style?: TextStyle): string[] {
  const head = `${verdictText(f.severity.toUpperCase().padEnd(7), style)} ${paint(f.code, 'bold', style)}${where(f) ? `  ${where(f)}` : ''}`;
  return [`  ${head}`, ...wrap(forTerminal(f.message), '          ', style?.width)];
}

export function formatFindings(title: string, findings: readonly Finding[], style?: TextStyle): string[] {
  if (findings.length === 0) return [`${title}: none`];
  return [title, ...findings.flatMap((f) => formatFinding(f, style))];
}

function shapesText(shapes: Record<string, number[]>): string {
  return forTerminal(inputShapesText(shapes));
}

function formatOutput(o: OutputReport, style?: TextStyle): string {
  const dims = o.dims ? o.dims.join('x') : '-';
  const verdict = o.pass === null ? 'ran ' : o.pass ? 'PASS' : 'FAIL';
  const stats = o.compared
    ? `max abs ${formatNumber(o.maxAbsError)}  max rel ${formatNumber(o.maxRelError)}  failing ${formatPercent(o.failingFraction)} of elements`
    : o.problem ?? 'no reference';
  const rows = o.compared && o.rows && !o.problem ? `  (${o.rows.matched} of ${o.rows.expected} rows match in any order)` : '';
  const problem = (o.compared && o.problem ? `  (${forTerminal(o.problem)})` : '') + rows;
  return `    ${verdictText(verdict, style)} ${forTerminal(o.name).padEnd(12)} ${dims.padEnd(14)} ${stats}${problem}`;
}

/** One run (a runner at a requested probe) and its outputs. */
export function formatRun(r: RunReport, style?: TextStyle): string[] {
  const ref = r.reference ? ` vs ${forTerminal(r.reference)}` : '';
  const lines = [`  [${r.backend}] ${forTerminal(r.label)}: ${shapesText(r.shapes)}${ref}`];
  if (r.error) lines.push(...wrap(forTerminal(r.error.message), '    ', style?.width));
  for (const o of r.outputs) lines.push(formatOutput(o, style));
  return lines;
}

/** One dynamic-axes probe. */
export function formatAttempt(a: NonNullable<CheckReport['probe']>['attempts'][number], style?: TextStyle): string {
  const verdict = a.ok ? verdictText('ok', style) : a.skipped ? `${verdictText('NOT RUN', style)} (${forTerminal((a.error ?? '').replace(/^not run: /, ''))})` : verdictText('FAILED', style);
  return `  ${forTerminal(a.label)} ${shapesText(a.shapes)} ${verdict}`;
}

export function formatCheckHeader(model: string | null, opset: number): string {
  return `trt-node check: ${model ? forTerminal(model) : '(model from memory)'} (opset ${opset})`;
}

/** Something failed (an error finding, a failed run or comparison, a failing cross-check), interrupted or not. */
function foundFailure(report: CheckReport): boolean {
  const s = report.summary;
  return s.errors > 0 || s.failedRuns > 0 || s.failedOutputs > 0 || report.crossCheck?.verdict === 'fail';
}

/** PASS, FAIL, or INTERRUPTED when the run was stopped before anything failed (not a pass: it did not finish). */
function resultWord(report: CheckReport): string {
  if (report.interrupted && !foundFailure(report)) return 'INTERRUPTED';
  return report.pass ? 'PASS' : 'FAIL';
}

/** The last line: the verdict, which part failed (TensorRT import, export, numerics, cross-check), and the counts. */
export function formatCheckResult(report: CheckReport, style?: TextStyle): string {
  const s = report.summary;
  const counts = [`${plural(s.errors, 'error')}`, `${plural(s.warnings, 'warning')}`];
  if (s.runs) counts.push(`${countOf(s.runs - s.failedRuns, s.runs, 'run')} ran`, `${countOf(s.compared - s.failedOutputs, s.compared, 'compared output')} within tolerance`);
  const cc = report.crossCheck;
  const sweep = cc
    ? `; cross-check: ${cc.verdict === 'fail' ? 'FAIL' : cc.verdict === 'pass' ? 'pass' : 'not compared'} (${countOf(cc.summary.probes - cc.summary.notComparedProbes - cc.summary.failedProbes, cc.summary.probes - cc.summary.notComparedProbes, 'compared probe')} passed)`
    : '';
  return (
    `Result: ${verdictText(resultWord(report), style)}${report.interrupted && !report.pass && foundFailure(report) ? ` ${paint('(interrupted)', 'yellow', style)}` : ''} — ` +
    `${partsText(report.parts)}${sweep} (${counts.join(', ')})`
  );
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

/** "TensorRT import: FAILS (UNSUPPORTED_OP); export: ok; numerics: pass": which part failed, in one line. */
export function partsText(p: CheckParts): string {
  const imp = p.tensorrtImport.status === 'fails' ? `FAILS (${p.tensorrtImport.codes.join(', ')}, judged without TensorRT)` : 'ok';
  const exp = p.export.status === 'fails' ? `FAILS (${p.export.codes.join(', ')})` : 'ok';
  const num: Record<CheckParts['numerics']['status'], string> = {
    pass: 'pass',
    fail: `FAIL (${p.numerics.failed} of ${p.numerics.compared} comparisons outside tolerance)`,
    'not-run': `NOT RUN (${p.numerics.runsNotRun} run${p.numerics.runsNotRun === 1 ? '' : 's'} could not run)`,
    'not-compared': 'not compared (no reference)',
    none: 'no run',
  };
  return `TensorRT import: ${imp}; export: ${exp}; numerics: ${num[p.numerics.status]}`;
}
