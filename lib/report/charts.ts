/**
 * Charts of the HTML report, drawn by vega-lite + vega on the server into SVG strings (inlined: the report needs no
 * script or network to display). vega escapes every text it draws, model-provided names included.
 */
import type { CrossCheckResult, OutputComparison } from '../pipeline/types';

/** A vega-lite spec (kept loose: vega-lite's own types are not needed to build these few specs). */
export type VegaLiteSpec = Record<string, unknown>;

const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif';

const CONFIG = {
  font: FONT,
  view: { stroke: null },
  axis: { labelFontSize: 11, titleFontSize: 12, gridColor: '#e8e8e8' },
  legend: { labelFontSize: 11, titleFontSize: 12, orient: 'bottom' },
  title: { fontSize: 13, anchor: 'start' },
};

/**
 * Loads vega and vega-lite now (a few hundred ms) rather than when the first chart is drawn: the CLI does it before
 * a run whose HTML report it will write, so that an interrupted run's report is written at once.
 */
export function preloadCharts(): void {
  require('vega');
  require('vega-lite');
  require('pngjs');
}

/** Renders a vega-lite spec to an SVG string (no DOM, no canvas). */
export async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  // Loaded on first use: vega is large and only the HTML report needs it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const vega = require('vega') as typeof import('vega');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const vl = require('vega-lite') as typeof import('vega-lite');
  const compiled = vl.compile({ config: CONFIG, ...spec } as unknown as Parameters<typeof vl.compile>[0]).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

function sci(x: number): string {
  return x === 0 ? '0' : x.toExponential(0).replace('e+', 'e');
}

/** Histogram bins as rows: '0' (exact), each decade, and 'NaN/Inf' when any. */
export function histogramRows(c: OutputComparison): { bin: string; order: number; count: number; beyondAtol: boolean }[] {
  const h = c.histogram;
  if (!h) return [];
  const rows = [{ bin: '0', order: -1, count: h.zeros, beyondAtol: false }];
  h.counts.forEach((count, i) => {
    const lo = h.edges[i];
    const hi = h.edges[i + 1];
    const first = i === 0;
    const last = i === h.counts.length - 1;
    const bin = first ? `< ${sci(hi)}` : last ? `≥ ${sci(lo)}` : `${sci(lo)}–${sci(hi)}`;
    rows.push({ bin, order: i, count, beyondAtol: lo >= c.atol });
  });
  if (h.nonFinite) rows.push({ bin: 'NaN/Inf', order: h.counts.length, count: h.nonFinite, beyondAtol: true });
  // Trim empty decades at both ends (keep '0' and one empty neighbour for context).
  const used = rows.map((r, i) => (r.count > 0 && r.order >= 0 ? i : -1)).filter((i) => i >= 0);
  if (used.length === 0) return rows.slice(0, 1);
  const from = Math.max(1, used[0] - 1);
  const to = Math.min(rows.length - 1, used[used.length - 1] + 1);
  return [rows[0], ...rows.slice(from, to + 1)];
}

/** Bar chart: how many elements fell in each decade of |actual − expected|; bars at or above atol in red. */
export function histogramSpec(c: OutputComparison, title: string): VegaLiteSpec {
  const rows = histogramRows(c);
  return {
    title: { text: title, subtitle: `atol ${c.atol}, rtol ${c.rtol}; red: bins at or above atol` },
    width: 430,
    height: 200,
    data: { values: rows },
    mark: { type: 'bar', tooltip: true },
    encoding: {
      x: { field: 'bin', type: 'ordinal', sort: { field: 'order' }, title: '|actual − expected|', axis: { labelAngle: -35 } },
      y: { field: 'count', type: 'quantitative', title: 'elements' },
      color: {
        field: 'beyondAtol',
        type: 'nominal',
        scale: { domain: [false, true], range: ['#4c78a8', '#e45756'] },
        legend: null,
      },
    },
  };
}

/** Max |actual − expected| per probe for one runner pair and output, log scale, with atol as a dashed rule. */
export function errorByProbeSpec(result: CrossCheckResult, actual: string, expected: string, output: string, title: string): VegaLiteSpec {
  const rows: { probe: string; label: string; order: number; maxAbs: number; exact: boolean; pass: boolean }[] = [];
  let atol = 0;
  for (const p of result.probes) {
    const c = p.comparisons.find((x) => x.actual === actual && x.expected === expected);
    const o = c?.outputs.find((x) => x.output === output);
    if (!o || o.maxAbsError === null) continue;
    atol = o.atol;
    // Axis labels: the probe's index and its shapes (what people look for); the label is in the tooltip.
    const shapes = Object.values(p.shapes).map((d) => d.join('x')).join(' ');
    rows.push({ probe: `${p.index}: ${shapes}`, label: p.label, order: p.index, maxAbs: o.maxAbsError, exact: o.maxAbsError === 0, pass: o.pass });
  }
  const positive = rows.map((r) => r.maxAbs).filter((x) => x > 0 && Number.isFinite(x));
  // Whole decades, so the log axis gets one labelled tick per decade.
  const floor = 10 ** Math.floor(Math.log10(positive.length ? Math.min(...positive, atol || Infinity) / 10 : 1e-12));
  const ceil = 10 ** Math.ceil(Math.log10(Math.max(...positive, atol, floor * 100) * 2));
  const decades = Array.from({ length: Math.round(Math.log10(ceil / floor)) + 1 }, (_, i) => floor * 10 ** i);
  const shown = rows.map((r) => ({ ...r, y: r.exact ? floor : Number.isFinite(r.maxAbs) ? r.maxAbs : ceil }));
  const layers: Record<string, unknown>[] = [
    {
      mark: { type: 'bar', tooltip: true },
      encoding: {
        x: { field: 'probe', type: 'ordinal', sort: { field: 'order' }, title: 'probe: input shapes', axis: { labelAngle: -40, labelLimit: 140 } },
        y: {
          field: 'y',
          type: 'quantitative',
          scale: { type: 'log', domain: [floor, ceil] },
          title: 'max |actual − expected|',
          axis: { values: decades, format: '.0e', grid: true },
        },
        // Bars on a log scale need an explicit base: the floor.
        y2: { datum: floor },
        color: { field: 'pass', type: 'nominal', scale: { domain: [true, false], range: ['#4c78a8', '#e45756'] }, legend: null },
        tooltip: [
          { field: 'probe', type: 'nominal' },
          { field: 'label', type: 'nominal', title: 'probe' },
          { field: 'maxAbs', type: 'quantitative', format: '.3e', title: 'max abs error' },
        ],
      },
    },
  ];
  if (atol > 0) {
    layers.push({
      data: { values: [{ atol }] },
      mark: { type: 'rule', strokeDash: [4, 3], color: '#555' },
      encoding: { y: { field: 'atol', type: 'quantitative' } },
    });
    layers.push({
      data: { values: [{ atol, label: `atol ${atol}` }] },
      mark: { type: 'text', align: 'left', dx: 4, dy: -6, color: '#555', fontSize: 10 },
      encoding: { y: { field: 'atol', type: 'quantitative' }, x: { value: 0 }, text: { field: 'label' } },
    });
  }
  return {
    title: { text: title, subtitle: 'red: outside tolerance; exact matches drawn at the floor' },
    width: 430,
    height: 200,
    data: { values: shown },
    layer: layers,
  };
}
