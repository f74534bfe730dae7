/**
 * WEIGHTS_MISSING: the model's weights are not in it.
 * - Left out: nodes read weights that nothing in the model provides — neither a graph input, nor an initializer,
 *   nor a node's output. torch.onnx.export(..., dynamo=True, export_params=False) writes such models: it drops the
 *   initializers but, unlike the classic exporter, does not make them inputs, so the nodes still name
 *   'conv_in.weight'. onnxruntime refuses the file ("Node input 'conv_in.weight' is not a graph input, initializer,
 *   or output of a previous node") and so does TensorRT's parser; no feed can fix it. (Values that are not weights
 *   and that nothing provides are a broken graph: graph-structure.ts.)
 * - Stripped: initializers with dims but no data, as `polygraphy surgeon weight-strip` leaves them (it clears
 *   raw_data and marks each doc_string "TRT_WEIGHTLESS"): the model is for building a weight-stripped engine that is
 *   refitted later, not for running. onnxruntime reads the empty tensors as corrupt.
 */
import type { NodeSummary, TensorSummary } from '../../onnx/types';
import { elementCount } from '../../tensor/types';
import type { GraphIndex } from '../graph';
import { plural } from '../../util/text';
import { describeNode, exportCall, exporterOf, nodeRef } from '../graph';
import type { Finding } from '../findings';
import type { RuleContext } from './context';
import { looksLikeParameterName } from './weights-as-inputs';

export interface DanglingValue {
  name: string;
  /** The first node that reads it. */
  node: NodeSummary;
}

/**
 * Values the main graph's nodes read that no graph input, initializer or node provides, each with its first reader
 * (every reader with `allReaders`). Subgraph bodies may read their parent's values, so only main-graph nodes count.
 */
export function danglingValues(g: GraphIndex, options: { allReaders?: boolean } = {}): DanglingValue[] {
  const provided = new Set<string>([...g.model.inputs.map((i) => i.name), ...g.initializerNames, ...g.producer.keys()]);
  const out: DanglingValue[] = [];
  const seen = new Set<string>();
  for (const node of g.model.nodes) {
    for (const name of node.inputs) {
      if (!name || provided.has(name) || (!options.allReaders && seen.has(name))) continue;
      seen.add(name);
      out.push({ name, node });
    }
  }
  return out;
}

/** A dotted module path, as the dynamo exporter names weights and buffers ('layers.0.norm.weight'). */
const MODULE_PATH = /^[A-Za-z_]\w*(\.\w+)+$/;

/**
 * The values nothing provides that are weights the export left out (not wiring mistakes): parameter-like names,
 * and, in a dynamo export that left out parameters, every other dangling initializer too (its constants, 'val_0').
 */
export function leftOutWeights(g: GraphIndex, dangling: readonly DanglingValue[] = danglingValues(g)): Set<string> {
  const dynamo = exporterOf(g.model) === 'dynamo';
  const named = dangling.filter((d) => looksLikeParameterName(d.name) || (dynamo && MODULE_PATH.test(d.name)));
  return new Set((dynamo && named.length ? dangling : named).map((d) => d.name));
}

/** Initializers that should hold data and hold none (weight-stripped, or emptied by a tool). */
export function strippedInitializers(g: GraphIndex): TensorSummary[] {
  return g.model.initializers.list.filter((t) => !t.sparse && t.dataLocation === 'internal' && t.byteLength === 0 && elementCount(t.dims) > 0);
}

const SHOWN = 5;

export function checkWeightsMissing(ctx: RuleContext): Finding[] {
  const findings = strippedWeightsFindings(ctx.g);
  const all = danglingValues(ctx.g);
  const weights = leftOutWeights(ctx.g, all);
  const dangling = all.filter((d) => weights.has(d.name));
  if (dangling.length === 0) return findings;
  const exporter = exporterOf(ctx.g.model);
  // Only dynamo=True writes such files; a classic export would have made the weights inputs instead.
  const fix =
    `${exportCall('dynamo', 'export_params=True')} (the default), or, when saving an ONNXProgram yourself, ` +
    'onnx_program.save(f, include_initializers=True)';
  const names = dangling.slice(0, SHOWN).map((d) => `'${d.name}'`).join(', ');
  const more = dangling.length > SHOWN ? ` and ${dangling.length - SHOWN} more` : '';
  const first = dangling[0];
  return [
    ...findings,
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

function strippedWeightsFindings(g: GraphIndex): Finding[] {
  const stripped = strippedInitializers(g);
  if (stripped.length === 0) return [];
  const names = stripped.slice(0, SHOWN).map((t) => `'${t.name}'`).join(', ');
  const more = stripped.length > SHOWN ? ` and ${stripped.length - SHOWN} more` : '';
  const fix =
    'run the original model (before weight stripping), or restore the weights with `polygraphy surgeon weight-reconstruct`; ' +
    'to deploy without weights, build a weight-stripped engine (BuilderFlag kSTRIP_PLAN, trtexec --stripWeights) and refit it ' +
    'from the original ONNX (IRefitter + OnnxParserRefitter) before running';
  return [
    {
      code: 'WEIGHTS_MISSING',
      severity: 'error',
      message:
        `${plural(stripped.length, 'initializer')} ${stripped.length === 1 ? 'has' : 'have'} dims but no data: ${names}${more}. ` +
        'This is a weight-stripped model (`polygraphy surgeon weight-strip` clears the data and marks each initializer ' +
        '"TRT_WEIGHTLESS"): it is meant for building an engine that is refitted later, not for running, so onnxruntime ' +
        `cannot run it and its outputs would be meaningless. Way out: ${fix}.`,
      fix,
      details: { stripped: stripped.length, initializers: stripped.slice(0, 20).map((t) => t.name) },
    },
  ];
}
