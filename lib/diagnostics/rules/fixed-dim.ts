/**
 * FIXED_DIM: a requested or supplied shape conflicts with a dim the model fixes (the seed's onnxruntime error
 * "Got invalid dimensions for input: inputs … index: 2 Got: 3680 Expected: 960"). torch.onnx.export fixes every dim
 * that dynamic_axes does not name, and silently ignores dynamic_axes keys that are not in input_names — so the fix
 * names the model's actual inputs.
 *
 * Without requested shapes, a model whose data inputs are all fixed gets an `info` (it accepts one shape only), or an
 * `error` when its outputs carry user-named dynamic dims while no input does: the sign of a dynamic_axes key that
 * missed input_names. The export was meant to be dynamic and is not, so the check fails on it (in CI too).
 */
import type { InputSummary, ModelSummary, ValueSummary } from '../../onnx/types';
import type { Exporter, GraphIndex } from '../graph';
import { DYNAMO_EXAMPLE_SIZES, axisLabel, dynamicExportCall, exporterOf, findUpstream, formatDims, indexGraph, pyDynamicAxes, pyDynamicShapes, pyStr, shapeTag } from '../graph';
import type { Finding } from '../findings';
import type { RuleContext } from './context';
import { exportedWithoutParams } from './weights-as-inputs';

export interface DimConflict {
  axis: number;
  fixed: number;
  requested: number;
  /** Where the requested value came from (--shapes, --inputs file, profile bound, onnxruntime). */
  source: string;
  /** The runtime was fed it (onnxruntime's error), rather than asked for it (--shapes, a profile). */
  fed?: boolean;
}

/**
 * Symbolic names PyTorch or onnxruntime make up themselves (not from the user's dynamic_axes): onnxruntime's
 * 'unk__12'; the classic exporter's '<Op><output>_dim_<n>' for sizes it cannot infer ('Uniquevalues_dim_0',
 * 'FastGeluoutput_dim_1'); torch.export's 's0' (a size it derived) and 'u0' (a size the data decides: Unique,
 * NonZero, boolean masks).
 */
const AUTO_SYMBOL = /(^unk__\d+$)|(_dim_\d+$)|(^[su]\d+$)|(^Dynamic)|(^dim_?\d+$)/;

export function isUserSymbol(name: string): boolean {
  return !AUTO_SYMBOL.test(name);
}

/** Ops whose output size depends on the values, not only on the input shapes. */
const DATA_DEPENDENT_OPS = new Set(['NonZero', 'Unique', 'NonMaxSuppression', 'Compress', 'StringSplit', 'TfIdfVectorizer']);

/** Whether `value` is computed from a data-dependent op's output (its dims may then be sizes the data decides). */
export function dependsOnData(g: GraphIndex, value: string): boolean {
  return findUpstream(g, value, (_, node) => (node && node.domain === '' && DATA_DEPENDENT_OPS.has(node.opType) ? true : undefined)) ?? false;
}

/** Graph inputs that are data: not initializer-backed, not parameters left by export_params=False. */
export function dataInputs(g: GraphIndex): InputSummary[] {
  const params = new Set(exportedWithoutParams(g).map((p) => p.name));
  return g.model.inputs.filter((i) => !i.isInitializer && !params.has(i.name));
}

function isFullyFixed(v: ValueSummary): boolean {
  return !!v.dims && v.dims.every((d) => d.kind === 'fixed');
}

/** The label to use for `axis` of a rank-`rank` value: a user-given name found on an output at that axis, else a convention. */
function labelFor(model: ModelSummary, rank: number, axis: number): string {
  for (const out of model.outputs) {
    const d = out.dims?.[axis];
    if (out.dims?.length === rank && d?.kind === 'symbolic' && isUserSymbol(d.name)) return d.name;
  }
  return axisLabel(rank, axis);
}

/**
 * The `input_names=[...], output_names=[...], dynamic_axes={...}` to pass to torch.onnx.export so that `axes` of
 * `inputName` vary — keyed by the model's actual names. Other inputs keep the dynamic dims they already have; outputs
 * of the same rank get the same axes (image-to-image models), keeping names they already carry.
 */
export function suggestDynamicAxes(model: ModelSummary, data: readonly InputSummary[], inputName: string, axes: readonly number[]): string {
  const target = data.find((i) => i.name === inputName);
  const rank = target?.dims?.length ?? 0;
  const entries: { name: string; axes: { axis: number; label: string }[] }[] = [];
  for (const input of data) {
    if (input.name === inputName) {
      const wanted = [...new Set(axes)].sort((a, b) => a - b);
      const have = (input.dims ?? []).flatMap((d, axis) => (d.kind === 'symbolic' && !wanted.includes(axis) ? [axis] : []));
      const all = [...wanted, ...have].sort((a, b) => a - b);
      entries.push({
        name: input.name,
        axes: all.map((axis) => {
          const d = input.dims?.[axis];
          return { axis, label: d?.kind === 'symbolic' ? d.name : labelFor(model, rank, axis) };
        }),
      });
    } else {
      const sym = (input.dims ?? []).flatMap((d, axis) => (d.kind === 'symbolic' ? [{ axis, label: d.name }] : []));
      if (sym.length) entries.push({ name: input.name, axes: sym });
    }
  }
  const inputEntry = entries.find((e) => e.name === inputName);
  for (const out of model.outputs) {
    if (!inputEntry || out.dims?.length !== rank) continue;
    entries.push({
      name: out.name,
      axes: inputEntry.axes.map(({ axis, label }) => {
        const d = out.dims?.[axis];
        return { axis, label: d?.kind === 'symbolic' && isUserSymbol(d.name) ? d.name : label };
      }),
    });
  }
  if (exporterOf(model) === 'dynamo') {
    // dynamic_shapes covers the inputs only (output dims follow), keyed by forward()'s argument names — the names
    // dynamo gives the inputs unless input_names renamed them. Dim names must be Python identifiers.
    const inputs = entries
      .filter((e) => data.some((i) => i.name === e.name))
      .map((e) => ({ name: e.name, axes: e.axes.map((a) => ({ axis: a.axis, label: /^[A-Za-z_]\w*$/.test(a.label) ? a.label : axisLabel(rank, a.axis) })) }));
    return `dynamic_shapes=${pyDynamicShapes(inputs)}`;
  }
  const inputNames = `[${data.map((i) => pyStr(i.name)).join(', ')}]`;
  const outputNames = `[${model.outputs.map((o) => pyStr(o.name)).join(', ')}]`;
  return `input_names=${inputNames}, output_names=${outputNames}, dynamic_axes=${pyDynamicAxes(entries)}`;
}

/** How an exporter fixes dims, for messages: which argument makes an axis dynamic, and what it silently ignores. */
function dynamicArgText(exporter: Exporter): { fixesEvery: string; keyedBy: (name: string) => string; note: string } {
  if (exporter === 'dynamo') {
    return {
      fixesEvery:
        'torch.onnx.export(..., dynamo=True) fixes every dim that dynamic_shapes does not declare with a ' +
        'torch.export.Dim (dynamic_axes is the classic exporter\'s argument; dynamo only converts it, and may refuse it)',
      keyedBy: (name) => `keyed by forward()'s argument name, which the input '${name}' carries`,
      note: ` ${DYNAMO_EXAMPLE_SIZES.text}`,
    };
  }
  return {
    fixesEvery:
      'torch.onnx.export fixes every dim not named in dynamic_axes (and silently ignores dynamic_axes keys that are ' +
      'not in input_names)',
    keyedBy: (name) => `keyed by the input's actual name '${name}'`,
    note: '',
  };
}

/**
 * Outputs with user-named dynamic dims when `input` is fully fixed: dynamic_axes was given, but not under its name.
 * Sizes the data decides (Unique, NonZero, NMS counts) are no such sign, whatever the exporter named them.
 */
function misnamedEvidence(g: GraphIndex, input: InputSummary): ValueSummary[] {
  if (!isFullyFixed(input) || exporterOf(g.model) === 'dynamo') return [];
  return g.model.outputs.filter(
    (o) => o.dims?.some((d) => d.kind === 'symbolic' && isUserSymbol(d.name)) && !dependsOnData(g, o.name),
  );
}

/** Axes worth making dynamic by default for a value of this rank: batch, and the spatial/sequence axes. */
function defaultDynamicAxes(rank: number): number[] {
  if (rank >= 4) return [0, ...Array.from({ length: rank - 2 }, (_, i) => i + 2)];
  if (rank === 3) return [0, 1];
  return rank > 0 ? [0] : [];
}

/** The FIXED_DIM finding for conflicts on one input; also used to translate onnxruntime's "invalid dimensions". */
export function fixedDimFinding(g: GraphIndex, input: InputSummary, conflicts: readonly DimConflict[]): Finding {
  const data = dataInputs(g);
  const rank = input.dims?.length ?? 0;
  const axes = [...new Set(conflicts.map((c) => c.axis))].sort((a, b) => a - b);
  const parts = conflicts.map((c) => (c.fed ? `axis ${c.axis} is fixed at ${c.fixed} but was fed ${c.requested} (${c.source})` : `axis ${c.axis} is fixed at ${c.fixed} but ${c.source} asks for ${c.requested}`));
  const sources = [...new Set(conflicts.map((c) => c.source))];
  // Axis 1 of an NCHW/NCDHW input is the channel count, set by the first layer's weights: making it dynamic would
  // not help (the Conv still needs its in_channels), so such a conflict is a wrong input, not an export problem.
  const channel = rank === 4 || rank === 5 ? conflicts.find((c) => c.axis === 1) : undefined;
  const channelText = channel
    ? ` Axis 1 is the channel count: the model takes ${channel.fixed}, which its first layer's weights usually fix ` +
      `(nn.Conv2d(in_channels=${channel.fixed})) and dynamic_axes cannot change: feed ${channel.fixed}-channel inputs ` +
      `(e.g. convert between RGB and grayscale).`
    : '';
  const exportAxes = axes.filter((a) => !channel || a !== 1);
  if (exportAxes.length === 0) {
    const fix = `feed inputs with ${channel!.fixed} channel(s) on axis 1 of '${input.name}' (the model's in_channels)`;
    return {
      code: 'FIXED_DIM',
      severity: 'error',
      message:
        `Input '${input.name}' has fixed dims ${formatDims(input.dims)}: ${[...new Set(parts)].join('; ')}, so onnxruntime ` +
        `rejects the shape ("Got invalid dimensions for input: ${input.name}") and a TensorRT profile cannot include it.${channelText}`,
      fix,
      input: input.name,
      axis: axes[0],
      details: { conflicts, modelDims: input.dims, sources },
    };
  }
  // Batch usually has to vary too when h/w do; suggest it unless already dynamic.
  const suggestAxes = rank >= 2 && !exportAxes.includes(0) && input.dims?.[0]?.kind === 'fixed' ? [0, ...exportAxes] : exportAxes;
  const suggestion = suggestDynamicAxes(g.model, data, input.name, suggestAxes);
  const exporter = exporterOf(g.model);
  const fix = dynamicExportCall(exporter, suggestion);
  const args = dynamicArgText(exporter);
  const dynOutputs = misnamedEvidence(g, input);
  const misnamed = dynOutputs.length
    ? ` The outputs do declare dynamic dims (${dynOutputs.map((o) => `'${o.name}' ${formatDims(o.dims)}`).join(', ')}) while '${input.name}' has none: the dynamic_axes key meant for this input does not match input_names and was ignored.`
    : '';
  return {
    code: 'FIXED_DIM',
    severity: 'error',
    message:
      `Input '${input.name}' has fixed dims ${formatDims(input.dims)}: ${[...new Set(parts)].join('; ')}. ` +
      `${args.fixesEvery}, so onnxruntime rejects the shape ("Got invalid dimensions for input: ${input.name}") and a ` +
      `TensorRT profile cannot include it.${misnamed} Re-export with ${suggestion} — ${args.keyedBy(input.name)} — ` +
      `or feed the shape the model was exported with.${args.note}${channelText}`,
    fix,
    input: input.name,
    axis: axes[0],
    details: { conflicts, modelDims: input.dims, sources, dynamicAxes: suggestion },
  };
}

/** Conflicts of one requested shape with one input's fixed dims (rank mismatches are the caller's usage error). */
export function dimConflicts(input: InputSummary, requested: readonly number[], source: string): DimConflict[] {
  if (!input.dims || input.dims.length !== requested.length) return [];
  const out: DimConflict[] = [];
  input.dims.forEach((d, axis) => {
    if (d.kind === 'fixed' && d.value !== requested[axis]) out.push({ axis, fixed: d.value, requested: requested[axis], source });
  });
  return out;
}

export function checkFixedDims(ctx: RuleContext): Finding[] {
  const { g, requests } = ctx;
  const data = dataInputs(g);
  const findings: Finding[] = [];
  for (const input of data) {
    const conflicts: DimConflict[] = [];
    for (const req of requests) {
      const shape = req.shapes[input.name];
      if (shape) conflicts.push(...dimConflicts(input, shape, `${req.source} (${shapeTag(shape)})`));
    }
    if (conflicts.length) findings.push(fixedDimFinding(g, input, conflicts));
  }
  if (findings.length || data.length === 0 || !data.every(isFullyFixed)) return findings;

  // Every data input is static and nothing asked for another shape. Scalars have no axis to make dynamic: name
  // the first input that has one, and say nothing when none has (the fix would be an empty dynamic_axes).
  const first = data.find((i) => (i.dims?.length ?? 0) > 0);
  if (!first) return findings;
  const dynamicOutputs = misnamedEvidence(g, first);
  const suggestion = suggestDynamicAxes(g.model, data, first.name, defaultDynamicAxes(first.dims?.length ?? 0));
  const fix = dynamicExportCall(exporterOf(g.model), suggestion);
  const fixedList = data.map((i) => `'${i.name}' ${formatDims(i.dims)}`).join(', ');
  if (dynamicOutputs.length) {
    const outList = dynamicOutputs.map((o) => `'${o.name}' ${formatDims(o.dims)}`).join(', ');
    findings.push({
      code: 'FIXED_DIM',
      severity: 'error',
      message:
        `Every input is fixed (${fixedList}) while outputs declare dynamic dims (${outList}): dynamic_axes was passed, ` +
        `but its keys for the inputs do not match input_names, and torch.onnx.export silently ignores such keys. ` +
        `The model accepts only these input shapes. Re-export with ${suggestion} — keyed by the actual input name ` +
        `'${first.name}'.`,
      fix,
      input: first.name,
      details: { inputs: data.map((i) => ({ name: i.name, dims: i.dims })), dynamicOutputs: dynamicOutputs.map((o) => o.name) },
    });
  } else {
    findings.push({
      code: 'FIXED_DIM',
      severity: 'info',
      message:
        `Every input is fixed (${fixedList}): the model, and any TensorRT engine built from it, accepts only these ` +
        `shapes. If other sizes are needed, re-export with ${suggestion}.`,
      fix,
      input: first.name,
      details: { inputs: data.map((i) => ({ name: i.name, dims: i.dims })) },
    });
  }
  return findings;
}

/** Convenience for callers holding only a model (e.g. to translate an onnxruntime error). */
export function fixedDimFindingFor(model: ModelSummary, inputName: string, conflicts: readonly DimConflict[]): Finding | undefined {
  const g = indexGraph(model);
  const input = model.inputs.find((i) => i.name === inputName);
  return input ? fixedDimFinding(g, input, conflicts) : undefined;
}
