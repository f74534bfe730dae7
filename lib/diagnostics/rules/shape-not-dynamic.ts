/**
 * SHAPE_NOT_DYNAMIC: an axis declared dynamic (a symbolic dim, from dynamic_axes) that the graph cannot actually
 * vary. The usual cause: tracing recorded Python ints (x.size(2), int(h), h * w) as constants, typically in a
 * Reshape's target shape, so the model only runs at the export-time size. lib/pipeline/pinned-axes.ts finds it, from
 * the runs of the pipeline (failures at probe sizes, output dims that stay put); this file words the finding.
 */
import type { ModelSummary, NodeSummary, TensorSummary } from '../../onnx/types';
import { classifyOrtError } from '../ort-errors';
import { defaultDimSize } from '../../shapes/dims';
import { elementCount } from '../../tensor/types';
import type { Exporter, GraphIndex } from '../graph';
import { DYNAMO_EXAMPLE_SIZES, describeNode, exporterOf, indexGraph, isConstant, nodeRef, shapeTag } from '../graph';
import type { Finding, Severity } from '../findings';
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

/** Reduces a run error to a ProbeFailure with onnxruntime's classifier (lib/diagnostics/ort-errors.ts). */
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

/** The traced-Python-int fix, worded for the exporter that made the model. */
export function tracedIntFix(exporter: Exporter): { fix: string; text: string } {
  const fix =
    'compute sizes from tensors in forward() (x.shape / x.size(i) without int(), torch.flatten, reshape(n, c, -1)) ' +
    'instead of Python ints, then re-export' +
    (exporter === 'dynamo'
      ? ` with the axis declared in dynamic_shapes (torch.export.Dim) ${DYNAMO_EXAMPLE_SIZES.fix}`
      : `; or use torch.onnx.export(..., dynamo=True) with dynamic_shapes ${DYNAMO_EXAMPLE_SIZES.fix}`);
  const why =
    exporter === 'dynamo'
      ? 'torch.export keeps sizes symbolic only for axes declared in dynamic_shapes; a size turned into a Python number ' +
        '(.item(), .tolist(), numpy) or an axis left out of dynamic_shapes is recorded as the export-time constant.'
      : 'With dynamo=False the exporter traces Python ints (int(h), h * w, sizes from .tolist() or numpy) as ' +
        'constants, so a declared dynamic_axes entry cannot change them.';
  return { fix, text: `Fix: ${fix}. ${why}` };
}

/**
 * Why a declared-dynamic axis cannot vary when the failing node combines the data with a parameter of fixed size:
 * the architecture ties the axis to that size (a learned position embedding added to the tokens, a Linear over a
 * flattened feature map), and no export option can change it.
 */
export interface FixedSizeParameterCause {
  kind: 'broadcast' | 'linear';
  /** The failing node. */
  node: NodeSummary;
  /** The initializer (or Constant) holding the parameter, as the model names it. */
  parameter: string;
  parameterDims: number[];
  /** For a Linear: the axis of the Flatten feeding it (its features are the axes from that one on), when one does. */
  flattenAxis?: number;
}

/** Ops through which a parameter keeps its identity on the way to the failing node. */
const PASS_THROUGH = new Set(['Identity', 'Cast', 'Transpose', 'Unsqueeze', 'Squeeze', 'Reshape', 'Slice', 'Gather', 'Expand', 'Flatten']);
const BROADCASTING = new Set(['Add', 'Sub', 'Mul', 'Div', 'Where', 'Concat']);
const LINEAR = new Set(['Gemm', 'MatMul']);

/** The initializer behind `value`, followed through ops that only reshape, cast or slice it; undefined for data. */
function parameterBehind(g: GraphIndex, value: string, depth = 0): TensorSummary | undefined {
  const init = g.model.initializers.list.find((t) => t.name === value);
  if (init) return init;
  const node = g.producer.get(value);
  if (!node || node.domain !== '' || depth > 6) return undefined;
  if (node.opType === 'Constant') {
    const v = node.attributes.value;
    return v && v.type === 'tensor' ? { ...v.value, name: value } : undefined;
  }
  if (!PASS_THROUGH.has(node.opType) || !node.inputs[0]) return undefined;
  // Only the first input carries the tensor; the others (shapes, indices, axes) must be constants themselves.
  if (node.inputs.slice(1).some((x) => x && !isConstant(g, x))) return undefined;
  return parameterBehind(g, node.inputs[0], depth + 1);
}

/**
 * The cause of a SHAPE_NOT_DYNAMIC failure when it is the architecture's, or undefined (then the traced-int cause
 * applies). Pure: reads the model and the failure only.
 */
export function fixedSizeParameterCause(model: ModelSummary, failure: Pick<ProbeFailure, 'nodeName' | 'kind'>): FixedSizeParameterCause | undefined {
  if (failure.kind === 'reshape' || failure.nodeName === undefined) return undefined;
  const node = model.nodes.find((n) => n.name === failure.nodeName);
  if (!node || node.domain !== '') return undefined;
  const g = indexGraph(model);
  const candidates = LINEAR.has(node.opType) ? node.inputs.slice(1, 2) : BROADCASTING.has(node.opType) ? node.inputs : [];
  let best: TensorSummary | undefined;
  for (const input of candidates) {
    if (!input) continue;
    const p = parameterBehind(g, input);
    // A parameter of one element or one non-1 axis per channel broadcasts against any size: not the cause.
    if (!p || p.dims.filter((d) => d > 1).length < (LINEAR.has(node.opType) ? 1 : 2)) continue;
    if (!best || elementCount(p.dims) > elementCount(best.dims)) best = p;
  }
  // The data side must be data: a node combining two parameters is not where an input size meets a fixed one.
  const dataSide = node.inputs.some((x) => x && !parameterBehind(g, x) && !isConstant(g, x));
  if (!best || !dataSide) return undefined;
  if (!LINEAR.has(node.opType)) return { kind: 'broadcast', node, parameter: best.name, parameterDims: [...best.dims] };
  const flattenAxis = flattenAxisFeeding(g, node);
  return { kind: 'linear', node, parameter: best.name, parameterDims: [...best.dims], ...(flattenAxis !== undefined ? { flattenAxis } : {}) };
}

/** Ops between a Flatten and the Linear it feeds that keep each sample's features where they are. */
const FEATURE_PRESERVING = new Set(['Identity', 'Cast', 'Relu', 'Dropout', 'BatchNormalization', 'Sigmoid', 'Tanh', 'Gelu', 'Add', 'Mul']);

/**
 * The axis of the Flatten whose output a Linear multiplies (torch.flatten(x, 1) exports as Flatten axis=1), or
 * undefined when no Flatten feeds it. The Linear's fixed feature count is the product of the axes from that one on:
 * the axes before it (the batch) are kept apart and not tied to the parameter's size.
 */
function flattenAxisFeeding(g: GraphIndex, linear: NodeSummary): number | undefined {
  let value = linear.inputs[0];
  for (let depth = 0; value && depth < 8; depth++) {
    const node = g.producer.get(value);
    if (!node || node.domain !== '') return undefined;
    if (node.opType === 'Flatten') {
      const axis = node.attributes.axis;
      return axis && axis.type === 'int' ? Number(axis.value) : 1;
    }
    if (!FEATURE_PRESERVING.has(node.opType)) return undefined;
    value = node.inputs[0];
  }
  return undefined;
}

/**
 * The declared symbols a Linear's fixed feature count can tie, when no run succeeded to tell: those used at or after
 * the axis its Flatten starts from (conv nets keep input axis i at axis i up to the flatten), or all of them when that
 * cannot be told. Each symbol the flatten keeps apart is returned with it, for the message.
 */
function symbolsTiedByLinear(cause: FixedSizeParameterCause, syms: DynamicSymbol[]): { tied: DynamicSymbol[]; apart: DynamicSymbol[] } {
  const axis = cause.flattenAxis;
  if (axis === undefined || axis < 1) return { tied: syms, apart: [] };
  const tied = syms.filter((s) => s.uses.some((u) => u.axis >= axis));
  return tied.length ? { tied, apart: syms.filter((s) => !tied.includes(s)) } : { tied: syms, apart: [] };
}

/** The message part and fix for an architecture-fixed axis, worded for the exporter. */
export function fixedSizeParameterAdvice(
  cause: FixedSizeParameterCause,
  exporter: Exporter,
  axisText: string,
  exportSize: string,
): { text: string; fix: string } {
  const dims = `[${cause.parameterDims.join(', ')}]`;
  const several = axisText.includes(',');
  const declareStatic =
    exporter === 'dynamo'
      ? `declare ${axisText} static: drop ${several ? 'their' : 'its'} torch.export.Dim from dynamic_shapes (dynamo=True ` +
        `exported ${several ? 'them' : 'it'} as dynamic without complaint, but the model cannot run at another size) and feed ${exportSize}`
      : `declare ${axisText} static: leave ${several ? 'them' : 'it'} out of dynamic_axes and feed ${exportSize}`;
  if (cause.kind === 'linear') {
    const inFeatures = cause.node.opType === 'Gemm' && cause.parameterDims.length === 2 ? cause.parameterDims[1] : cause.parameterDims[0];
    return {
      text:
        `${describeNode(cause.node)} multiplies by the parameter '${cause.parameter}' of fixed shape ${dims}: a Linear ` +
        `layer that takes exactly ${inFeatures} features, which is the flattened feature map at the export size. Any ` +
        `other input size flattens to another number, so the architecture itself fixes ${axisText}: no export option ` +
        `can make it vary. Options: ${declareStatic}; or make the feature count independent of the input size — pool ` +
        `to a fixed grid before flattening (nn.AdaptiveAvgPool2d, as torchvision's classifiers do) or use global pooling.`,
      fix: `${declareStatic}; or pool to a fixed size (nn.AdaptiveAvgPool2d) before the flatten that feeds '${cause.parameter}'`,
    };
  }
  return {
    text:
      `${describeNode(cause.node)} combines the data with the parameter '${cause.parameter}' of fixed shape ${dims}, ` +
      `a learned tensor (e.g. a ViT's position embedding added to the patch tokens) whose size was set for the ` +
      `export-time input. The architecture itself ties ${axisText} to that size: no export option can make it vary. ` +
      `Options: ${declareStatic}; or make the parameter follow the input — resize it in forward() to the current ` +
      `token grid (F.interpolate of the embedding reshaped to its 2-D grid, as timm's ViT does with ` +
      `dynamic_img_size=True) and re-export.`,
    fix: `${declareStatic}; or interpolate '${cause.parameter}' to the input's size in forward() and re-export`,
  };
}

export function pinnedAxisFinding(
  model: ModelSummary,
  severity: Severity,
  declared: DynamicSymbol[],
  recs: ProbeAttempt[],
  baseline: ProbeAttempt,
  callerBaseline: boolean,
  sizesLabel = callerBaseline ? 'the given sizes' : 'default sizes',
): Finding {
  const rec = recs[0];
  const f = rec.failure!;
  const node = f.nodeName !== undefined ? model.nodes.find((n) => n.name === f.nodeName) : undefined;
  const where = node ? describeNode(node) : f.opType ? `a ${f.opType} node '${f.nodeName}'` : 'the graph';
  const architecture = fixedSizeParameterCause(model, f);
  // No run succeeded, so no probe tells which axes fail: a Linear over a flattened map ties only the flattened axes.
  const { tied, apart } = baseline === rec && architecture?.kind === 'linear' ? symbolsTiedByLinear(architecture, declared) : { tied: declared, apart: [] };
  const syms = tied;
  const symbolText = (list: DynamicSymbol[]) => list.map((s) => `'${s.symbol}' (${s.uses.map((u) => `${u.input} axis ${u.axis}`).join(', ')})`).join(', ');
  const axes = syms.flatMap((s) => s.uses.map((u) => ({ ...u, symbol: s.symbol, base: s.base })));
  const axisText = symbolText(syms);
  const apartText = apart.length
    ? ` ${symbolText(apart)} ${apart.length === 1 ? 'is' : 'are'} not in question: the Flatten before ${describeNode(architecture!.node)} keeps ${apart.length === 1 ? 'it' : 'them'} out of the features.`
    : '';
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
  const exporter = exporterOf(model);
  const advice = architecture
    ? fixedSizeParameterAdvice(architecture, exporter, axisText, baseline === rec ? 'the size the model was exported at' : shapesText(baseline))
    : tracedIntFix(exporter);
  const oddOnly = severity === 'warning' && baseline !== rec && !architecture
    ? ' Only odd/unaligned sizes fail: if the model needs multiples of its stride, restrict the TensorRT profile accordingly; otherwise:'
    : '';
  return {
    code: 'SHAPE_NOT_DYNAMIC',
    severity,
    message: `${head}. ${cause}${hint}${oddOnly} ${advice.text}${apartText}`,
    fix: advice.fix,
    input: axes[0]?.input,
    axis: axes[0]?.axis,
    ...(node ? { node: nodeRef(node) } : {}),
    details: {
      axes,
      failure: f,
      baseline: baseline.shapes,
      tried: recs.map((r) => ({ label: r.label, shapes: r.shapes })),
      cause: architecture ? { kind: architecture.kind, parameter: architecture.parameter, parameterDims: architecture.parameterDims } : { kind: 'traced-size' },
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
  callerShapes = true,
): Finding | undefined {
  const symbols = declaredSymbols(model, shapes);
  if (symbols.length === 0) return undefined;
  const copy: Record<string, number[]> = {};
  for (const [k, v] of Object.entries(shapes)) copy[k] = [...v];
  const rec: ProbeAttempt = { label: source, varied: [], shapes: copy, ok: false, failure };
  return pinnedAxisFinding(model, 'error', symbols, [rec], rec, callerShapes, source);
}
