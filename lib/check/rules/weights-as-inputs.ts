/**
 * WEIGHTS_AS_INPUTS: graph inputs without an initializer that are really parameters — what
 * torch.onnx.export(..., export_params=False) produces. onnxruntime then asks for every weight as a feed (the seed's
 * "Model requires 552 inputs. Input Feed contains 1") and TensorRT would build an engine without weights.
 */
import type { InputSummary } from '../../onnx/types';
import type { GraphIndex } from '../graph';
import { plural } from '../graph';
import type { Finding } from '../types';
import type { RuleContext } from './context';

/** Parameter names as nn.Module.state_dict() spells them, or as the exporter names anonymous ones (onnx::Conv_15). */
const PARAM_NAME = /(^|[._])(weight|bias|running_mean|running_var|num_batches_tracked|gamma|beta|moving_mean|moving_variance|kernel)$/i;
const EXPORTER_PARAM_NAME = /^onnx::[A-Za-z]+_\d+$/;

/** (op type -> input slots that hold parameters): being consumed there is strong evidence of a weight. */
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
  /** Why it looks like a parameter: 'name' and/or the consuming node and slot, e.g. 'Conv input 1'. */
  evidence: string[];
}

function fixedDims(input: InputSummary): number[] | null {
  if (!input.dims) return null;
  const out: number[] = [];
  for (const d of input.dims) {
    if (d.kind !== 'fixed') return null;
    out.push(d.value);
  }
  return out;
}

/**
 * Graph inputs (without initializer) that look like parameters. Parameters always have fixed dims, so inputs with a
 * symbolic or unknown dim are never counted. A MatMul's second operand alone is weak evidence (two-input models
 * multiply data), so it only counts when other inputs are parameters for stronger reasons.
 */
export function parameterLikeInputs(g: GraphIndex): ParameterInput[] {
  const strong: ParameterInput[] = [];
  const weak: ParameterInput[] = [];
  for (const input of g.model.inputs) {
    if (input.isInitializer) continue;
    const dims = fixedDims(input);
    if (!dims) continue;
    const evidence: string[] = [];
    if (PARAM_NAME.test(input.name) || EXPORTER_PARAM_NAME.test(input.name)) evidence.push('name');
    let weakUse = false;
    for (const { node, slot } of g.consumers.get(input.name) ?? []) {
      if (node.domain !== '') continue;
      if (PARAM_SLOTS[node.opType]?.includes(slot)) evidence.push(`${node.opType} input ${slot}`);
      else if (node.opType === 'MatMul' && slot === 1) weakUse = true;
    }
    if (evidence.length) strong.push({ name: input.name, dims, evidence: [...new Set(evidence)] });
    else if (weakUse) weak.push({ name: input.name, dims, evidence: ['MatMul input 1'] });
  }
  return strong.length ? [...strong, ...weak] : [];
}

const SHOWN = 5;

export function checkWeightsAsInputs(ctx: RuleContext): Finding[] {
  const params = parameterLikeInputs(ctx.g);
  if (params.length === 0) return [];
  const paramNames = new Set(params.map((p) => p.name));
  const dataInputs = ctx.g.model.inputs.filter((i) => !i.isInitializer && !paramNames.has(i.name)).map((i) => i.name);
  const total = ctx.g.model.inputs.filter((i) => !i.isInitializer).length;
  const shown = params.slice(0, SHOWN).map((p) => `${p.name} [${p.dims.join(', ')}]`);
  const more = params.length > SHOWN ? ` and ${params.length - SHOWN} more` : '';
  const fix = 'torch.onnx.export(model, args, f, export_params=True, ...) (export_params=True is the default)';
  return [
    {
      code: 'WEIGHTS_AS_INPUTS',
      severity: 'error',
      message:
        `${plural(params.length, 'graph input')} ${params.length === 1 ? 'is a parameter' : 'are parameters'}, not data: ` +
        `${shown.join(', ')}${more}. They have no initializer, so the model was exported with export_params=False ` +
        `and carries no weights: onnxruntime asks for all ${total} inputs as feeds ("Model requires ${total} inputs. ` +
        `Input Feed contains ${Math.max(dataInputs.length, 1)}") and TensorRT would build an engine without them. ` +
        `Re-export with ${fix}.`,
      fix,
      input: params[0].name,
      details: {
        count: params.length,
        parameters: params.slice(0, 20),
        dataInputs,
        totalInputs: total,
      },
    },
  ];
}
