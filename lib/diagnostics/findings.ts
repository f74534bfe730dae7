/**
 * Findings of `trt-node check`: JSON-able data first (stable `code`, `severity`, what it concerns), text second.
 * The message states the cause and the fix in the terms of torch.onnx.export; `fix` repeats the fix alone.
 */

export type Severity = 'error' | 'warning' | 'info';

/** Stable codes: safe to switch on in scripts and CI. The one list; FindingCode is derived from it. */
export const FINDING_CODES = [
  'FIXED_DIM',
  'WEIGHTS_AS_INPUTS',
  'WEIGHTS_MISSING',
  'UNSUPPORTED_OP',
  'OPSET_VERSION',
  'BROKEN_GRAPH',
  'EMPTY_GRAPH',
  'DATA_DEPENDENT_SHAPE',
  'RESIZE_SEMANTICS',
  'TRAINING_MODE',
  'SHAPE_NOT_DYNAMIC',
  'FIRST_DIVERGENCE',
] as const;

export type FindingCode = (typeof FINDING_CODES)[number];

/** The node a finding is about; `index` is its position in graph.node (the index TensorRT's parser reports). */
export interface FindingNode {
  index: number;
  name: string;
  opType: string;
  domain: string;
}

export interface Finding {
  code: FindingCode;
  severity: Severity;
  /** Cause and fix, in torch.onnx.export terms. */
  message: string;
  /** The fix alone, e.g. "torch.onnx.export(..., opset_version=11)". */
  fix: string;
  /** The graph input concerned. */
  input?: string;
  /** The axis of `input` concerned. */
  axis?: number;
  node?: FindingNode;
  /** Rule-specific facts (fixed and requested sizes, counts, names, the failing shape...). */
  details?: Record<string, unknown>;
}

/**
 * Input shapes someone asked for: from --shapes, from the dims of an --inputs .npz, or a profile's bounds.
 * `source` says which, for the message ("--shapes", "--inputs in.npz", "profile max").
 */
export interface ShapeRequest {
  source: string;
  shapes: Record<string, readonly number[]>;
}

export const SEVERITY_RANK: Readonly<Record<Severity, number>> = { error: 0, warning: 1, info: 2 };

export function hasErrors(findings: readonly Finding[]): boolean {
  return findings.some((f) => f.severity === 'error');
}

/** Errors first, then warnings, then info; stable within a severity. */
export function sortFindings(findings: Finding[]): Finding[] {
  return findings
    .map((f, i) => ({ f, i }))
    .sort((a, b) => SEVERITY_RANK[a.f.severity] - SEVERITY_RANK[b.f.severity] || a.i - b.i)
    .map((x) => x.f);
}
