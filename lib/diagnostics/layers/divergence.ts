/**
 * The first divergence: in topological order, the first node whose outputs fall outside tolerance while all its
 * inputs are within it. A tensor that was not observed (not selected, not exposed by TensorRT, a constant) counts
 * as agreeing when everything it is computed from agrees, so a partial selection still names the first observed
 * place of a divergence (`exact: false` then says that unobserved nodes lie before it). Over the sweep, each
 * runner pair's divergences are grouped by node, and the finding FIRST_DIVERGENCE names the node, its op, the PyTorch
 * module it came from, and the fix where one is known.
 */
import type { ModelSummary, NodeSummary } from '../../onnx/types';
import type { Finding } from '../findings';
import { defaultOpset, describeNode, nodeRef } from '../graph';
import { describeModule, moduleOf } from './module-path';
import type { ResolvedLayers } from './selection';
import type { DivergingNode, LayerDivergence, LayerPairComparison, LayerTensorComparison } from './types';

/** The largest finite float16 value: a tensor beyond it overflows to ±Inf in an fp16 layer. */
export const FLOAT16_MAX = 65504;

export interface DivergenceAt {
  node: NodeSummary;
  depth: number;
  exact: boolean;
  inputs: LayerTensorComparison[];
  outputs: LayerTensorComparison[];
}

/** The first diverging node of one runner pair at one probe, or null when every observed tensor agrees. */
export function firstDivergence(layers: Pick<ResolvedLayers, 'order'>, pair: Pick<LayerPairComparison, 'tensors'>): DivergenceAt | null {
  const observed = new Map(pair.tensors.map((t) => [t.tensor, t]));
  // Whether each value agrees: observed, its comparison; unobserved, whether everything it comes from agrees.
  const clean = new Map<string, boolean>();
  const sourced = new Map<string, boolean>(); // agrees because observed, or computed only from observed/source values
  const isClean = (name: string) => clean.get(name) ?? true; // graph inputs, weights: the same on both sides
  const isExact = (name: string) => sourced.get(name) ?? true;
  for (const [depth, node] of layers.order.entries()) {
    const inputs = node.inputs.filter(Boolean);
    const inputsClean = inputs.every(isClean);
    const inputsExact = inputs.every((n) => observed.has(n) || isExact(n));
    let diverges = false;
    for (const out of node.outputs) {
      if (!out) continue;
      const c = observed.get(out);
      if (c) {
        clean.set(out, c.pass);
        sourced.set(out, true);
        if (!c.pass) diverges = true;
      } else {
        clean.set(out, inputsClean);
        sourced.set(out, inputsExact && node.opType === 'Constant');
      }
    }
    if (diverges && inputsClean) {
      return {
        node,
        depth,
        exact: inputsExact,
        inputs: inputs.map((n) => observed.get(n)).filter((x): x is LayerTensorComparison => x !== undefined),
        outputs: node.outputs.map((n) => observed.get(n)).filter((x): x is LayerTensorComparison => x !== undefined),
      };
    }
  }
  return null;
}

/** How the report names a node: its name, or `#index` for an unnamed one. */
export function nodeLabel(node: Pick<NodeSummary, 'name' | 'index'>): string {
  return node.name || `#${node.index}`;
}

function divergingNode(at: DivergenceAt): DivergingNode {
  const origin = moduleOf(at.node);
  return { index: at.node.index, name: at.node.name, opType: at.node.opType, depth: at.depth, ...(origin ? { origin } : {}) };
}

/** Divergences over the sweep: grouped by runner pair and node, most probes first, then the earliest node. */
export function sweepDivergences(layers: Pick<ResolvedLayers, 'order'>, probes: readonly { index: number; pairs: readonly LayerPairComparison[] }[]): LayerDivergence[] {
  const byKey = new Map<string, LayerDivergence>();
  for (const p of probes) {
    for (const pair of p.pairs) {
      const at = firstDivergence(layers, pair);
      if (!at) continue;
      const key = `${pair.actual}\u0000${pair.expected}\u0000${at.node.index}`;
      const known = byKey.get(key);
      if (known) known.probes.push(p.index);
      else byKey.set(key, { actual: pair.actual, expected: pair.expected, node: divergingNode(at), exact: at.exact, probes: [p.index], inputs: at.inputs, outputs: at.outputs });
    }
  }
  return [...byKey.values()].sort((a, b) => b.probes.length - a.probes.length || a.node.depth - b.node.depth);
}

function stat(t: LayerTensorComparison): string {
  if (t.problem) return `'${t.tensor}': ${t.problem}`;
  const err = t.maxAbsError === null ? 'n/a' : t.maxAbsError.toExponential(2);
  return `'${t.tensor}' max abs error ${err}${t.pass ? '' : ` (${((t.failingFraction ?? 0) * 100).toPrecision(3)}% outside atol ${t.atol}, rtol ${t.rtol})`}`;
}

/** What the runs know about a runner beyond its name: whether it computes in float16 (an fp16 TensorRT build). */
export interface DivergenceContext {
  model: ModelSummary;
  /** Runners built to allow float16 kernels. */
  float16Runners: ReadonlySet<string>;
}

/** The fix, where the node's op or its values say what it is. */
function fixFor(d: LayerDivergence, ctx: DivergenceContext): { fix: string; cause: string; known: boolean } {
  const name = d.node.name || `node ${d.node.index}`;
  const overflow = d.outputs.some((o) => (o.expectedAbsMax ?? 0) > FLOAT16_MAX) && (ctx.float16Runners.has(d.actual) || d.outputs.some((o) => (o.nonFinite ?? 0) > 0));
  if (overflow) {
    const where = d.node.origin ? ` (in PyTorch: ${describeModule(d.node.origin)}, computed in float32)` : '';
    return {
      known: true,
      cause: `its outputs reach ${Math.max(...d.outputs.map((o) => o.expectedAbsMax ?? 0)).toExponential(2)}, beyond float16's largest value ${FLOAT16_MAX}: an fp16 layer overflows`,
      fix: `keep '${name}' in float32: trtexec --layerPrecisions=${name}:fp32 --layerOutputTypes=${name}:fp32 --precisionConstraints=obey${where}`,
    };
  }
  if (d.node.opType === 'Resize' || d.node.opType === 'Upsample') {
    const opset = defaultOpset(ctx.model);
    return {
      known: true,
      cause:
        opset < 11
          ? `at opset ${opset} Resize has no coordinate_transformation_mode: it samples at asymmetric coordinates where F.interpolate samples at half-pixel centres (see RESIZE_SEMANTICS)`
          : `its mode and coordinate_transformation_mode decide where it samples: compare them with F.interpolate's mode and align_corners`,
      fix: opset < 11 ? `torch.onnx.export(..., opset_version=${Math.max(11, opset)}) (opset 11 or later)` : `check F.interpolate's mode/align_corners against the Resize node's attributes`,
    };
  }
  return {
    known: false,
    cause: `its inputs agree, so the difference comes from how ${d.actual} computes ${d.node.opType}`,
    fix: `compare '${name}' (${d.node.opType}) alone: run with --layers ${d.node.opType} to see every node of that op, and loosen the tolerance only if the difference is expected`,
  };
}

/** FIRST_DIVERGENCE: one finding per runner pair, for its most frequent first divergence. */
export function divergenceFindings(divergences: readonly LayerDivergence[], ctx: DivergenceContext, probeCount: number): Finding[] {
  const findings: Finding[] = [];
  const seen = new Set<string>();
  for (const d of divergences) {
    const pair = `${d.actual}\u0000${d.expected}`;
    if (seen.has(pair)) continue;
    seen.add(pair);
    const node = ctx.model.nodes[d.node.index];
    const others = divergences.filter((x) => x !== d && x.actual === d.actual && x.expected === d.expected);
    const { fix, cause, known } = fixFor(d, ctx);
    const origin = d.node.origin ? `, from ${describeModule(d.node.origin)}` : '';
    const where = d.exact ? '' : ' (the first observed place: unobserved nodes lie just before it)';
    const inputs = d.inputs.length ? `its inputs agree (${d.inputs.map(stat).join('; ')})` : 'its inputs are graph inputs or weights';
    const also = others.length ? ` At other probes the first divergence is elsewhere: ${others.map((o) => `'${nodeLabel(o.node)}' at probe${o.probes.length > 1 ? 's' : ''} ${o.probes.join(', ')}`).join('; ')}.` : '';
    findings.push({
      code: 'FIRST_DIVERGENCE',
      severity: 'warning',
      message:
        `${d.actual} first departs from ${d.expected} at ${node ? describeNode(node) : `'${nodeLabel(d.node)}'`}${origin}${where}, at ${d.probes.length} of ${probeCount} probe${probeCount === 1 ? '' : 's'} ` +
        `(${d.probes.join(', ')}): ${inputs}; its output${d.outputs.length === 1 ? '' : 's'} ${d.outputs.length === 1 ? 'does' : 'do'} not (${d.outputs.map(stat).join('; ')}). ` +
        `${cause[0].toUpperCase()}${cause.slice(1)}.${also}${known ? ` Fix: ${fix}.` : ''}`,
      fix,
      ...(node ? { node: nodeRef(node) } : {}),
      details: {
        actual: d.actual,
        expected: d.expected,
        depth: d.node.depth,
        probes: d.probes,
        exact: d.exact,
        ...(d.node.origin ? { module: d.node.origin.module, ...(d.node.origin.moduleClass ? { moduleClass: d.node.origin.moduleClass } : {}) } : {}),
      },
    });
  }
  return findings;
}
