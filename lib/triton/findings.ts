/**
 * Findings of the Triton config lint: JSON-able first (stable `code`, `severity`, the config line to change and the
 * field's path), text second. Each one is a mismatch Triton would report only when it loads the model (or, for
 * warnings, a setting that loads but does not do what it says).
 */

export type TritonSeverity = 'error' | 'warning' | 'info';

/** Stable codes: safe to switch on in scripts and CI. */
export const TRITON_FINDING_CODES = [
  'TRITON_SYNTAX',
  'TRITON_PLATFORM',
  'TRITON_NAME',
  'TRITON_INPUT_UNKNOWN',
  'TRITON_OUTPUT_UNKNOWN',
  'TRITON_INPUT_MISSING',
  'TRITON_OUTPUT_MISSING',
  'TRITON_IO_DUPLICATE',
  'TRITON_IO_FROM_PLAN',
  'TRITON_DTYPE_MISSING',
  'TRITON_DTYPE_UNSUPPORTED',
  'TRITON_DTYPE_MISMATCH',
  'TRITON_DIMS_MISSING',
  'TRITON_DIMS_INVALID',
  'TRITON_DIMS_RANK',
  'TRITON_DIMS_MISMATCH',
  'TRITON_DIMS_PROFILE',
  'TRITON_RESHAPE',
  'TRITON_BATCH_INVALID',
  'TRITON_BATCH_AXIS',
  'TRITON_BATCH_TOO_LARGE',
  'TRITON_BATCH_MIN',
  'TRITON_PREFERRED_BATCH',
  'TRITON_DYNAMIC_BATCHING_UNBATCHED',
  'TRITON_PROFILE_INVALID',
  'TRITON_PROFILE_UNUSED',
  'TRITON_INSTANCE_KIND',
  'TRITON_PLAN_MISSING',
  'TRITON_NOT_CHECKED',
] as const;

export type TritonFindingCode = (typeof TRITON_FINDING_CODES)[number];

export interface TritonFinding {
  code: TritonFindingCode;
  severity: TritonSeverity;
  /** The config line to change (1-based); for something to add, the line of the block it goes in. null: nowhere in the file. */
  line: number | null;
  /** The field concerned, as a path into the config: 'max_batch_size', 'input[0].dims[2]', 'instance_group[0].profile'. */
  path: string;
  /** What is wrong and what Triton would do, in the config's terms. */
  message: string;
  /** The change, as config text where one line does it ('dims: [ 1, -1, -1 ]'). */
  fix: string;
  /** The engine input or output concerned. */
  tensor?: string;
  /** What Triton logs when it refuses the model (the TensorRT backend's or Triton core's message), where it refuses. */
  tritonError?: string;
}

export interface TritonLintReport {
  /** No error-level finding. */
  pass: boolean;
  file: string;
  findings: TritonFinding[];
}

const RANK: Readonly<Record<TritonSeverity, number>> = { error: 0, warning: 1, info: 2 };

/** Errors first, then by line; stable otherwise. */
export function sortTritonFindings(findings: readonly TritonFinding[]): TritonFinding[] {
  return findings
    .map((f, i) => ({ f, i }))
    .sort((a, b) => RANK[a.f.severity] - RANK[b.f.severity] || (a.f.line ?? Infinity) - (b.f.line ?? Infinity) || a.i - b.i)
    .map((x) => x.f);
}

/** One finding as text: `config.pbtxt:12: error TRITON_DIMS_MISMATCH: ... → dims: [ 1, -1, -1 ]`. */
export function formatTritonFinding(file: string, f: TritonFinding): string {
  const where = f.line === null ? file : `${file}:${f.line}`;
  return `${where}: ${f.severity} ${f.code}: ${f.message}\n    fix: ${f.fix}${f.tritonError ? `\n    Triton says: ${f.tritonError}` : ''}`;
}
