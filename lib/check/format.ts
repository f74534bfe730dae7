/** The readable form of a CheckReport (the JSON form is the report itself). */
import type { CheckReport, OutputReport, RunReport } from './run-check';
import type { CheckParts, Finding } from './types';

const WIDTH = 100;

/** `text` wrapped at `width` columns, each line starting with `indent`. */
export function wrap(text: string, indent: string, width = WIDTH): string[] {
  const words = text.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    if (line && indent.length + line.length + 1 + w.length > width) {
      lines.push(indent + line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) lines.push(indent + line);
  return lines;
}

function num(x: number | null | undefined): string {
  if (x === null || x === undefined) return '-';
  if (x === 0) return '0';
  if (!Number.isFinite(x)) return String(x);
  return Math.abs(x) >= 1e-3 && Math.abs(x) < 1e4 ? x.toPrecision(3) : x.toExponential(2);
}

function pct(x: number | null): string {
  if (x === null) return '-';
  if (x === 0) return '0%';
  const p = x * 100;
  return `${p < 0.01 ? p.toExponential(1) : p.toPrecision(3)}%`;
}

function where(f: Finding): string {
  const parts: string[] = [];
  if (f.node) parts.push(`node ${f.node.index} '${f.node.name}' (${f.node.domain ? `${f.node.domain}::` : ''}${f.node.opType})`);
  if (f.input !== undefined) parts.push(`input '${f.input}'${f.axis !== undefined ? ` axis ${f.axis}` : ''}`);
  return parts.join(', ');
}

function formatFinding(f: Finding): string[] {
  const head = `${f.severity.toUpperCase().padEnd(7)} ${f.code}${where(f) ? `  ${where(f)}` : ''}`;
  return [`  ${head}`, ...wrap(f.message, '          ')];
}

function shapesText(shapes: Record<string, number[]>): string {
  return Object.entries(shapes)
    .map(([n, d]) => `${n} ${d.length ? d.join('x') : 'scalar'}`)
    .join(', ');
}

function formatOutput(o: OutputReport): string {
  const dims = o.dims ? o.dims.join('x') : '-';
  const verdict = o.pass === null ? 'ran' : o.pass ? 'PASS' : 'FAIL';
  const stats = o.compared
    ? `max abs ${num(o.maxAbsError)}  max rel ${num(o.maxRelError)}  failing ${pct(o.failingFraction)}`
    : o.problem ?? 'no reference';
  const rows = o.compared && o.rows && !o.problem ? `  (${o.rows.matched} of ${o.rows.expected} rows match in any order)` : '';
  const problem = (o.compared && o.problem ? `  (${o.problem})` : '') + rows;
  return `    ${verdict.padEnd(4)} ${o.name.padEnd(12)} ${dims.padEnd(14)} ${stats}${problem}`;
}

function formatRun(r: RunReport): string[] {
  const ref = r.reference ? ` vs ${r.reference}` : '';
  const lines = [`  [${r.backend}] ${r.label}: ${shapesText(r.shapes)}${ref}`];
  if (r.error) lines.push(...wrap(r.error.message, '    '));
  for (const o of r.outputs) lines.push(formatOutput(o));
  return lines;
}

export function formatCheckReport(report: CheckReport): string {
  const out: string[] = [`trt-node check: ${report.model ?? '(model from memory)'} (opset ${report.opset})`, ''];
  if (report.findings.length === 0) out.push('Findings: none');
  else {
    out.push('Findings');
    for (const f of report.findings) out.push(...formatFinding(f));
  }
  out.push('', 'Runs');
  if (report.runs.length === 0) out.push('  (none)');
  for (const r of report.runs) out.push(...formatRun(r));
  if (report.probe?.attempts.length) {
    const tried = report.probe.attempts.map((a) => `${a.label} ${shapesText(a.shapes)} ${a.ok ? 'ok' : 'FAILED'}`);
    out.push('', 'Dynamic axes probed');
    for (const t of tried) out.push(`  ${t}`);
  }
  if (report.savedOutputs) out.push('', `Outputs saved to ${report.savedOutputs}`);
  const s = report.summary;
  out.push(
    '',
    `Result: ${report.pass ? 'PASS' : 'FAIL'} — ${partsText(report.parts)} (${s.errors} error${s.errors === 1 ? '' : 's'}, ` +
      `${s.warnings} warning${s.warnings === 1 ? '' : 's'}, ${s.runs - s.failedRuns}/${s.runs} runs ran, ` +
      `${s.compared - s.failedOutputs}/${s.compared} compared outputs within tolerance)`,
  );
  return out.join('\n');
}

/** "TensorRT import: FAILS (UNSUPPORTED_OP); export: ok; numerics: pass": which part failed, in one line. */
export function partsText(p: CheckParts): string {
  const imp = p.tensorrtImport.status === 'fails' ? `FAILS (${p.tensorrtImport.codes.join(', ')}, judged without TensorRT)` : 'ok';
  const exp = p.export.status === 'fails' ? `FAILS (${p.export.codes.join(', ')})` : 'ok';
  const num: Record<CheckParts['numerics']['status'], string> = {
    pass: 'pass',
    fail: `FAIL (${p.numerics.failed} of ${p.numerics.compared} compared outputs outside tolerance)`,
    'not-run': `NOT RUN (${p.numerics.runsNotRun} run${p.numerics.runsNotRun === 1 ? '' : 's'} could not run)`,
    'not-compared': 'not compared (no reference)',
    none: 'no run',
  };
  return `TensorRT import: ${imp}; export: ${exp}; numerics: ${num[p.numerics.status]}`;
}
