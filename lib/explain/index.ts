/**
 * `explain`: error text in, findings out. A pasted traceback of torch.onnx.export (either exporter), an onnxruntime
 * message, a TensorRT build log: the answer uses check's finding codes and fixes, so a pitfall reads the same
 * whether check found it in the model or the user met it in a tool. Given the model too, onnxruntime's messages
 * are translated exactly as check translates them (naming the model's inputs, nodes and the dynamic_axes to pass).
 */
import { translateOrtError } from '../diagnostics/ort-translate';
import { classifyOrtError } from '../diagnostics/ort-errors';
import { formatDims } from '../diagnostics/graph';
import { forTerminal, quoted } from '../util/terminal';
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
  const other = options.model ? anotherExport(options.model, text) : undefined;
  if (other) notes.push(other);
  else if (options.model) {
    const exact = translateOrtError(options.model, text);
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
 * onnxruntime's "invalid dimensions" about another export than the model given: the model leaves the axis dynamic,
 * or fixes it at another size than the error's "Expected". Translating the error with this model would call a
 * dynamic axis fixed (and suggest the dynamic_axes it already has); the note says the error came from another file.
 */
function anotherExport(model: ModelSummary, text: string): ExplainNote | undefined {
  const info = classifyOrtError(text);
  if (info.kind !== 'fixed-dim') return undefined;
  const input = model.inputs.find((i) => i.name === info.input);
  if (!input?.dims) return undefined;
  const differing = info.dims.filter((d) => {
    const dim = input.dims![d.axis];
    return dim !== undefined && !(dim.kind === 'fixed' && dim.value === d.expected);
  });
  if (differing.length === 0) return undefined;
  const what = differing
    .map((d) => {
      const dim = input.dims![d.axis];
      const here = dim.kind === 'fixed' ? `fixes it at ${dim.value}` : `leaves it dynamic${dim.kind === 'symbolic' ? ` ('${forTerminal(dim.name)}')` : ''}`;
      return `axis ${d.axis}: the failing model expected ${d.expected} (it was fed ${d.got}), this one ${here}`;
    })
    .join('; ');
  return {
    source: 'onnxruntime',
    evidence: lineAt(text, Math.max(0, text.indexOf('Got invalid dimensions'))),
    message:
      `The model given is not the one that failed: its input ${quoted(input.name)} is ${formatDims(input.dims)} (${what}). The error came from ` +
      'another export of the model (an older file?).',
    fix: 'run the failing program with this model file, or give explain the model that failed (--model)',
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
