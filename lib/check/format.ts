/**
 * The readable form of a CheckReport (the JSON form is the report itself), in pieces the CLI prints as the run goes
 * (header and static findings first, then a line per run or probe as each finishes, then the verdict) and as one
 * text (formatCheckReport). Strings from the model or its files are made terminal-safe.
 */
import { causeAndFix, formatNumber, shapesText as inputShapesText } from '../report/format';
import { countOf, formatPercent, paint, verdictLine, verdictText, wrap, type TextStyle } from '../report/style';
import { displayPath, plural } from '../util/text';
import { crossCheckEpilogue, crossCheckPreamble, crossCheckRow, crossCheckTableHeader, probesHeadline } from '../report/table';
import { formatLayers } from '../report/layers';
import type { CheckReport, OutputReport, RunReport } from './run-check';
import type { Finding } from '../diagnostics/findings';
import type { CheckParts } from './parts';
import { forTerminal } from '../util/terminal';

function where(f: Finding): string {
  const parts: string[] = [];
  if (f.node) parts.push(`node ${f.node.index} '${f.node.name}' (${f.node.domain ? `${f.node.domain}::` : ''}${f.node.opType})`);
  if (f.input !== undefined) parts.push(`input '${f.input}'${f.axis !== undefined ? ` axis ${f.axis}` : ''}`);
  const output = f.details?.output;
  const outputAxis = f.details?.outputAxis;
  if (typeof output === 'string') parts.push(`output '${output}'${typeof outputAxis === 'number' && outputAxis >= 0 ? ` axis ${outputAxis}` : ''}`);
  return forTerminal(parts.join(', '));
}

export function formatFinding(f: Finding, style?: TextStyle): string[] {
  const head = `${verdictText(f.severity.toUpperCase().padEnd(7), style)} ${paint(f.code, 'bold', style)}${where(f) ? `  ${where(f)}` : ''}`;
  // The cause, then the fix on a line of its own (said once: cut from the cause when the cause ends with it).
  const { cause, fix } = causeAndFix(f.message, f.fix);
  const fixLines = fix ? wrap(forTerminal(`Fix: ${fix}`), '          ', style?.width).map((l, i) => (i === 0 ? l.replace('Fix:', paint('Fix:', 'bold', style)) : l)) : [];
  return [`  ${head}`, ...wrap(forTerminal(cause), '          ', style?.width), ...fixLines];
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
  return `trt-node check: ${model ? forTerminal(displayPath(model)) : '(model from memory)'} (opset ${opset})`;
}

/** What the verdict is made of (parts, the cross-check's headline, counts): the Result line after its word. */
export function resultDetail(report: CheckReport): string {
  const s = report.summary;
  const cc = report.crossCheck;
  const counts = [`${plural(s.errors, 'error')}`, `${plural(s.warnings, 'warning')}`];
  // With a cross-check, its runs are all of the check's (the requested ones are its first probes): one count.
  // Runs skipped (a runner not available here, a probe outside an engine's profiles) count as not run.
  const runs = cc ? { runs: cc.summary.runs + cc.summary.skippedRuns, ran: cc.summary.runs - cc.summary.failedRuns } : { runs: s.runs, ran: s.runs - s.failedRuns };
  if (runs.runs) counts.push(`${countOf(runs.ran, runs.runs, 'run')} ran`);
  const sweep = cc ? `; cross-check: ${cc.verdict === 'fail' ? 'FAIL' : cc.verdict === 'pass' ? 'pass' : 'not compared'} (${probesHeadline(cc.summary)})` : '';
  return `${partsText(report.parts)}${sweep} (${counts.join(', ')})`;
}

/** The last line: the verdict, which part failed (TensorRT import, export, numerics, cross-check), and the counts. */
export function formatCheckResult(report: CheckReport, style?: TextStyle): string {
  const line = resultDetail(report);
  const head = `Result: ${report.result}${report.interrupted && report.result === 'FAIL' ? ' (interrupted)' : ''}`;
  const word = report.result === 'PASS (nothing compared)' ? `${verdictText('PASS', style)} ${paint('(nothing compared)', 'dim', style)}` : verdictText(report.result, style);
  const coloured = `Result: ${word}${head.endsWith('(interrupted)') ? ` ${paint('(interrupted)', 'yellow', style)}` : ''}`;
  return verdictLine(head, coloured, `${head} — ${line}`, style?.width).join('\n');
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
  if (report.layers) out.push('', ...formatLayers(report.layers, style));
  if (report.savedOutputs) out.push('', `Outputs saved to ${report.savedOutputs}`);
  out.push('', formatCheckResult(report, style));
  return out.join('\n');
}

/**
 * "TensorRT import: FAILS (UNSUPPORTED_OP, judged without TensorRT); export: ok; numerics: pass (3 of 3 comparisons
 * within tolerance)": which part failed, in one line. "TensorRT import: ok" is said only when TensorRT imported it.
 */
export function partsText(p: CheckParts): string {
  const judged = p.tensorrtImport.judgedBy === 'static' ? 'judged without TensorRT' : '';
  const imp =
    p.tensorrtImport.status === 'fails'
      ? `FAILS (${[...p.tensorrtImport.codes, judged].filter(Boolean).join(', ')})`
      : `ok${judged ? ` (${judged})` : ''}`;
  const exp = p.export.status === 'fails' ? `FAILS (${p.export.codes.join(', ')})` : 'ok';
  const n = p.numerics;
  const num: Record<CheckParts['numerics']['status'], string> = {
    pass: `pass (${countOf(n.compared, n.compared, 'comparison')} within tolerance)`,
    fail: `FAIL (${countOf(n.failed, n.compared, 'comparison')} outside tolerance)`,
    'not-run': `NOT RUN (${plural(n.runsNotRun, 'run')} could not run)`,
    'not-compared': 'not compared (no reference)',
    none: 'no run',
  };
  return `TensorRT import: ${imp}; export: ${exp}; numerics: ${num[n.status]}`;
}
