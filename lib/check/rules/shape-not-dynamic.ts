/**
 * SHAPE_NOT_DYNAMIC: an axis declared dynamic (a symbolic dim, from dynamic_axes) that the graph cannot actually
 * vary. The usual cause: tracing recorded Python ints (x.size(2), int(h), h * w) as constants, typically in a
 * Reshape's target shape, so the model only runs at the export-time size. lib/pipeline/pinned-axes.ts finds it, from
 * the runs of the pipeline (failures at probe sizes, output dims that stay put); this file words the finding.
 */
import type { ModelSummary } from '../../onnx/types';
import { classifyOrtError } from '../../runners/ort-errors';
import { defaultDimSize } from '../../pipeline/probes';
import { describeNode, indexGraph, nodeRef, shapeTag } from '../graph';
import type { Finding, Severity } from '../types';
import { dataInputs } from './fixed-dim';

/** Error details a run failure is reduced to. */
export interface ProbeFailure {
  /** classifyOrtError's kind: 'reshape', 'fixed-dim', 'other'... */
  kind: string;
  /** The message, first line(s), without onnxruntime's source-file noise. */
  message: string;
  /** The node onnxruntime names ("running Reshape node. Name:'/Reshape'"). */
  nodeName?: string;
  opType?: string;
  /** For Reshape failures: the input shape and the target shape baked into the graph. */
  inputShape?: number[];
  requestedShape?: number[];
}

export type FailureClassifier = (err: unknown) => ProbeFailure;

/** A declared-dynamic dim: a symbol and every (input, axis) it names. Unnamed dynamic dims get their own symbol. */
export interface DynamicSymbol {
  symbol: string;
  uses: { input: string; axis: number }[];
  /** The size the probe starts from (baseline). */
  base: number;
  /** Whether `base` came from the caller (a size known to be valid) or is a default guess. */
  baseFromCaller: boolean;
}

export interface ProbeAttempt {
  /** 'baseline', 'aligned', 'odd', 'profile min'/'profile max', or 'aligned: height' for a one-symbol probe. */
  label: string;
  /** Symbols whose value differs from the baseline. */
  varied: string[];
  shapes: Record<string, number[]>;
  ok: boolean;
  outputDims?: Record<string, number[]>;
  failure?: ProbeFailure;
}

export function declaredSymbols(model: ModelSummary, baseline?: Record<string, readonly number[]>): DynamicSymbol[] {
  const g = indexGraph(model);
  const bySymbol = new Map<string, DynamicSymbol>();
  for (const input of dataInputs(g)) {
    const dims = input.dims;
    if (!dims) continue;
    dims.forEach((d, axis) => {
      if (d.kind === 'fixed') return;
      const symbol = d.kind === 'symbolic' ? d.name : `${input.name}[${axis}]`;
      const given = baseline?.[input.name]?.[axis];
      let entry = bySymbol.get(symbol);
      if (!entry) {
        entry = { symbol, uses: [], base: given ?? defaultDimSize(dims.length, axis), baseFromCaller: given !== undefined };
        bySymbol.set(symbol, entry);
      } else if (given !== undefined && !entry.baseFromCaller) {
        entry.base = given;
        entry.baseFromCaller = true;
      }
      entry.uses.push({ input: input.name, axis });
    });
  }
  return [...bySymbol.values()];
}

/** Reduces a run error to a ProbeFailure with onnxruntime's classifier (lib/runners/ort-errors.ts). */
export function defaultFailureClassifier(err: unknown): ProbeFailure {
  const info = classifyOrtError(err);
  return {
    kind: info.kind,
    message: info.message,
    ...(info.nodeName !== undefined ? { nodeName: info.nodeName } : {}),
    ...(info.opType !== undefined ? { opType: info.opType } : {}),
    ...(info.kind === 'reshape' && info.inputShape ? { inputShape: info.inputShape } : {}),
    ...(info.kind === 'reshape' && info.requestedShape ? { requestedShape: info.requestedShape } : {}),
  };
}

export const FIX =
  'compute sizes from tensors in forward() (x.shape / x.size(i) without int(), torch.flatten, reshape(n, c, -1)) ' +
  'instead of Python ints, then re-export; or use torch.onnx.export(..., dynamo=True) with dynamic_shapes';
export const FIX_TEXT =
  `Fix: ${FIX}. With dynamo=False the exporter traces Python ints (int(h), h * w, sizes from .tolist() or numpy) as ` +
  'constants, so a declared dynamic_axes entry cannot change them.';

export function pinnedAxisFinding(
  model: ModelSummary,
  severity: Severity,
  syms: DynamicSymbol[],
  recs: ProbeAttempt[],
  baseline: ProbeAttempt,
  callerBaseline: boolean,
  sizesLabel = callerBaseline ? 'the given sizes' : 'default sizes',
): Finding {
  const rec = recs[0];
  const f = rec.failure!;
  const node = f.nodeName !== undefined ? model.nodes.find((n) => n.name === f.nodeName) : undefined;
  const where = node ? describeNode(node) : f.opType ? `a ${f.opType} node '${f.nodeName}'` : 'the graph';
  const axes = syms.flatMap((s) => s.uses.map((u) => ({ ...u, symbol: s.symbol, base: s.base })));
  const axisText = syms.map((s) => `'${s.symbol}' (${s.uses.map((u) => `${u.input} axis ${u.axis}`).join(', ')})`).join(', ');
  const shapesText = (r: ProbeAttempt) => Object.entries(r.shapes).map(([n, d]) => `${n} ${shapeTag(d)}`).join(', ');
  // One-symbol probes say most ("fails when height=32"); joint ones only when nothing narrower failed.
  const singles = recs.filter((r) => r.label.includes(': '));
  const shown = (singles.length ? singles : recs).slice(0, 4);
  const tried = shown.map((r) => (r.label.includes(': ') ? `${r.label.split(': ')[1]} (${shapesText(r)})` : shapesText(r)));
  const more = (singles.length ? singles : recs).length - shown.length;
  const cause =
    f.kind === 'reshape' && f.requestedShape
      ? `${where} cannot reshape {${(f.inputShape ?? []).join(',')}} to {${f.requestedShape.join(',')}}: that target shape is a constant in the graph, the export-time sizes traced into it.`
      : `${where} fails: ${f.message}${/[.!]$/.test(f.message) ? '' : '.'}`;
  const head = baseline === rec
    ? `The model cannot run at ${sizesLabel} (${shapesText(rec)}) although ${axisText} ${syms.length === 1 ? 'is' : 'are'} declared dynamic`
    : `Declared dynamic ${syms.length === 1 ? 'axis' : 'axes'} ${axisText} cannot vary: the model runs at ${shapesText(baseline)} but fails at ${tried.join('; ')}${more > 0 ? ` and ${more} more` : ''}`;
  const hint = !callerBaseline && baseline === rec && f.kind !== 'reshape' ? ' Pass --shapes (or --inputs) with the size the model was exported at to probe from a valid size.' : '';
  const oddOnly = severity === 'warning' && baseline !== rec
    ? ' Only odd/unaligned sizes fail: if the model needs multiples of its stride, restrict the TensorRT profile accordingly; otherwise:'
    : '';
  return {
    code: 'SHAPE_NOT_DYNAMIC',
    severity,
    message: `${head}. ${cause}${hint}${oddOnly} ${FIX_TEXT}`,
    fix: FIX,
    input: axes[0]?.input,
    axis: axes[0]?.axis,
    ...(node ? { node: nodeRef(node) } : {}),
    details: {
      axes,
      failure: f,
      baseline: baseline.shapes,
      tried: recs.map((r) => ({ label: r.label, shapes: r.shapes })),
    },
  };
}

/**
 * SHAPE_NOT_DYNAMIC for a run that failed at requested shapes in a Reshape whose target is baked in (an
 * onnxruntime error translated); undefined when the model declares no dynamic dim (then it is not this pitfall).
 */
export function runFailureFinding(
  model: ModelSummary,
  failure: ProbeFailure,
  shapes: Record<string, readonly number[]>,
  source: string,
): Finding | undefined {
  const symbols = declaredSymbols(model, shapes);
  if (symbols.length === 0) return undefined;
  const copy: Record<string, number[]> = {};
  for (const [k, v] of Object.entries(shapes)) copy[k] = [...v];
  const rec: ProbeAttempt = { label: source, varied: [], shapes: copy, ok: false, failure };
  return pinnedAxisFinding(model, 'error', symbols, [rec], rec, true, source);
}
