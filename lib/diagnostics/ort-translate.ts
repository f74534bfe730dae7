/**
 * onnxruntime-node's own errors for the pitfalls lib/check diagnoses, turned into the same findings (the user sees
 * FIXED_DIM with the dynamic_axes to pass, not "Got invalid dimensions for input ... index: 2"). Recognising the
 * text is lib/diagnostics/ort-errors.ts's job; this maps what it recognised to findings.
 */
import type { ModelSummary } from '../onnx/types';
import { classifyOrtError } from './ort-errors';
import { indexGraph } from './graph';
import { fixedDimFindingFor } from './rules/fixed-dim';
import { checkGraphStructure } from './rules/graph-structure';
import { defaultFailureClassifier, fixedSizeParameterCause, runFailureFinding } from './rules/shape-not-dynamic';
import { checkUnsupportedOps } from './rules/unsupported-op';
import { parameterLikeInputs, weightsAsInputsFinding } from './rules/weights-as-inputs';
import { checkWeightsMissing } from './rules/weights-missing';
import type { Finding } from './findings';

export interface TranslateContext {
  /** Where the shapes came from, for the message ("--shapes", "--inputs in.npz"). */
  source: string;
  shapes: Record<string, readonly number[]>;
  /** Whether the caller gave these shapes (--shapes, --inputs: sizes known to be valid) or they are default guesses. Default true. */
  callerShapes?: boolean;
}

/**
 * The finding an onnxruntime error amounts to, or undefined when it is none of the diagnosed pitfalls (the caller
 * then reports the error itself: classifyOrtError's one-line message, without onnxruntime's source paths).
 */
export function translateOrtError(model: ModelSummary, err: unknown, ctx?: TranslateContext): Finding | undefined {
  const info = classifyOrtError(err);
  const g = indexGraph(model);
  switch (info.kind) {
    case 'fixed-dim': {
      if (info.dims.length === 0) return undefined; // the message names no axis: nothing to say about the model
      const source = ctx ? `${ctx.source} (onnxruntime)` : 'onnxruntime';
      return fixedDimFindingFor(
        model,
        info.input,
        info.dims.map((d) => ({ axis: d.axis, fixed: d.expected, requested: d.got, source, fed: true })),
      );
    }
    case 'missing-inputs': {
      // Weights left as inputs (export_params=False): onnxruntime asks for inputs that look like parameters (weak
      // evidence suffices once onnxruntime has shown they are needed). A missing data input is the caller's problem.
      const params = parameterLikeInputs(g);
      const isParam = info.missing.length === 0 || info.missing.some((m) => params.some((p) => p.name === m));
      return params.length && isParam ? weightsAsInputsFinding(g, params) : undefined;
    }
    case 'invalid-model':
      // Values no node, input or initializer provides: dynamo=True with export_params=False, else broken wiring.
      return info.danglingValue ? (checkWeightsMissing({ g, requests: [] })[0] ?? checkGraphStructure({ g, requests: [] })[0]) : undefined;
    case 'unsupported-op': {
      // The same op as a static UNSUPPORTED_OP finding (custom domain, ATen...). An op onnxruntime lacks but
      // TensorRT imports is not this pitfall; nor is ONNX's training domain, which no inference runtime runs:
      // onnxruntime's own message says it best.
      if (info.domain === 'ai.onnx.preview.training') return undefined;
      const findings = checkUnsupportedOps({ g, requests: [] }).filter((f) => f.severity === 'error' && f.node);
      return findings.find((f) => f.node!.opType === info.op && f.node!.domain === info.domain) ?? findings.find((f) => f.node!.opType === info.op);
    }
    case 'reshape':
      return ctx ? runFailureFinding(model, defaultFailureClassifier(err), ctx.shapes, ctx.source, ctx.callerShapes ?? true) : undefined;
    case 'other': {
      // A run at requested shapes failing where the data meets a fixed-size parameter (a position embedding, a
      // Linear over a flattened map): the architecture fixes the axis.
      const failure = defaultFailureClassifier(err);
      return ctx && fixedSizeParameterCause(model, failure) ? runFailureFinding(model, failure, ctx.shapes, ctx.source, ctx.callerShapes ?? true) : undefined;
    }
    default:
      return undefined;
  }
}
