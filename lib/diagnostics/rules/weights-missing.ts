/**
 * WEIGHTS_MISSING: nodes read values that nothing in the model provides — neither a graph input, nor an
 * initializer, nor a node's output. torch.onnx.export(..., dynamo=True, export_params=False) writes such models: it
 * drops the initializers but, unlike the classic exporter, does not make them inputs, so the nodes still name
 * 'conv_in.weight'. onnxruntime refuses the file ("Node input 'conv_in.weight' is not a graph input, initializer, or
 * output of a previous node") and so does TensorRT's parser; no feed can fix it.
 */
import type { NodeSummary } from '../../onnx/types';
import type { GraphIndex } from '../graph';
import { plural } from '../../util/text';
import { describeNode, exportCall, exporterOf, nodeRef } from '../graph';
import type { Finding } from '../findings';
import type { RuleContext } from './context';

export interface DanglingValue {
  name: string;
  /** The first node that reads it. */
  node: NodeSummary;
}

/**
 * Values the main graph's nodes read that no graph input, initializer or node provides. (Subgraph bodies may read
 * their parent's values, so only main-graph nodes are checked.)
 */
export function danglingValues(g: GraphIndex): DanglingValue[] {
  const provided = new Set<string>([...g.model.inputs.map((i) => i.name), ...g.initializerNames, ...g.producer.keys()]);
  const out = new Map<string, DanglingValue>();
  for (const node of g.model.nodes) {
    for (const name of node.inputs) {
      if (name && !provided.has(name) && !out.has(name)) out.set(name, { name, node });
    }
  }
  return [...out.values()];
}

const SHOWN = 5;

export function checkWeightsMissing(ctx: RuleContext): Finding[] {
  const dangling = danglingValues(ctx.g);
  if (dangling.length === 0) return [];
  const exporter = exporterOf(ctx.g.model);
  // Only dynamo=True writes such files; a classic export would have made the weights inputs instead.
  const fix =
    `${exportCall('dynamo', 'export_params=True')} (the default), or, when saving an ONNXProgram yourself, ` +
    'onnx_program.save(f, include_initializers=True)';
  const names = dangling.slice(0, SHOWN).map((d) => `'${d.name}'`).join(', ');
  const more = dangling.length > SHOWN ? ` and ${dangling.length - SHOWN} more` : '';
  const first = dangling[0];
  return [
    {
      code: 'WEIGHTS_MISSING',
      severity: 'error',
      message:
        `${plural(dangling.length, 'value')} read by the model's nodes ${dangling.length === 1 ? 'is' : 'are'} provided by ` +
        `nothing in it (no graph input, initializer or node output): ${names}${more}, first read by ${describeNode(first.node)}. ` +
        `That is what torch.onnx.export(..., dynamo=True, export_params=False) writes: the weights are left out and, unlike ` +
        `with the classic exporter, not made inputs, so onnxruntime rejects the file ("Node input '${first.name}' is not a ` +
        `graph input, initializer, or output of a previous node"), TensorRT's parser cannot import it, and no feed can ` +
        `fix it. Re-export with ${fix}.`,
      fix,
      node: nodeRef(first.node),
      details: { count: dangling.length, values: dangling.slice(0, 20).map((d) => d.name), exporter },
    },
  ];
}
