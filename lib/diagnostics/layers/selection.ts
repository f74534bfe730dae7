/**
 * Which intermediate tensors a layer-wise comparison observes (`layers: 'all' | string[]`, `--layers`): each name is
 * a tensor (a node's output), a node (all its outputs) or an op type (the outputs of every node of that type),
 * matched against the model's main graph. A name that is none of those is a usage error naming the nearest one.
 */
import { InvalidTypeError, InvalidValueError } from '../../errors';
import type { ModelSummary, NodeSummary } from '../../onnx/types';
import { nearestName } from '../../util/nearest';
import { quoted } from '../../util/terminal';
import { topologicalOrder } from './order';

/** 'all', or tensor names, node names and op types of the model. */
export type LayerSelection = 'all' | string[];

/** A selection resolved against the model: what to observe, in topological order, and where each tensor comes from. */
export interface ResolvedLayers {
  /** As given (JSON-able, for the report). */
  selection: LayerSelection;
  /** The intermediate tensors to make outputs (graph outputs are compared anyway), in topological order. */
  tensors: string[];
  /** The model's nodes in topological order (every node, selected or not). */
  order: NodeSummary[];
  /** Topological position of the node that makes each value (a node output's depth). */
  depth: Map<string, number>;
  /** The node that makes each value. */
  producer: Map<string, NodeSummary>;
}

/**
 * A Constant node's output is the same number on every side (onnx-tensorrt imports it as weights, not as a layer):
 * nothing to observe.
 */
function observable(node: NodeSummary): boolean {
  return node.opType !== 'Constant' || node.domain !== '';
}

/** Every selectable name, for "did you mean": tensors first, then nodes, then op types. */
function selectableNames(order: readonly NodeSummary[]): string[] {
  const computed = order.filter(observable);
  return [...new Set([...computed.flatMap((n) => n.outputs.filter(Boolean)), ...order.map((n) => n.name).filter(Boolean), ...order.map((n) => n.opType)])];
}

function unknownName(name: string, order: readonly NodeSummary[], parameter: string): InvalidValueError {
  const names = selectableNames(order);
  const near = nearestName(name, names);
  const hint = near !== undefined ? `Did you mean ${quoted(near)}?` : `Some of its tensors: ${names.slice(0, 5).map(quoted).join(', ')}${names.length > 5 ? ', …' : ''}`;
  return new InvalidValueError(parameter, "'all', or tensor names, node names or op types of the model (`trt-node inspect --nodes` lists them)", name, hint);
}

/**
 * Resolves `selection` against `model`. Throws InvalidTypeError / InvalidValueError naming `parameter` (the option or
 * flag the user gave) for anything else, an unknown name with the nearest one.
 */
export function resolveLayers(model: ModelSummary, selection: unknown, parameter: string): ResolvedLayers {
  if (selection !== 'all' && !(Array.isArray(selection) && selection.length > 0)) {
    throw new InvalidTypeError(parameter, "'all', or a non-empty array of tensor names, node names or op types", selection);
  }
  const order = topologicalOrder(model);
  const depth = new Map<string, number>();
  const producer = new Map<string, NodeSummary>();
  order.forEach((node, i) => {
    for (const out of node.outputs) {
      if (!out) continue;
      depth.set(out, i);
      producer.set(out, node);
    }
  });
  const outputs = new Set(model.outputs.map((o) => o.name));
  const chosen = new Set<string>();
  const take = (node: NodeSummary) => {
    if (observable(node)) for (const out of node.outputs) if (out && !outputs.has(out)) chosen.add(out);
  };
  if (selection === 'all') order.forEach(take);
  else {
    const byName = new Map(order.filter((n) => n.name).map((n) => [n.name, n]));
    const byOp = new Set(order.map((n) => n.opType));
    (selection as unknown[]).forEach((name, i) => {
      if (typeof name !== 'string' || name === '') throw new InvalidTypeError(`${parameter}[${i}]`, 'a tensor name, node name or op type', name);
      const maker = producer.get(name);
      if (maker) {
        if (!observable(maker)) throw new InvalidValueError(`${parameter}[${i}]`, 'a tensor a node computes', name, 'It is the value of a Constant node, the same on every side: nothing to compare');
        if (!outputs.has(name)) chosen.add(name);
      } else if (byName.has(name)) take(byName.get(name)!);
      else if (byOp.has(name)) order.filter((n) => n.opType === name).forEach(take);
      else throw unknownName(name, order, parameter);
    });
  }
  const tensors = [...chosen].sort((a, b) => depth.get(a)! - depth.get(b)!);
  return { selection: selection === 'all' ? 'all' : [...(selection as string[])], tensors, order, depth, producer };
}
