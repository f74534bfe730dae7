/**
 * The static rules over a ModelSummary: each reads the summary only (no run). SHAPE_NOT_DYNAMIC, which runs the
 * model, is lib/pipeline/probe-axes.ts's diagnose().
 */
import * as v from '../validate';
import type { ModelSummary } from '../onnx/types';
import { indexGraph } from './graph';
import type { RuleContext, StaticRule } from './rules/context';
import { checkFixedDims } from './rules/fixed-dim';
import { checkResizeSemantics } from './rules/resize-semantics';
import { checkTrainingMode } from './rules/training-mode';
import { checkUnsupportedOps } from './rules/unsupported-op';
import { checkWeightsAsInputs } from './rules/weights-as-inputs';
import { checkWeightsMissing } from './rules/weights-missing';
import type { Finding, ShapeRequest } from './findings';
import { sortFindings } from './findings';

/** The static rules, in report order. */
export const STATIC_RULES: readonly StaticRule[] = [
  checkWeightsAsInputs,
  checkWeightsMissing,
  checkFixedDims,
  checkUnsupportedOps,
  checkResizeSemantics,
  checkTrainingMode,
];

export interface DiagnoseOptions {
  /** Shapes asked for (--shapes, --inputs dims, profile bounds), checked against the model's fixed dims. Default none. */
  requests?: readonly ShapeRequest[];
}

/** The static findings (no model run), errors first. */
export function diagnoseStatic(model: ModelSummary, options: DiagnoseOptions = {}): Finding[] {
  const o = v.options<DiagnoseOptions>(options, 'options', v.optionNames<DiagnoseOptions>()({ requests: true }));
  const ctx: RuleContext = { g: indexGraph(model), requests: o.requests ?? [] };
  return sortFindings(STATIC_RULES.flatMap((rule) => rule(ctx)));
}

/**
 * Whether the static findings say the model cannot be run with data inputs alone: its weights are inputs the caller
 * did not supply (WEIGHTS_AS_INPUTS as an error; supplied, it is a warning and the model runs). Custom ops do not
 * block: onnxruntime implements some domains TensorRT does not (com.microsoft), so it is asked. WEIGHTS_MISSING does
 * not either: onnxruntime's own refusal is then shown next to the finding.
 */
export function blocksRun(findings: readonly Finding[]): boolean {
  return findings.some((f) => f.severity === 'error' && f.code === 'WEIGHTS_AS_INPUTS');
}
