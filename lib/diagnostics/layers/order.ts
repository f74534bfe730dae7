/**
 * The order a layer-wise comparison reads the graph in: topological, ties broken by position in graph.node. ONNX
 * requires graph.node to be topologically sorted already (PyTorch's exporters write it so), and such a graph comes
 * back as it is; the sort guards against a hand-edited graph, where a node listed before its producer would make a
 * "first" divergence wrong.
 */
import type { ModelSummary, NodeSummary } from '../../onnx/types';

export function topologicalOrder(model: Pick<ModelSummary, 'nodes'>): NodeSummary[] {
  const nodes = model.nodes;
  const producer = new Map<string, number>();
  nodes.forEach((n, i) => n.outputs.forEach((o) => o && producer.set(o, i)));
  const parents = nodes.map((n, i) => [...new Set(n.inputs.filter((x) => x && producer.has(x)).map((x) => producer.get(x)!))].filter((p) => p !== i));
  if (parents.every((ps, i) => ps.every((p) => p < i))) return [...nodes];
  const waiting = parents.map((ps) => ps.length);
  const users = nodes.map(() => [] as number[]);
  parents.forEach((ps, i) => ps.forEach((p) => users[p].push(i)));
  const out: NodeSummary[] = [];
  const ready = nodes.map((_, i) => i).filter((i) => waiting[i] === 0);
  while (ready.length) {
    ready.sort((a, b) => a - b); // the lowest position first (an unsorted graph is the rare case: no heap needed)
    const i = ready.shift()!;
    out.push(nodes[i]);
    for (const u of users[i]) if (--waiting[u] === 0) ready.push(u);
  }
  // A cycle (an invalid graph): its nodes keep their positions after the rest.
  const placed = new Set(out);
  for (const n of nodes) if (!placed.has(n)) out.push(n);
  return out;
}
