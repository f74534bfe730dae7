/** The terminal form of a cross-check: one row per probe, then output dims, findings and the first failure. */
import type { CrossCheckResult, ProbeReport, RunRecord } from '../crosscheck/types';
import { formatNumber, shapesText } from './format';

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

function clip(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}

function runText(r: RunRecord | undefined): string {
  if (!r) return '-';
  if (r.status === 'ran') return `${formatNumber(r.ms ?? 0)} ms`;
  return r.status === 'failed' ? 'FAILED' : 'skipped';
}

/** The largest error among the probe's comparisons, e.g. "3.05e-7" or "dims differ". */
function compareText(p: ProbeReport): string {
  const outputs = p.comparisons.flatMap((c) => c.outputs);
  if (outputs.length === 0) return '-';
  const problem = outputs.find((o) => o.problem);
  if (problem) return clip(problem.problem!, 28);
  const max = Math.max(...outputs.map((o) => o.maxAbsError ?? 0));
  const failing = outputs.filter((o) => !o.pass).length;
  return `${formatNumber(max)}${failing ? ` (${failing} out of tol)` : ''}`;
}

function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => `  ${r.map((cell, c) => (c === r.length - 1 ? cell : pad(cell, widths[c]))).join('  ')}`.trimEnd());
}

export function formatCrossCheckTable(result: CrossCheckResult): string {
  const out: string[] = [`Cross-check: ${result.model ?? '(model from memory)'}`];
  const w = Math.max(...result.runners.map((r) => r.name.length), 8);
  for (const r of result.runners) out.push(`  ${pad(r.name, w)}  ${r.description}${r.error ? `\n  ${' '.repeat(w)}  NOT AVAILABLE: ${r.error}` : ''}`);
  if (result.profiles.length) {
    result.profiles.forEach((p, i) => {
      const text = Object.entries(p).map(([n, r]) => `${n} ${r.min.join('x')}..${r.opt.join('x')}..${r.max.join('x')}`).join(', ');
      out.push(`  profile ${i} (${result.profileSource}): ${text}`);
    });
  }
  out.push('');
  const names = result.runners.map((r) => r.name);
  const rows: string[][] = [['#', 'probe', 'shapes', ...names, 'max abs err', 'verdict']];
  for (const p of result.probes) {
    const mark = result.firstFailure?.probe === p.index ? ' <- first failure' : '';
    rows.push([
      String(p.index),
      clip(p.label, 32),
      clip(shapesText(p.shapes), 40),
      ...names.map((n) => runText(p.runs.find((r) => r.runner === n))),
      compareText(p),
      `${p.pass ? 'PASS' : 'FAIL'}${mark}`,
    ]);
  }
  out.push(...table(rows));
  if (result.skippedProbes.length) out.push(`  not probed: ${result.skippedProbes.map((p) => `${p.label} (${p.reason})`).join('; ')}`);

  const dims = result.dimChecks.filter((d) => d.verdict !== 'unchecked');
  if (dims.length) {
    out.push('', 'Output dims vs dynamic axes');
    // Runners that agree share a line.
    const lines = new Map<string, { mark: string; text: string; runners: string[] }>();
    for (const d of dims) {
      const mark = d.verdict === 'follows' || d.verdict === 'fixed' ? 'ok  ' : d.verdict === 'irregular' ? 'warn' : 'FAIL';
      const key = `${mark}|${d.output}|${d.axis}|${d.message}`;
      const line = lines.get(key) ?? { mark, text: `'${d.output}' ${d.message}`, runners: [] };
      line.runners.push(d.runner);
      lines.set(key, line);
    }
    for (const l of lines.values()) out.push(`  ${l.mark} ${l.text} (${l.runners.join(', ')})`);
  }
  if (result.findings.length) {
    out.push('', 'Findings');
    for (const f of result.findings) out.push(`  ${f.severity.toUpperCase()} ${f.code}: ${f.message}`);
  }
  const f = result.firstFailure;
  if (f) {
    out.push('', `First failure: ${f.probe >= 0 ? `probe ${f.probe} (${f.label}, ${shapesText(f.shapes)})` : f.label}`, `  ${f.message}`);
  }
  const s = result.summary;
  out.push(
    '',
    `Cross-check: ${result.pass ? 'PASS' : 'FAIL'} (${s.probes - s.failedProbes}/${s.probes} probes passed, ` +
      `${s.comparisons - s.failedComparisons}/${s.comparisons} comparisons within tolerance, ${s.failedRuns} failed runs)`,
  );
  return out.join('\n');
}
