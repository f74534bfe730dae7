/**
 * `explain`: error text in, findings out. A pasted traceback of torch.onnx.export (either exporter), an onnxruntime
 * message, a TensorRT build log: the answer uses check's finding codes and fixes, so a pitfall reads the same
 * whether check found it in the model or the user met it in a tool. Given the model too, onnxruntime's messages
 * are translated exactly as check translates them (naming the model's inputs, nodes and the dynamic_axes to pass).
 */
import { classifyOrtError } from '../diagnostics/ort-errors';
import { translateOrtError } from '../diagnostics/ort-translate';
import type { Finding } from '../diagnostics/findings';
import { dynamicExportCall, exporterOf, formatDims, pyDynamicAxes, pyDynamicShapes, pyStr } from '../diagnostics/graph';
import type { ModelSummary } from '../onnx/types';
import * as v from '../validate';
import { SEVERITY_RANK } from '../diagnostics/findings';
import type { Hit } from './rules';
import { PYTORCH_RULES, TENSORRT_RULES, exporterInText, lineAt, onnxruntimeHits } from './rules';
import type { ExplainNote, ExplainedFinding, Explanation } from './types';

export * from './types';
export { formatExplanation } from './format';

export interface ExplainOptions {
  /** The model the text is about: onnxruntime's messages are then translated with its inputs and nodes. */
  model?: ModelSummary;
}

/** Findings and notes for `text` (never throws; unrecognised text gives `recognized: false`). */
export function explain(text: string, options: ExplainOptions = {}): Explanation {
  v.string(text, 'text');
  const o = v.options<ExplainOptions>(options, 'options', v.optionNames<ExplainOptions>()({ model: true }));
  if (o.model !== undefined) v.object(o.model, 'options.model', 'a ModelSummary (from readModel)');
  const ctx = { text, exporter: exporterInText(text) };
  const hits: Hit[] = [...PYTORCH_RULES.flatMap((r) => r(ctx)), ...onnxruntimeHits(text), ...TENSORRT_RULES.flatMap((r) => r(ctx))];
  let findings = hits.flatMap((h) => ('finding' in h ? [h.finding] : []));
  // A traceback repeats its error: one note per message.
  const notes: ExplainNote[] = [...new Map(hits.flatMap((h) => ('note' in h ? [[h.note.message, h.note] as const] : []))).values()];
  if (options.model) {
    const exact = otherExport(options.model, text) ?? translateOrtError(options.model, text);
    if (exact) {
      const generic = findings.find((f) => f.source === 'onnxruntime' && f.code === exact.code);
      const evidence = generic?.evidence ?? lineAt(text, 0);
      findings = [{ ...exact, source: 'onnxruntime', evidence }, ...findings.filter((f) => f !== generic)];
    }
  }
  const merged = mergeByCode(findings);
  return { findings: merged, notes, recognized: merged.length + notes.length > 0 };
}

/**
 * A fixed-dim error about an axis the given model declares dynamic, or fixes at another size than the error's
 * "Expected": the model that failed is not this one (an older or static export of it). Said as such; calling the axis
 * fixed, and suggesting the dynamic_axes it already has, would be wrong.
 */
function otherExport(model: ModelSummary, text: string): Finding | undefined {
  const info = classifyOrtError(text);
  if (info.kind !== 'fixed-dim') return undefined;
  const input = model.inputs.find((i) => i.name === info.input);
  if (!input?.dims) return undefined;
  const dims = input.dims;
  const differing = info.dims.filter((d) => {
    const dim = dims[d.axis];
    return dim !== undefined && !(dim.kind === 'fixed' && dim.value === d.expected);
  });
  if (differing.length === 0) return undefined;
  const dynamic = differing.filter((d) => dims[d.axis].kind !== 'fixed');
  const here = (axis: number) => {
    const d = dims[axis];
    return d.kind === 'fixed' ? `is fixed at ${d.value}` : `is dynamic${d.kind === 'symbolic' ? ` (${pyStr(d.name)})` : ''}`;
  };
  const axes = differing.map((d) => `axis ${d.axis} of input '${input.name}' ${here(d.axis)}`).join('; ');
  const fed = info.dims.map((d) => `fed ${d.got} on axis ${d.axis} where it expected ${d.expected}`).join(', ');
  let fix = 'run the failing program with this model file, or give explain the model that failed (--model)';
  if (dynamic.length > 0) {
    const own = model.inputs
      .filter((i) => !i.isInitializer && i.dims?.some((d) => d.kind === 'symbolic'))
      .map((i) => ({ name: i.name, axes: i.dims!.flatMap((d, a) => (d.kind === 'symbolic' ? [{ axis: a, label: d.name }] : [])) }));
    const exporter = exporterOf(model);
    const dynamicArg = exporter === 'dynamo' ? `dynamic_shapes=${pyDynamicShapes(own)}` : `dynamic_axes=${pyDynamicAxes(own)}`;
    fix = `run the model given here (it accepts these sizes); or re-export the one that failed as this one was, with ${dynamicExportCall(exporter, dynamicArg)}`;
  }
  return {
    code: 'FIXED_DIM',
    severity: 'error',
    message:
      `onnxruntime was ${fed}: the model that ran fixes that axis. But in the model given here ${formatDims(dims)}, ${axes}, so the ` +
      `error came from another export of the model (${dynamic.length > 0 ? 'an older one, or one exported without dynamic_axes' : 'an older one, or one exported at other sizes'}): check which ` +
      `file the failing code loads.`,
    fix,
    input: input.name,
    axis: differing[0].axis,
    details: { conflicts: info.dims, dynamicInModel: dynamic.length > 0, modelDims: dims },

  };
}

/** One finding per code: the most severe, first seen (a traceback repeats its error; a warning precedes it). */
function mergeByCode(findings: readonly ExplainedFinding[]): ExplainedFinding[] {
  const byCode = new Map<string, ExplainedFinding>();
  for (const f of findings) {
    const seen = byCode.get(f.code);
    if (!seen || SEVERITY_RANK[f.severity] < SEVERITY_RANK[seen.severity]) byCode.set(f.code, f);
  }
  return [...byCode.values()].sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity]);
}
