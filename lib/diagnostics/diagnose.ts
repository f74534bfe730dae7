/**
 * The static rules over a ModelSummary: each reads the summary only (no run). SHAPE_NOT_DYNAMIC, which runs the
 * model, is lib/pipeline/probe-axes.ts's diagnose().
 */
import * as v from '../validate';
import type { ModelSummary } from '../onnx/types';
import { indexGraph } from './graph';
import type { RuleContext, StaticRule } from './rules/context';
import { checkDataDependentShapes } from './rules/data-dependent-shape';
import { checkFixedDims } from './rules/fixed-dim';
import { checkGraphStructure } from './rules/graph-structure';
import { checkOpset } from './rules/opset';
import { checkResizeSemantics } from './rules/resize-semantics';
import { checkTrainingMode } from './rules/training-mode';
import { checkUnsupportedOps } from './rules/unsupported-op';
import { checkWeightsAsInputs } from './rules/weights-as-inputs';
import { checkWeightsMissing } from './rules/weights-missing';
import type { Finding, ShapeRequest } from './findings';
import { sortFindings } from './findings';

/** The static rules, in report order. */
export const STATIC_RULES: readonly StaticRule[] = [
  checkGraphStructure,
  checkWeightsAsInputs,
  checkWeightsMissing,
  checkFixedDims,
  checkUnsupportedOps,
  checkOpset,
  checkDataDependentShapes,
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
 * The static finding that says the model cannot be run as it is, or undefined: its weights are inputs the caller did
 * not supply (WEIGHTS_AS_INPUTS as an error; supplied, it is a warning and the model runs), its weights were stripped
 * (a run would compute with empty tensors), or its wiring is broken (no runtime loads it). Custom ops do not block:
 * onnxruntime implements some domains TensorRT does not (com.microsoft), so it is asked. Left-out weights
 * (WEIGHTS_MISSING of a dynamo export) do not either: onnxruntime's own refusal is then shown next to the finding.
 */
export function blockingFinding(findings: readonly Finding[]): Finding | undefined {
  return findings.find(
    (f) => f.severity === 'error' && (f.code === 'WEIGHTS_AS_INPUTS' || f.code === 'BROKEN_GRAPH' || (f.code === 'WEIGHTS_MISSING' && f.details?.stripped !== undefined)),
  );
}

/** Whether a static finding says the model cannot be run as it is (blockingFinding). */
export function blocksRun(findings: readonly Finding[]): boolean {
  return blockingFinding(findings) !== undefined;
}

/** Why a run was not made, in the words of the finding that blocked it. */
export function blockedMessage(f: Finding): string {
  const why =
    f.code === 'WEIGHTS_AS_INPUTS' ? 'the model needs its weights as inputs' : f.code === 'BROKEN_GRAPH' ? 'the graph is wired so that no runtime loads it' : 'the model holds no data for its weights';
  return `not run: ${why} (see ${f.code})`;
}
