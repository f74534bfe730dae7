/**
 * diagnose(): the rules over a ModelSummary. Static rules read the summary only; SHAPE_NOT_DYNAMIC also runs the
 * model (give it a session).
 */
import type { ModelSummary } from '../onnx/types';
import { indexGraph } from './graph';
import type { RuleContext, StaticRule } from './rules/context';
import { checkFixedDims } from './rules/fixed-dim';
import { checkResizeSemantics } from './rules/resize-semantics';
import { probeDynamicAxes, type ProbeOptions, type ProbeResult, type ProbeSession } from '../pipeline/probe-axes';
import { checkTrainingMode } from './rules/training-mode';
import { checkUnsupportedOps } from './rules/unsupported-op';
import { checkWeightsAsInputs } from './rules/weights-as-inputs';
import { checkWeightsMissing } from './rules/weights-missing';
import type { Finding, ShapeRequest } from './types';
import { sortFindings } from './types';

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
  /**
   * A session to probe declared dynamic axes with (SHAPE_NOT_DYNAMIC). Default none: the probe is skipped.
   * It is also skipped when a static error means the model cannot run as is (weights as inputs).
   */
  session?: ProbeSession;
  /** Options for the probe (baseline sizes, profile bounds, size cap). */
  probe?: ProbeOptions;
}

/** The static findings (no model run), errors first. */
export function diagnoseStatic(model: ModelSummary, options: Pick<DiagnoseOptions, 'requests'> = {}): Finding[] {
  const ctx: RuleContext = { g: indexGraph(model), requests: options.requests ?? [] };
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

export interface Diagnosis {
  findings: Finding[];
  /** The dynamic-axes probe, when one ran. */
  probe?: ProbeResult;
}

/** Static findings, plus SHAPE_NOT_DYNAMIC from probing when a session is given. */
export async function diagnose(model: ModelSummary, options: DiagnoseOptions = {}): Promise<Diagnosis> {
  const findings = diagnoseStatic(model, options);
  if (!options.session || blocksRun(findings)) return { findings };
  const probe = await probeDynamicAxes(model, options.session, options.probe);
  return { findings: sortFindings([...findings, ...probe.findings]), probe };
}
