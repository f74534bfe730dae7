/**
 * onnxruntime-node's own errors for the pitfalls lib/check diagnoses, turned into the same findings (the user sees
 * FIXED_DIM with the dynamic_axes to pass, not "Got invalid dimensions for input ... index: 2").
 */
import type { ModelSummary } from '../onnx/types';
import { indexGraph } from './graph';
import { DimConflict, fixedDimFindingFor } from './rules/fixed-dim';
import { ProbeFailure, defaultFailureClassifier, runFailureFinding } from './rules/shape-not-dynamic';
import { parameterLikeInputs } from './rules/weights-as-inputs';
import { checkUnsupportedOps } from './rules/unsupported-op';
import { checkWeightsAsInputs } from './rules/weights-as-inputs';
import type { Finding } from './types';

/** "Got invalid dimensions for input: input for the following indices\n index: 3 Got: 80 Expected: 64". */
export function parseInvalidDimensions(message: string): { input: string; dims: { axis: number; got: number; expected: number }[] } | undefined {
  const head = /Got invalid dimensions for input: (.+?) for the following indices/.exec(message);
  if (!head) return undefined;
  const dims = [...message.matchAll(/index: (\d+) Got: (\d+) Expected: (\d+)/g)].map((m) => ({
    axis: Number(m[1]),
    got: Number(m[2]),
    expected: Number(m[3]),
  }));
  return { input: head[1], dims };
}

export interface TranslateContext {
  /** Where the shapes came from, for the message ("--shapes", "--inputs in.npz"). */
  source: string;
  shapes: Record<string, readonly number[]>;
}

function rawMessage(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as Error & { cause?: unknown }).cause;
    return cause instanceof Error && cause.message && !err.message.includes(cause.message) ? `${err.message}\n${cause.message}` : err.message;
  }
  return String(err);
}

/**
 * The finding an onnxruntime error amounts to, or undefined when it is none of the diagnosed pitfalls (the caller
 * then reports the error itself, cleaned up).
 */
export function translateOrtError(model: ModelSummary, err: unknown, ctx?: TranslateContext, classify = defaultFailureClassifier): Finding | undefined {
  const message = rawMessage(err);
  const dims = parseInvalidDimensions(message);
  if (dims) {
    const conflicts: DimConflict[] = dims.dims.map((d) => ({
      axis: d.axis,
      fixed: d.expected,
      requested: d.got,
      source: ctx ? `${ctx.source} (onnxruntime)` : 'onnxruntime',
    }));
    return fixedDimFindingFor(model, dims.input, conflicts);
  }
  const g = indexGraph(model);
  if (/Model requires \d+ inputs?\. Input Feed contains \d+|input '[^']+' is missing in 'feeds'/.test(message)) {
    const missing = /input '([^']+)' is missing/.exec(message)?.[1];
    const params = parameterLikeInputs(g);
    if (params.length && (!missing || params.some((p) => p.name === missing))) return checkWeightsAsInputs({ g, requests: [] })[0];
    return undefined;
  }
  if (/is not a registered function\/op|Could not find an implementation for|No opset import for domain/.test(message)) {
    return checkUnsupportedOps({ g, requests: [] }).find((f) => f.severity === 'error');
  }
  const failure: ProbeFailure = classify(err);
  if (failure.kind === 'reshape' && ctx) return runFailureFinding(model, failure, ctx.shapes, ctx.source);
  return undefined;
}

/** The error text worth showing when no finding explains it: first line, without onnxruntime's source paths. */
export function cleanOrtMessage(err: unknown): string {
  return defaultFailureClassifier(err).message;
}
