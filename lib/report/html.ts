/**
 * The cross-check as one self-contained HTML file: inline CSS, charts as inline SVG (vega-lite, rendered here),
 * heatmaps as PNG data: URIs. No script, font or image is fetched, so it opens offline and can be attached to a CI
 * run or a bug report as is. Every text that comes from the model or the user is escaped.
 */
import * as v from '../validate';
import * as path from 'path';
import type { CrossCheckResult, ErrorMap, LayerReport, LayerTensorComparison, OutputComparison, PairComparison, ProbeReport, RunRecord, Verdict } from '../pipeline/types';
import { describeModule } from '../diagnostics/layers/module-path';
import { layerChartSpec } from './layers';
import { writeFileAtomic } from '../io/atomic-write';
import { errorByProbeSpec, histogramSpec, renderSvg } from './charts';
import { colourBarDataUri, heatmapDataUri } from './heatmap';
import { causeAndFix, formatNumber, shapesText } from './format';

export interface HtmlReportOptions {
  /** Page title. Default: 'trt-node cross-check: <model file name>'. */
  title?: string;
  /** Time shown as generated. Default: now. */
  generatedAt?: Date;
  /**
   * The verdict of the call the cross-check was part of, when that call judges more than the cross-check (check: its
   * findings count too): the report's badge is then that verdict, and `line` says what it is made of, so the HTML
   * says what the terminal and the exit code say. Default: the cross-check's own verdict.
   */
  verdict?: ReportVerdict;
}

/** A verdict as check gives it: its word ('PASS', 'PASS (nothing compared)', 'FAIL', 'INTERRUPTED') and its parts. */
export interface ReportVerdict {
  result: string;
  line: string;
}

function badgeClass(result: string): string {
  return result === 'FAIL' ? 'fail' : result === 'PASS' ? 'pass' : result === 'INTERRUPTED' ? 'interrupted' : 'none';
}

/** Escapes text for HTML element content and double-quoted attribute values. */
export function escapeHtml(text: unknown): string {
  return String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const esc = escapeHtml;

const CSS = `
:root { --ok: #2e7d32; --bad: #c62828; --warn: #b26a00; --muted: #666; --line: #ddd; --bg-bad: #fdecea; --bg-ok: #edf7ed; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; margin: 0; color: #222; background: #fafafa; }
main { max-width: 1240px; margin: 0 auto; padding: 20px 24px 40px; }
h1 { font-size: 22px; margin: 0 0 4px; display: flex; align-items: center; gap: 12px; flex-wrap: wrap; }
h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 15px; margin: 18px 0 6px; }
.meta { color: var(--muted); font-size: 13px; }
.badge { display: inline-block; padding: 2px 10px; border-radius: 12px; font-size: 13px; font-weight: 600; color: #fff; }
.badge.pass { background: var(--ok); } .badge.fail { background: var(--bad); } .badge.none { background: var(--muted); } .badge.interrupted { background: var(--warn); }
.callout.warn { border-color: var(--warn); background: #fff8e1; }
.cards { display: flex; gap: 12px; flex-wrap: wrap; margin: 14px 0; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 8px 14px; min-width: 150px; }
.card b { display: block; font-size: 20px; }
.callout { border-left: 4px solid var(--bad); background: var(--bg-bad); padding: 10px 14px; border-radius: 4px; margin: 12px 0; }
.callout.ok { border-color: var(--ok); background: var(--bg-ok); }
table { border-collapse: collapse; width: 100%; background: #fff; font-size: 13px; }
th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f0f0f0; font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.fail td { background: var(--bg-bad); }
tr.first td { outline: 2px solid var(--bad); outline-offset: -2px; }
.ok { color: var(--ok); font-weight: 600; } .bad { color: var(--bad); font-weight: 600; } .skip { color: var(--muted); } .warn { color: var(--warn); font-weight: 600; }
code { font: 12px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.small { font-size: 12px; color: var(--muted); }
.charts { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
.chart { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 6px; }
.chart svg { display: block; max-width: 100%; height: auto; }
figure { margin: 0; background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 10px; display: inline-block; }
figure img.heat { image-rendering: pixelated; display: block; border: 1px solid #ccc; }
figcaption { font-size: 12px; color: var(--muted); margin-top: 6px; }
.legend { display: flex; align-items: center; gap: 8px; font-size: 12px; margin-top: 6px; }
.legend img { width: 256px; height: 12px; border: 1px solid #ccc; }
ul.findings { padding-left: 18px; } ul.findings li { margin-bottom: 6px; }
`;

function verdict(v: Verdict): string {
  return v === 'pass' ? '<span class="ok">PASS</span>' : v === 'fail' ? '<span class="bad">FAIL</span>' : '<span class="skip">not compared</span>';
}

function runCell(r: RunRecord | undefined): string {
  if (!r) return '<span class="skip">–</span>';
  if (r.status === 'ran') return `<span class="ok">ran</span> <span class="small">${esc(formatNumber(r.ms ?? 0))} ms</span>`;
  if (r.status === 'skipped') return `<span class="skip" title="${esc(r.reason ?? '')}">skipped</span>`;
  return `<span class="bad">failed</span><div class="small">${esc(r.reason ?? '')}</div>`;
}

function comparisonCell(c: PairComparison): string {
  const many = c.outputs.length > 1;
  return c.outputs
    .map((o) => {
      const value = o.problem ? esc(o.problem) : `${esc(formatNumber(o.maxAbsError))}${o.failingFraction ? `, ${esc(formatNumber(o.failingFraction * 100))}% out of tol.` : ''}`;
      const what = `${esc(c.actual)} vs ${esc(c.expected)}${many ? ` <code>${esc(o.output)}</code>` : ''}`;
      return `<div><span class="${o.pass ? 'ok' : 'bad'}">${o.pass ? '✓' : '✗'}</span> ${what}: ${value}</div>`;
    })
    .join('');
}

function probeRow(p: ProbeReport, runners: readonly string[], first: number | null): string {
  const classes = [p.verdict === 'fail' ? 'fail' : '', p.index === first ? 'first' : ''].filter(Boolean).join(' ');
  const dims = p.dimIssues.map((d) => `<div class="bad">${esc(d.runner)}: <code>${esc(d.output)}</code> axis ${d.axis} is ${d.got}, expected ${esc(d.expected)}</div>`).join('');
  return (
    `<tr id="probe-${p.index}"${classes ? ` class="${classes}"` : ''}>` +
    `<td class="num">${p.index}</td><td>${esc(p.label)}${p.profile !== undefined ? ` <span class="small">(profile ${p.profile})</span>` : ''}</td>` +
    `<td><code>${esc(shapesText(p.shapes))}</code><div class="small" title="${esc(p.inputs)}">${esc(p.sample ? path.basename(p.inputs) : p.inputs)}</div></td>` +
    runners.map((name) => `<td>${runCell(p.runs.find((r) => r.runner === name))}</td>`).join('') +
    `<td>${p.comparisons.map(comparisonCell).join('') || '<span class="skip">nothing to compare</span>'}${dims}</td>` +
    `<td>${verdict(p.verdict)}</td></tr>`
  );
}

interface PairOutput {
  actual: string;
  expected: string;
  output: string;
  worst: { probe: ProbeReport; comparison: OutputComparison } | undefined;
  failed: number;
  compared: number;
}

/** Every (runner pair, output) compared somewhere, with its worst probe (largest max abs error). */
function pairOutputs(result: CrossCheckResult): PairOutput[] {
  const out = new Map<string, PairOutput>();
  for (const p of result.probes) {
    for (const c of p.comparisons) {
      for (const o of c.outputs) {
        const key = `${c.actual}\u0000${c.expected}\u0000${o.output}`;
        let e = out.get(key);
        if (!e) out.set(key, (e = { actual: c.actual, expected: c.expected, output: o.output, worst: undefined, failed: 0, compared: 0 }));
        e.compared++;
        if (!o.pass) e.failed++;
        const m = o.maxAbsError ?? -1;
        if (m >= 0 && (!e.worst || m > (e.worst.comparison.maxAbsError ?? -1))) e.worst = { probe: p, comparison: o };
      }
    }
  }
  return [...out.values()];
}

/** A map whose largest error is below this fraction of atol is rounding noise: drawn in grey, and said so. */
const NOISE_FRACTION = 0.01;

function heatmapFigure(map: ErrorMap, probe: ProbeReport | undefined, atol: number | undefined): string {
  // Show small maps larger (nearest neighbour) so a 24×24 output is still readable; cap at 512 px.
  const zoom = Math.max(1, Math.min(8, Math.floor(512 / Math.max(map.width, map.height))));
  const note = map.scale > 1 ? ` Downsampled ${map.scale}× (max of each ${map.scale}×${map.scale} block).` : '';
  // A full-colour picture of 1e-7 noise looks alarming and means nothing: grey it out.
  const noise = atol !== undefined && atol > 0 && Number.isFinite(map.max) && map.max < atol * NOISE_FRACTION;
  const palette = noise ? 'grey' : 'viridis';
  const noiseNote = noise
    ? ` Every error here is below ${NOISE_FRACTION * 100}% of atol (${formatNumber(atol)}): rounding noise, drawn in grey; its pattern means nothing.`
    : '';
  return (
    `<figure><img class="heat${noise ? ' muted' : ''}" alt="error heatmap of ${esc(map.output)}" width="${map.width * zoom}" height="${map.height * zoom}" src="${heatmapDataUri(map, map.max, palette)}">` +
    `<div class="legend"><span>${esc(formatNumber(0))}</span><img alt="colour scale" src="${colourBarDataUri(256, 12, palette)}"><span>${esc(formatNumber(map.max))}</span></div>` +
    `<figcaption style="max-width:${Math.max(320, map.width * zoom)}px">|${esc(map.actual)} − ${esc(map.expected)}| of <code>${esc(map.output)}</code> ${esc(map.dims.join('×'))} at probe ${map.probe}` +
    `${probe ? ` (${esc(probe.label)})` : ''}, max over N and C per pixel; linear colour scale from 0 to ${esc(formatNumber(map.max))} ` +
    `(smallest pixel ${esc(formatNumber(map.min))}).${esc(note)}${esc(noiseNote)}</figcaption></figure>`
  );
}

async function outputSection(result: CrossCheckResult, po: PairOutput): Promise<string> {
  const head = `<h3>${esc(po.actual)} vs ${esc(po.expected)} — <code>${esc(po.output)}</code> <span class="small">(${po.compared - po.failed}/${po.compared} probes within tolerance)</span></h3>`;
  const parts: string[] = [];
  const byProbe = await renderSvg(errorByProbeSpec(result, po.actual, po.expected, po.output, `Max abs error per probe`));
  parts.push(`<div class="chart" data-chart="error-by-probe">${byProbe}</div>`);
  if (po.worst?.comparison.histogram) {
    const svg = await renderSvg(histogramSpec(po.worst.comparison, `Error histogram at probe ${po.worst.probe.index} (${po.worst.probe.label})`));
    parts.push(`<div class="chart" data-chart="histogram">${svg}</div>`);
  }
  const map = result.errorMaps?.find((m) => m.actual === po.actual && m.expected === po.expected && m.output === po.output);
  if (map) parts.push(heatmapFigure(map, result.probes[map.probe], po.worst?.comparison.atol));
  return `${head}<div class="charts">${parts.join('')}</div>`;
}

/** The layer-wise comparison: the first divergences, error against depth per runner pair, what was not observable. */
async function layersSection(result: CrossCheckResult, layers: LayerReport): Promise<string> {
  const parts = [`<h2>Layers</h2><p>${layers.selected} intermediate tensor${layers.selected === 1 ? '' : 's'} selected (${esc(layers.selection === 'all' ? 'all' : layers.selection.join(', '))}), compared at ${layers.comparedProbes} probe${layers.comparedProbes === 1 ? '' : 's'}.</p>`];
  parts.push(`<div class="callout warn">${esc(layers.note)}</div>`);
  if (layers.divergences.length === 0) parts.push('<p>No node diverges: every observed tensor is within tolerance.</p>');
  else {
    parts.push('<table><tr><th>runner vs expected</th><th>first diverging node</th><th>op</th><th>depth</th><th>PyTorch module</th><th>probes</th><th>inputs (max abs error)</th><th>outputs (max abs error)</th></tr>');
    for (const d of layers.divergences) {
      const tensors = (list: readonly LayerTensorComparison[]) => list.map((t) => `<code>${esc(t.tensor)}</code> <span class="${t.pass ? 'ok' : 'bad'}">${esc(formatNumber(t.maxAbsError))}</span>`).join('<br>') || '—';
      parts.push(
        `<tr class="fail"><td>${esc(d.actual)} vs ${esc(d.expected)}</td><td><code>${esc(d.node.name || `#${d.node.index}`)}</code>${d.exact ? '' : ' <span class="small">(first observed)</span>'}</td><td>${esc(d.node.opType)}</td>` +
          `<td class="num">${d.node.depth}</td><td>${d.node.origin ? esc(describeModule(d.node.origin)) : '—'}</td><td>${d.probes.map((i) => `<a href="#probe-${i}">${i}</a>`).join(', ')}</td>` +
          `<td>${tensors(d.inputs)}</td><td>${tensors(d.outputs)}</td></tr>`,
      );
    }
    parts.push('</table>');
  }
  const pairs = new Map<string, { actual: string; expected: string }>();
  for (const p of result.probes) for (const x of p.layers?.pairs ?? []) pairs.set(`${x.actual}\u0000${x.expected}`, x);
  for (const { actual, expected } of pairs.values()) {
    const spec = layerChartSpec(layers, result.probes, actual, expected);
    if (spec) parts.push(`<div class="chart" data-chart="layers">${await renderSvg(spec)}</div>`);
  }
  for (const n of layers.notObservable) {
    parts.push(`<p class="small"><b>${esc(n.runner)}</b>: ${n.tensors.length ? `${n.tensors.length} tensor${n.tensors.length === 1 ? '' : 's'} not observable (${n.tensors.map((t) => `<code>${esc(t)}</code>`).join(', ')}): ` : ''}${esc(n.reason)}</p>`);
  }
  return parts.join('\n');
}

function findingsCount(result: CrossCheckResult): string {
  const errors = result.findings.filter((f) => f.severity === 'error').length;
  const warnings = result.findings.filter((f) => f.severity === 'warning').length;
  return `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`;
}

/** The report as an HTML string. */
export async function renderHtmlReport(result: CrossCheckResult, options: HtmlReportOptions = {}): Promise<string> {
  v.options<HtmlReportOptions>(options, 'options', v.optionNames<HtmlReportOptions>()({ title: true, generatedAt: true, verdict: true }));
  const model = result.model ? path.basename(result.model) : '(model from memory)';
  const title = options.title ?? `trt-node cross-check: ${model}`;
  const generated = (options.generatedAt ?? new Date()).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  const runnerNames = result.runners.map((r) => r.name);
  const first = result.firstFailure?.probe ?? null;
  const s = result.summary;

  const html: string[] = [];
  html.push(`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">`);
  html.push(`<title>${esc(title)}</title><style>${CSS}</style></head><body><main>`);
  // A stopped run is not a pass: INTERRUPTED replaces PASS / NOT COMPARED, and goes next to a FAIL found before.
  const given = options.verdict;
  const badges = given
    ? [[badgeClass(given.result), given.result]]
    : result.verdict === 'fail' ? [['fail', 'FAIL']] : result.interrupted ? [] : result.verdict === 'pass' ? [['pass', 'PASS']] : [['none', 'NOT COMPARED']];
  if (result.interrupted && badges[0]?.[1] !== 'INTERRUPTED') badges.push(['interrupted', 'INTERRUPTED']);
  html.push(`<h1>${esc(title)} ${badges.map(([cls, text]) => `<span class="badge ${cls}">${esc(text)}</span>`).join(' ')}</h1>`);
  if (given) {
    const own = result.verdict === 'pass' ? 'PASS' : result.verdict === 'fail' ? 'FAIL' : 'NOT COMPARED';
    html.push(`<div class="callout ${given.result === 'FAIL' ? '' : given.result === 'PASS' ? 'ok' : 'warn'}"><b>check: ${esc(given.result)}</b> — ${esc(given.line)}.` +
      ` The cross-check below is one part of it: its own verdict is ${own}.</div>`);
  }
  if (!result.tensorrt.ran) {
    html.push(`<div class="callout warn"><b>TensorRT was not part of this cross-check</b>: ${esc(result.tensorrt.what)}. The runners compared are ${result.runners.map((r) => esc(r.name)).join(', ')}.</div>`);
  }
  if (result.interrupted) {
    html.push(`<div class="callout warn"><b>Interrupted:</b> the run was stopped after ${s.probes} probe${s.probes === 1 ? '' : 's'}; this report holds only what finished.</div>`);
  }
  html.push(
    `<div class="meta">${esc(result.model ?? '')} · generated ${esc(generated)} · ${esc(formatNumber(result.durationMs / 1000))} s · inputs seed ${result.seed}` +
      ` · profiles: ${esc(result.profileSource)}<br>runners: ${result.runners.map((r) => `<b>${esc(r.name)}</b>${r.error ? ' <span class="bad">(unavailable)</span>' : ''}`).join(', ')}</div>`,
  );
  html.push(
    `<div class="cards">` +
      (s.referenceProbes ? `<div class="card">against the reference<b>${s.referenceProbes - s.failedReferenceProbes}/${s.referenceProbes}</b>probes passed</div>` : '') +
      `<div class="card">probes<b>${s.probes - s.failedProbes - s.notComparedProbes}/${s.probes - s.notComparedProbes}</b>compared and passed${s.notComparedProbes ? ` (${s.notComparedProbes} not compared)` : ''}</div>` +
      `<div class="card">comparisons<b>${s.comparisons - s.failedComparisons}/${s.comparisons}</b>within tolerance</div>` +
      `<div class="card">runs<b>${s.runs - s.failedRuns}/${s.runs + s.skippedRuns}</b>model runs ran${s.skippedRuns ? ` (${s.skippedRuns} not run)` : ''}</div>` +
      `<div class="card">findings<b>${result.findings.length}</b>${esc(findingsCount(result))}</div></div>`,
  );
  if (result.firstFailure) {
    const f = result.firstFailure;
    const where = f.probe >= 0 ? `<a href="#probe-${f.probe}">probe ${f.probe} (${esc(f.label)})</a>, <code>${esc(shapesText(f.shapes))}</code>` : esc(f.label);
    html.push(`<div class="callout"><b>First failure:</b> ${where}<br>${esc(f.message)}</div>`);
  } else if (result.verdict === 'pass') {
    const partly = s.notComparedProbes ? ` ${s.notComparedProbes} of the ${s.probes} probes had nothing to compare with (one model runner and no reference there): only that the model ran and its output dims were checked.` : '';
    html.push(`<div class="callout ok">Every compared probe passed: the runners agreed within tolerance, and output dims follow the dynamic axes.${esc(partly)}</div>`);
  } else if (result.verdict === 'not compared') {
    html.push('<div class="callout warn">Nothing was compared: only one model runner ran and no reference matched a probe. The model ran and output dims were checked; add a reference (--inputs/--reference) or TensorRT (--engine) to compare values.</div>');
  }

  // The findings explain the numbers (an opset-10 Resize: RESIZE_SEMANTICS), so they come before them.
  if (result.findings.length) {
    html.push('<h2>Findings</h2><ul class="findings">');
    for (const f of result.findings) {
      const cls = f.severity === 'error' ? 'bad' : f.severity === 'warning' ? 'warn' : 'skip';
      // The cause, then the fix once (as the terminal shows it).
      const { cause, fix } = causeAndFix(f.message, f.fix);
      html.push(`<li id="finding-${esc(f.code)}"><span class="${cls}">${esc(f.severity.toUpperCase())} ${esc(f.code)}</span> ${esc(cause)}${fix ? `<div class="small">Fix: ${esc(fix)}</div>` : ''}</li>`);
    }
    html.push('</ul>');
  }

  const pairs = pairOutputs(result);
  html.push('<h2>Errors by output</h2>');
  if (pairs.length === 0) {
    html.push('<p>Only one runner ran at each probe, so there was nothing to compare: the sweep checked that the model runs and that output dims follow the dynamic axes. Add a reference (--inputs/--reference) or TensorRT (--engine/--shapes) to compare values.</p>');
  }
  for (const po of pairs) html.push(await outputSection(result, po));

  if (result.layers) html.push(await layersSection(result, result.layers));

  html.push('<h2>Probes</h2><table><tr><th>#</th><th>probe</th><th>input shapes</th>');
  for (const name of runnerNames) html.push(`<th>${esc(name)}</th>`);
  html.push('<th>comparisons (max abs error)</th><th>verdict</th></tr>');
  for (const p of result.probes) html.push(probeRow(p, runnerNames, first));
  html.push('</table>');
  if (result.skippedProbes.length) {
    html.push(`<p class="small">Not probed: ${result.skippedProbes.map((p) => `${esc(p.label)} (${esc(p.reason)})`).join('; ')}</p>`);
  }

  const checked = result.dimChecks.filter((d) => d.verdict !== 'unchecked' || d.points);
  if (result.dimChecks.length) {
    html.push('<h2>Output dims vs dynamic axes</h2><table><tr><th>runner</th><th>output</th><th>axis</th><th>declared</th><th>verdict</th><th>detail</th></tr>');
    for (const d of result.dimChecks) {
      const cls = d.verdict === 'constant' || d.verdict === 'mismatch' ? 'bad' : d.verdict === 'irregular' ? 'warn' : d.verdict === 'unchecked' ? 'skip' : 'ok';
      html.push(
        `<tr><td>${esc(d.runner)}</td><td><code>${esc(d.output)}</code></td><td class="num">${d.axis}</td><td><code>${esc(d.declared)}</code></td>` +
          `<td class="${cls}">${esc(d.verdict)}</td><td>${esc(d.message)}</td></tr>`,
      );
    }
    html.push('</table>');
    if (checked.length === 0) html.push('<p class="small">No output axis could be checked.</p>');
  }

  html.push('<h2>Runners</h2><table><tr><th>name</th><th>kind</th><th>what runs</th></tr>');
  for (const r of result.runners) {
    html.push(`<tr${r.error ? ' class="fail"' : ''}><td>${esc(r.name)}</td><td>${esc(r.kind)}</td><td>${esc(r.description)}${r.error ? `<div class="bad">${esc(r.error)}</div>` : ''}</td></tr>`);
  }
  html.push('</table>');

  if (result.profiles.length) {
    html.push(`<h2>Profiles swept</h2><table><tr><th>profile</th><th>input</th><th>min</th><th>opt</th><th>max</th></tr>`);
    result.profiles.forEach((p, i) => {
      for (const [name, r] of Object.entries(p)) {
        html.push(`<tr><td class="num">${i}</td><td><code>${esc(name)}</code></td><td><code>${esc(r.min.join('×'))}</code></td><td><code>${esc(r.opt.join('×'))}</code></td><td><code>${esc(r.max.join('×'))}</code></td></tr>`);
      }
    });
    html.push('</table>');
  }

  html.push(`<p class="small" style="margin-top:32px">Generated by trt-node crossCheck(). Charts: vega-lite, rendered to SVG at report time. This file loads nothing from the network.</p>`);
  html.push('</main></body></html>\n');
  return html.join('\n');
}

/** Renders the report and writes it atomically (temp file in the same folder, then rename). */
export async function writeHtmlReport(file: string, result: CrossCheckResult, options: HtmlReportOptions = {}): Promise<void> {
  await writeFileAtomic(file, await renderHtmlReport(result, options));
}
