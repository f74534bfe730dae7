/**
 * What a check's verdict is made of, stated plainly: TensorRT import, the export, the numerics (the summary line and
 * the report's JSON `parts`).
 */
import type { Finding, FindingCode } from '../diagnostics/findings';

/**
 * Which part of a check failed, stated plainly (the summary line and the report's JSON `parts`):
 * - tensorrtImport: can TensorRT's ONNX parser import the model? Judged statically (onnx-tensorrt's operator
 *   matrix and importers, lib/diagnostics/rules/unsupported-op.ts), not by running TensorRT: 'fails' when an
 *   error-severity UNSUPPORTED_OP finding says a node cannot be imported.
 * - export: did the export go right? 'fails' when an error finding names an export pitfall (fixed dims asked to
 *   vary, weights left out, training mode, opset-10 resize semantics, axes that cannot vary).
 * - numerics: did the runs match the references? 'pass' | 'fail' (an output outside tolerance) | 'not-run' (a run
 *   could not run) | 'not-compared' (ran, but no reference was given) | 'none' (no run).
 */
export interface CheckParts {
  tensorrtImport: { status: 'ok' | 'fails'; codes: FindingCode[]; nodes: number };
  export: { status: 'ok' | 'fails'; codes: FindingCode[] };
  numerics: { status: 'pass' | 'fail' | 'not-run' | 'not-compared' | 'none'; compared: number; failed: number; runsNotRun: number };
}

/** The codes whose error findings concern TensorRT's ability to import the model (the others concern the export). */
const IMPORT_CODES: ReadonlySet<FindingCode> = new Set<FindingCode>(['UNSUPPORTED_OP']);

/**
 * What failed, from the findings, the runs (a run: ran or not, and each compared output's verdict) and the
 * cross-check's comparisons when one ran (they are numerics too: TensorRT against onnxruntime, say).
 */
export function checkParts(
  findings: readonly Finding[],
  runs: readonly { ok: boolean; outputs: readonly { compared: boolean; pass: boolean | null }[] }[],
  crossCheck?: { summary: { comparisons: number; failedComparisons: number; failedRuns: number } },
): CheckParts {
  const errors = findings.filter((f) => f.severity === 'error');
  const importErrors = errors.filter((f) => IMPORT_CODES.has(f.code));
  const exportErrors = errors.filter((f) => !IMPORT_CODES.has(f.code));
  // The cross-check holds every run of the check (its requested probes too): count from it when there is one.
  const cc = crossCheck?.summary;
  const comparedCount = cc ? cc.comparisons : runs.flatMap((r) => r.outputs.filter((o) => o.compared)).length;
  const failed = cc ? cc.failedComparisons : runs.flatMap((r) => r.outputs.filter((o) => o.compared && o.pass === false)).length;
  const runsNotRun = runs.filter((r) => !r.ok).length + (cc?.failedRuns ?? 0);
  const anyRun = runs.length > 0 || cc !== undefined;
  const numerics: CheckParts['numerics']['status'] =
    !anyRun ? 'none' : failed > 0 ? 'fail' : runsNotRun > 0 ? 'not-run' : comparedCount === 0 ? 'not-compared' : 'pass';
  const codes = (list: readonly Finding[]) => [...new Set(list.map((f) => f.code))];
  return {
    tensorrtImport: { status: importErrors.length ? 'fails' : 'ok', codes: codes(importErrors), nodes: importErrors.filter((f) => f.node).length },
    export: { status: exportErrors.length ? 'fails' : 'ok', codes: codes(exportErrors) },
    numerics: { status: numerics, compared: comparedCount, failed, runsNotRun },
  };
}
