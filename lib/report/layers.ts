/**
 * The layer-wise comparison in the reports: a text section (check and the cross-check table), and for the HTML
 * report the error of every tensor against its depth in the graph, one line per probe, the first diverging node
 * marked.
 */
import type { LayerReport, LayerTensorComparison, ProbeReport } from '../pipeline/types';
import { describeModule } from '../diagnostics/layers/module-path';
import { forTerminal } from '../util/terminal';
import type { VegaLiteSpec } from './charts';
import { formatNumber } from './format';
import { verdictText, wrap, type TextStyle } from './style';

function tensorLine(kind: 'in ' | 'out', t: LayerTensorComparison, style?: TextStyle): string {
  const verdict = verdictText(t.pass ? 'ok  ' : 'FAIL', style);
  const outside = t.pass || t.failingFraction === null ? '' : `, ${(t.failingFraction * 100).toPrecision(3)}% outside tolerance`;
  const range = t.expectedAbsMax !== null ? `, |expected| ≤ ${formatNumber(t.expectedAbsMax)}` : '';
  return `    ${kind} ${verdict} '${forTerminal(t.tensor)}' max abs error ${t.problem ? forTerminal(t.problem) : formatNumber(t.maxAbsError)}${outside}${range}`;
}

/** The layers section of the text report. */
export function formatLayers(layers: LayerReport, style?: TextStyle): string[] {
  const selection = layers.selection === 'all' ? 'all' : layers.selection.join(', ');
  const out = [`Layers (${layers.selected} intermediate tensor${layers.selected === 1 ? '' : 's'} selected: ${forTerminal(selection)}; compared at ${layers.comparedProbes} probe${layers.comparedProbes === 1 ? '' : 's'})`];
  if (layers.divergences.length === 0) out.push(`  ${layers.comparedProbes ? 'no node diverges: every observed tensor is within tolerance' : 'nothing was compared'}`);
  for (const d of layers.divergences) {
    const origin = d.node.origin ? `, ${describeModule(d.node.origin)}` : '';
    out.push(
      ...wrap(
        `First divergence, ${d.actual} vs ${d.expected}: '${forTerminal(d.node.name || `#${d.node.index}`)}' (${d.node.opType}, depth ${d.node.depth}${forTerminal(origin)})` +
          `${d.exact ? '' : ' — the first observed place: unobserved nodes lie just before it'}, at probe${d.probes.length === 1 ? '' : 's'} ${d.probes.join(', ')}`,
        '  ',
        style?.width,
      ),
    );
    for (const t of d.inputs) out.push(tensorLine('in ', t, style));
    for (const t of d.outputs) out.push(tensorLine('out', t, style));
  }
  for (const n of layers.notObservable) {
    const list = n.tensors.length ? `${n.tensors.length} not observable (${n.tensors.slice(0, 6).map((t) => `'${forTerminal(t)}'`).join(', ')}${n.tensors.length > 6 ? ', …' : ''}): ` : '';
    out.push(...wrap(`${n.runner}: ${list}${n.reason}`, '  ', style?.width));
  }
  out.push(...wrap(`Note: ${layers.note}`, '  ', style?.width));
  return out;
}

/**
 * Error against depth: per probe, each compared tensor's max abs error at the depth of the node that makes it (log
 * scale; an exact 0 drawn at the floor), one chart per runner pair; the first diverging node is a red rule.
 */
export function layerChartSpec(layers: LayerReport, probes: readonly ProbeReport[], actual: string, expected: string): VegaLiteSpec | undefined {
  const rows: { probe: string; depth: number; tensor: string; error: number; pass: boolean }[] = [];
  for (const p of probes) {
    const pair = p.layers?.pairs.find((x) => x.actual === actual && x.expected === expected);
    if (!pair) continue;
    for (const t of pair.tensors) {
      if (t.maxAbsError === null || !Number.isFinite(t.maxAbsError)) continue;
      rows.push({ probe: `${p.index}: ${p.label}`, depth: t.depth, tensor: t.tensor, error: Math.max(t.maxAbsError, 1e-12), pass: t.pass });
    }
  }
  if (rows.length === 0) return undefined;
  const divergence = layers.divergences.find((d) => d.actual === actual && d.expected === expected);
  const lines = {
    mark: { type: 'line', point: true, tooltip: true },
    encoding: {
      x: { field: 'depth', type: 'quantitative', title: 'depth (topological index of the node)' },
      y: { field: 'error', type: 'quantitative', scale: { type: 'log' }, title: 'max abs error' },
      color: { field: 'probe', type: 'nominal', title: 'probe' },
      detail: { field: 'tensor' },
    },
  };
  const layer: VegaLiteSpec[] = [{ data: { values: rows }, ...lines }];
  if (divergence) {
    layer.push({
      data: { values: [{ depth: divergence.node.depth, label: `first divergence: ${divergence.node.name || `#${divergence.node.index}`} (${divergence.node.opType})` }] },
      layer: [
        { mark: { type: 'rule', color: '#c62828', strokeWidth: 2, strokeDash: [4, 3] }, encoding: { x: { field: 'depth', type: 'quantitative' } } },
        { mark: { type: 'text', color: '#c62828', align: 'left', dx: 4, dy: -4, baseline: 'bottom' }, encoding: { x: { field: 'depth', type: 'quantitative' }, y: { value: 0 }, text: { field: 'label' } } },
      ],
    });
  }
  return {
    title: { text: `Error against depth: ${actual} vs ${expected}`, subtitle: 'each tensor at the depth of the node that makes it; red: the first diverging node' },
    width: 640,
    height: 240,
    layer,
  };
}
