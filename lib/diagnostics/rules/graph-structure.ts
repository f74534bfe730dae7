/**
 * The graph's own structure, before any op is judged:
 * - BROKEN_GRAPH: every node whose wiring no runtime can load — it reads a value nothing provides (and that is no
 *   left-out weight, which is WEIGHTS_MISSING), or writes a value that a graph input, an initializer or another node
 *   already provides (ONNX graphs are in SSA form: "each name must be assigned exactly once", onnx/docs/IR.md);
 *   and every graph output nothing provides. All listed at once: onnxruntime and TensorRT's parser stop at the first.
 * - EMPTY_GRAPH: a graph with no nodes computes nothing (its outputs are its inputs or constants). A warning: such a
 *   file loads, but it is seldom the model that was meant to be exported.
 */
import type { NodeSummary } from '../../onnx/types';
import { plural } from '../../util/text';
import { describeNode, nodeRef, type GraphIndex } from '../graph';
import type { Finding } from '../findings';
import type { RuleContext } from './context';
import { danglingValues, leftOutWeights } from './weights-missing';

export interface Break {
  node: NodeSummary | null;
  problem: string;
}

/** Every structural break of the main graph, in node order, then the outputs nothing provides. */
export function graphBreaks(g: GraphIndex): Break[] {
  const breaks: Break[] = [];
  const dangling = new Map<NodeSummary, string[]>();
  const weights = leftOutWeights(g);
  for (const d of danglingValues(g, { allReaders: true })) {
    if (weights.has(d.name)) continue;
    dangling.set(d.node, [...(dangling.get(d.node) ?? []), d.name]);
  }
  const given = new Set<string>([...g.model.inputs.map((i) => i.name), ...g.initializerNames]);
  const firstWriter = new Map<string, NodeSummary>();
  for (const node of g.model.nodes) {
    const problems: string[] = [];
    const reads = dangling.get(node);
    if (reads) problems.push(`reads ${reads.map((n) => `'${n}'`).join(', ')}, which nothing provides`);
    for (const out of node.outputs) {
      if (!out) continue;
      const earlier = firstWriter.get(out);
      if (given.has(out)) problems.push(`writes '${out}', which is already a graph input or initializer`);
      else if (earlier) problems.push(`writes '${out}', which ${describeNode(earlier)} already writes`);
      else firstWriter.set(out, node);
    }
    if (problems.length) breaks.push({ node, problem: problems.join('; ') });
  }
  for (const out of g.model.outputs) {
    if (!given.has(out.name) && !firstWriter.has(out.name)) breaks.push({ node: null, problem: `graph output '${out.name}' is provided by nothing` });
  }
  return breaks;
}

const SHOWN = 10;

export function checkGraphStructure(ctx: RuleContext): Finding[] {
  const { g } = ctx;
  if (g.model.nodes.length === 0) {
    return [
      {
        code: 'EMPTY_GRAPH',
        severity: 'warning',
        message:
          `The graph has no nodes: its ${plural(g.model.outputs.length, 'output')} ${g.model.outputs.length === 1 ? 'is' : 'are'} ` +
          'graph inputs or constants, so nothing is computed. That is what an export of a forward() that returns its input ' +
          'unchanged (or only constants) writes; check that the traced code path is the one you meant to export.',
        fix: 'export the module whose forward() computes the outputs (check with torch.onnx.export(..., verbose=True) that nodes are recorded)',
        details: { outputs: g.model.outputs.map((o) => o.name) },
      },
    ];
  }
  const breaks = graphBreaks(g);
  if (breaks.length === 0) return [];
  const lines = breaks.slice(0, SHOWN).map((b) => `${b.node ? describeNode(b.node) : 'the graph'} ${b.problem}`);
  const more = breaks.length > SHOWN ? `; and ${breaks.length - SHOWN} more` : '';
  const first = breaks.find((b) => b.node)?.node;
  return [
    {
      code: 'BROKEN_GRAPH',
      severity: 'error',
      message:
        `The graph is wired wrongly in ${plural(breaks.length, 'place')}, all listed here (onnxruntime and TensorRT's parser ` +
        `report only the first): ${lines.join('; ')}${more}. No runtime loads such a file. It was most likely edited or ` +
        'merged by a script (onnx-graphsurgeon, onnx.compose, a hand-written rename) rather than written by torch.onnx.export.',
      fix: 're-export the model from PyTorch, or fix the script that edited the graph so that every value is written once and every value read is written',
      ...(first ? { node: nodeRef(first) } : {}),
      details: { breaks: breaks.map((b) => ({ ...(b.node ? { node: nodeRef(b.node) } : {}), problem: b.problem })) },
    },
  ];
}
