/**
 * Small lookups over a ModelSummary that several rules share: who produces / consumes a value, the constant
 * value of a tensor (initializer or Constant node), the ai.onnx opset, and Python-literal formatting for fixes.
 */
import type { ModelSummary, NodeSummary } from '../onnx/types';
import type { FindingNode } from './findings';

export interface GraphIndex {
  model: ModelSummary;
  /** ai.onnx opset of the model (0 when the model imports none). */
  opset: number;
  producer: Map<string, NodeSummary>;
  consumers: Map<string, { node: NodeSummary; slot: number }[]>;
  initializerNames: Set<string>;
}

export function indexGraph(model: ModelSummary): GraphIndex {
  const producer = new Map<string, NodeSummary>();
  const consumers = new Map<string, { node: NodeSummary; slot: number }[]>();
  for (const node of model.nodes) {
    for (const out of node.outputs) if (out) producer.set(out, node);
    node.inputs.forEach((name, slot) => {
      if (!name) return;
      let list = consumers.get(name);
      if (!list) consumers.set(name, (list = []));
      list.push({ node, slot });
    });
  }
  return {
    model,
    opset: defaultOpset(model),
    producer,
    consumers,
    initializerNames: new Set(model.initializers.list.map((t) => t.name)),
  };
}

/**
 * Walks from `value` back through the nodes that compute it, depth first, each value once. `visit` returns a result
 * to stop with, 'skip' to not go further up from that value, or undefined to go on to the producer's inputs.
 */
export function findUpstream<T>(g: GraphIndex, value: string, visit: (name: string, producer: NodeSummary | undefined) => T | 'skip' | undefined): T | undefined {
  const seen = new Set<string>();
  const stack = [value];
  while (stack.length) {
    const name = stack.pop()!;
    if (seen.has(name)) continue;
    seen.add(name);
    const node = g.producer.get(name);
    const r = visit(name, node);
    if (r === 'skip') continue;
    if (r !== undefined) return r;
    if (node) stack.push(...node.inputs.filter(Boolean));
  }
  return undefined;
}

export function defaultOpset(model: ModelSummary): number {
  const entry = model.opsets.find((o) => o.domain === '' || o.domain === 'ai.onnx');
  return entry ? entry.version : 0;
}

export function nodeRef(node: NodeSummary): FindingNode {
  return { index: node.index, name: node.name, opType: node.opType, domain: node.domain };
}

/** "'/Reshape' (Reshape, node 2)" — how messages name a node. */
export function describeNode(node: NodeSummary): string {
  const op = node.domain ? `${node.domain}::${node.opType}` : node.opType;
  return node.name ? `'${node.name}' (${op}, node ${node.index})` : `${op} node ${node.index}`;
}

/**
 * The values of a constant tensor: an initializer or a Constant node's `value`, when small enough for the
 * reader to have decoded them; undefined otherwise (unknown, not constant, or too large).
 */
export function constantValues(g: GraphIndex, name: string): number[] | undefined {
  const init = g.model.initializers.list.find((t) => t.name === name);
  if (init) return init.values;
  const node = g.producer.get(name);
  if (node && node.opType === 'Constant' && node.domain === '') {
    const v = node.attributes.value;
    if (v && v.type === 'tensor') return v.value.values;
    const single = node.attributes.value_int ?? node.attributes.value_float;
    if (single && (single.type === 'int' || single.type === 'float')) return [single.value];
    const many = node.attributes.value_ints ?? node.attributes.value_floats;
    if (many && (many.type === 'ints' || many.type === 'floats')) return many.value;
  }
  return undefined;
}

/** True when `name` is an initializer or a Constant node's output (TensorRT sees it as weights). */
export function isConstant(g: GraphIndex, name: string): boolean {
  if (g.initializerNames.has(name)) return true;
  const node = g.producer.get(name);
  return !!node && node.opType === 'Constant' && node.domain === '';
}

export function stringAttribute(node: NodeSummary, name: string): string | undefined {
  const a = node.attributes[name];
  return a && a.type === 'string' ? a.value : undefined;
}

export function intAttribute(node: NodeSummary, name: string): number | undefined {
  const a = node.attributes[name];
  return a && a.type === 'int' ? a.value : undefined;
}

// Dims as text have one home each in lib/shapes: declared dims ('[batch, 1, height, width]') and shapes ('1x3x8x8').
export { dimsText as formatDims } from '../shapes/profiles';
export { formatDims as shapeTag } from '../shapes/spec';

/** A Python string literal (single quotes, as PyTorch docs write them). */
export function pyStr(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** `{'input': {0: 'batch', 2: 'height'}}` from ordered entries. */
export function pyDynamicAxes(entries: { name: string; axes: { axis: number; label: string }[] }[]): string {
  const body = entries
    .map((e) => `${pyStr(e.name)}: {${e.axes.map((a) => `${a.axis}: ${pyStr(a.label)}`).join(', ')}}`)
    .join(', ');
  return `{${body}}`;
}

/** Conventional names for axes, used when suggesting dynamic_axes (NCHW images, (N, T, C) sequences). */
export function axisLabel(rank: number, axis: number): string {
  if (axis === 0) return 'batch';
  if (rank === 4) return (['batch', 'channels', 'height', 'width'] as const)[axis];
  if (rank === 5) return (['batch', 'channels', 'depth', 'height', 'width'] as const)[axis];
  if (rank === 3) return (['batch', 'sequence', 'features'] as const)[axis];
  return `dim_${axis}`;
}

/**
 * Which of PyTorch's exporters made the model, so that fixes name the arguments that exporter takes.
 * 'dynamo': torch.onnx.export(..., dynamo=True), the default since PyTorch 2.9 (torch.export; opset 18+, IR 10+,
 * nodes named after the FX graph: 'node_conv2d', 'node_Conv_9'; takes dynamic_shapes with torch.export.Dim).
 * 'torchscript': dynamo=False, the classic tracer ('/conv1/Conv' names; takes input_names and dynamic_axes).
 * 'other': not written by PyTorch (producer_name is not 'pytorch'); fixes are still worded for the classic call.
 */
export type Exporter = 'dynamo' | 'torchscript' | 'other';

export function exporterOf(model: ModelSummary): Exporter {
  if (model.producerName !== 'pytorch') return 'other';
  const fxNamed = model.nodes.filter((n) => /^node_/.test(n.name)).length;
  // The classic exporter writes IR 8 at most (opset <= 20); dynamo writes IR 10 and FX-style node names.
  return model.irVersion >= 10 || (model.nodes.length > 0 && fxNamed * 2 >= model.nodes.length) ? 'dynamo' : 'torchscript';
}

/** "torch.onnx.export(model, args, f, <rest>)", with dynamo=True spelled out for models that exporter made. */
export function exportCall(exporter: Exporter, rest: string): string {
  return `torch.onnx.export(model, args, f, ${exporter === 'dynamo' ? 'dynamo=True, ' : ''}${rest})`;
}

/**
 * What a dynamic_shapes fix needs besides the Dims: torch.export specialises an axis whose example input is 0 or 1
 * ("Constraints violated"), so the example inputs must not be of size 0 or 1 on an axis meant to vary.
 */
export const DYNAMO_EXAMPLE_SIZES = {
  fix: 'with example inputs of size 2 or more on those axes',
  text: 'Export with example inputs of size 2 or more on every axis declared dynamic: torch.export specialises an axis whose example size is 0 or 1 ("Constraints violated"), e.g. a batch of 1.',
} as const;

/** The torch.onnx.export call that makes axes vary: `dynamic` is dynamic_axes=... or, for dynamo, dynamic_shapes=... */
export function dynamicExportCall(exporter: Exporter, dynamic: string): string {
  return exporter === 'dynamo' ? `${exportCall(exporter, `${dynamic}, ...`)} ${DYNAMO_EXAMPLE_SIZES.fix}` : exportCall(exporter, `${dynamic}, ...`);
}

/** `{'x': {0: torch.export.Dim('batch'), 2: torch.export.Dim('height')}}`: dynamo's dynamic_shapes, keyed by forward()'s argument names. */
export function pyDynamicShapes(entries: { name: string; axes: { axis: number; label: string }[] }[]): string {
  const body = entries
    .map((e) => `${pyStr(e.name)}: {${e.axes.map((a) => `${a.axis}: torch.export.Dim(${pyStr(a.label)})`).join(', ')}}`)
    .join(', ');
  return `{${body}}`;
}
