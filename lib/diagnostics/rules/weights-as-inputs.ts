/**
 * WEIGHTS_AS_INPUTS: graph inputs that are really parameters — what torch.onnx.export(..., export_params=False)
 * produces with the classic exporter. onnxruntime then asks for every weight as a feed (the seed's "Model requires
 * 552 inputs. Input Feed contains 1") and TensorRT would build an engine that takes its weights as inputs.
 *
 * The evidence is weighed the way someone who knows the exporter would: export_params=False leaves the model with no
 * initializers at all, and names the inputs it makes of the parameters after the state_dict ('conv1.weight',
 * 'layer1.0.bn1.running_mean', 'fc.bias', or 'weight'/'bias' for a bare module), or 'onnx::Conv_15' for anonymous
 * ones. A model that carries initializers was exported with its weights; an input merely used in a weight slot
 * (ONNX's conformance models take Conv's W as an input) or called 'weight' (NLLLoss's class weights) is data.
 * Only the signature is reported: as an error when the parameters are not supplied (the model cannot run as is), as
 * a warning when the caller supplies them (check then runs it with them).
 */
import type { InputSummary } from '../../onnx/types';
import type { GraphIndex } from '../graph';
import { plural } from '../../util/text';
import { exportCall, exporterOf } from '../graph';
import type { Finding, ShapeRequest } from '../findings';
import type { RuleContext } from './context';

/** The last segment of a state_dict key of a parameter or buffer. */
const PARAM_LEAF = /^(weight|bias|running_mean|running_var|num_batches_tracked|in_proj_weight|in_proj_bias|weight_ih_l\d+|weight_hh_l\d+|bias_ih_l\d+|bias_hh_l\d+)$/;
/** A dotted state_dict path: 'conv1.weight', 'layer1.0.bn1.running_mean', 'encoder.layers.3.self_attn.in_proj_bias'. */
const STATE_DICT_PATH = /^[A-Za-z_]\w*(\.\w+)*\.(\w+)$/;
/** The classic exporter's names for parameters it renamed: 'onnx::Conv_15'. */
const EXPORTER_PARAM_NAME = /^onnx::[A-Za-z]+_\d+$/;

/** (op type -> input slots that hold parameters). */
const PARAM_SLOTS: Readonly<Record<string, readonly number[]>> = {
  Conv: [1, 2],
  ConvTranspose: [1, 2],
  Gemm: [1, 2],
  BatchNormalization: [1, 2, 3, 4],
  InstanceNormalization: [1, 2],
  LayerNormalization: [1, 2],
  GroupNormalization: [1, 2],
  PRelu: [1],
  LSTM: [1, 2, 3],
  GRU: [1, 2, 3],
  RNN: [1, 2, 3],
};

export interface ParameterInput {
  name: string;
  dims: number[];
  /** Why it looks like a parameter: 'state_dict name', 'exporter name', 'parameter name', 'Conv input 1'... */
  evidence: string[];
  /**
   * 'strong': named like a state_dict entry with its module path, or by the exporter, or a bare parameter name used
   * in a parameter slot. 'weak': only a bare parameter name, or only a parameter slot.
   */
  strength: 'strong' | 'weak';
}

export function fixedDims(input: InputSummary): number[] | null {
  if (!input.dims) return null;
  const out: number[] = [];
  for (const d of input.dims) {
    if (d.kind !== 'fixed') return null;
    out.push(d.value);
  }
  return out;
}

/** A name export_params=False gives a parameter: a state_dict key ('conv1.weight', 'bias') or 'onnx::Conv_15'. */
export function looksLikeParameterName(name: string): boolean {
  const path = STATE_DICT_PATH.exec(name);
  return (!!path && PARAM_LEAF.test(path[2])) || EXPORTER_PARAM_NAME.test(name) || PARAM_LEAF.test(name);
}

/** Every graph input (without initializer) with some sign of being a parameter, strong or weak. */
export function parameterLikeInputs(g: GraphIndex): ParameterInput[] {
  const found: ParameterInput[] = [];
  for (const input of g.model.inputs) {
    if (input.isInitializer) continue;
    // Parameters have fixed dims: an input with a symbolic or unknown dim is data.
    const dims = fixedDims(input);
    if (!dims) continue;
    const evidence: string[] = [];
    const path = STATE_DICT_PATH.exec(input.name);
    if (path && PARAM_LEAF.test(path[2])) evidence.push('state_dict name');
    else if (EXPORTER_PARAM_NAME.test(input.name)) evidence.push('exporter name');
    else if (PARAM_LEAF.test(input.name)) evidence.push('parameter name');
    for (const { node, slot } of g.consumers.get(input.name) ?? []) {
      if (node.domain === '' && PARAM_SLOTS[node.opType]?.includes(slot)) evidence.push(`${node.opType} input ${slot}`);
    }
    if (evidence.length === 0) continue;
    const named = evidence[0] === 'state_dict name' || evidence[0] === 'exporter name';
    const strong = named || (evidence[0] === 'parameter name' && evidence.length > 1);
    found.push({ name: input.name, dims, evidence: [...new Set(evidence)], strength: strong ? 'strong' : 'weak' });
  }
  return found;
}

/**
 * The parameters export_params=False left as inputs, or [] when the model does not have that signature: it carries
 * no initializer at all, and some input is a parameter by strong evidence. Then every parameter-like input is one.
 */
export function exportedWithoutParams(g: GraphIndex): ParameterInput[] {
  if (g.model.initializers.count > 0) return [];
  const candidates = parameterLikeInputs(g);
  return candidates.some((p) => p.strength === 'strong') ? candidates : [];
}

/** Names every request supplies a shape for (the arrays of --inputs files); empty when nothing was asked. */
export function suppliedInputs(requests: readonly ShapeRequest[]): Set<string> {
  if (requests.length === 0) return new Set();
  const [first, ...rest] = requests.map((r) => new Set(Object.keys(r.shapes)));
  return new Set([...first].filter((n) => rest.every((s) => s.has(n))));
}

const SHOWN = 5;

/** The finding for `params`; `supplied` when the caller feeds them all (a warning: the model ran with them). */
export function weightsAsInputsFinding(g: GraphIndex, params: readonly ParameterInput[], supplied = false): Finding {
  const paramNames = new Set(params.map((p) => p.name));
  const dataInputs = g.model.inputs.filter((i) => !i.isInitializer && !paramNames.has(i.name)).map((i) => i.name);
  const total = g.model.inputs.filter((i) => !i.isInitializer).length;
  const shown = params.slice(0, SHOWN).map((p) => `${p.name} [${p.dims.join(', ')}]`);
  const more = params.length > SHOWN ? ` and ${params.length - SHOWN} more` : '';
  const fix = `${exportCall(exporterOf(g.model), 'export_params=True, ...')} (export_params=True is the default)`;
  const are = params.length === 1 ? 'is' : 'are';
  const head =
    `${plural(params.length, 'graph input')} ${are} named and used like parameters, not data: ${shown.join(', ')}${more}, ` +
    `and the model carries no initializer at all: the signature of torch.onnx.export(..., export_params=False), which ` +
    `leaves the weights out and makes them inputs.`;
  const consequence = supplied
    ? ` You supplied ${params.length === 1 ? 'it' : 'them'} in the inputs, so check ran the model with ${params.length === 1 ? 'it' : 'them'}; ` +
      `if they are the trained weights, the model file itself has none, and a TensorRT engine built from it would take ` +
      `its weights as inputs at every run.`
    : ` onnxruntime asks for all ${total} inputs as feeds ("Model requires ${total} inputs. Input Feed contains ` +
      `${Math.max(dataInputs.length, 1)}") and TensorRT would build an engine without weights.`;
  return {
    code: 'WEIGHTS_AS_INPUTS',
    severity: supplied ? 'warning' : 'error',
    message: `${head}${consequence} Re-export with ${fix}.`,
    fix,
    input: params[0].name,
    details: {
      count: params.length,
      parameters: params.slice(0, 20),
      dataInputs,
      totalInputs: total,
      supplied,
    },
  };
}

export function checkWeightsAsInputs(ctx: RuleContext): Finding[] {
  const params = exportedWithoutParams(ctx.g);
  if (params.length === 0) return [];
  const supplied = suppliedInputs(ctx.requests);
  return [weightsAsInputsFinding(ctx.g, params, params.every((p) => supplied.has(p.name)))];
}
