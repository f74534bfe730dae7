/**
 * What a check's verdict is made of, stated plainly: TensorRT import, the export, the numerics (the summary line and
 * the report's JSON `parts`).
 */
import type { Finding, FindingCode } from '../diagnostics/findings';
import type { TensorRTPart } from '../pipeline/types';

/**
 * Which part of a check failed, stated plainly (the summary line and the report's JSON `parts`):
 * - tensorrtImport: can TensorRT's ONNX parser import the model? `judgedBy: 'tensorrt'` when a TensorRT runner made
 *   an engine in this check (built from the model, or loaded from a plan): then it is TensorRT's answer, 'ok'.
 *   Otherwise `judgedBy: 'static'`: judged without TensorRT, from onnx-tensorrt's operator matrix and importers
 *   (lib/diagnostics/rules/unsupported-op.ts), 'fails' when an error-severity UNSUPPORTED_OP finding says a node
 *   cannot be imported; `tensorrt` then says why TensorRT was not asked.
 * - export: did the export go right? 'fails' when an error finding names an export pitfall (fixed dims asked to
 *   vary or output dims the runs contradict, weights left out, training mode, opset-10 resize semantics, axes that
 *   cannot vary).
 * - numerics: did the runs match the references? 'pass' | 'fail' (an output outside tolerance) | 'not-run' (a run
 *   could not run) | 'not-compared' (ran, but no reference was given) | 'none' (no run). `compared` counts
 *   comparisons: one output of one run against its reference (or, in a cross-check, against the expected runner).
 */
export interface CheckParts {
  tensorrtImport: { status: 'ok' | 'fails'; judgedBy: 'tensorrt' | 'static'; tensorrt: string; codes: FindingCode[]; nodes: number };
  export: { status: 'ok' | 'fails'; codes: FindingCode[] };
  numerics: {
    status: 'pass' | 'fail' | 'not-run' | 'not-compared' | 'none';
    compared: number;
    failed: number;
    runsNotRun: number;
    /** In a cross-check with saved references: the probes compared with them, and those that failed there. */
    referenceProbes?: number;
    failedReferenceProbes?: number;
  };
}

/** The codes whose error findings concern TensorRT's ability to import the model (the others concern the export). */
const IMPORT_CODES: ReadonlySet<FindingCode> = new Set<FindingCode>(['UNSUPPORTED_OP']);

/** The cross-check's counts the parts read (it holds every run of the check, the requested ones too). */
type CrossCheckCounts = { summary: { comparisons: number; failedComparisons: number; failedRuns: number; referenceProbes: number; failedReferenceProbes: number } };

/**
 * What failed, from the findings, the runs (a run: ran or not, and each compared output's verdict), whether TensorRT
 * ran, and the cross-check's comparisons when one ran (they are numerics too: TensorRT against onnxruntime, say).
 */
export function checkParts(
  findings: readonly Finding[],
  runs: readonly { ok: boolean; outputs: readonly { compared: boolean; pass: boolean | null }[] }[],
  tensorrt: TensorRTPart,
  crossCheck?: CrossCheckCounts,
): CheckParts {
  const errors = findings.filter((f) => f.severity === 'error');
  const importErrors = errors.filter((f) => IMPORT_CODES.has(f.code));
  const exportErrors = errors.filter((f) => !IMPORT_CODES.has(f.code));
  const cc = crossCheck?.summary;
  const comparedCount = cc ? cc.comparisons : runs.flatMap((r) => r.outputs.filter((o) => o.compared)).length;
  const failed = cc ? cc.failedComparisons : runs.flatMap((r) => r.outputs.filter((o) => o.compared && o.pass === false)).length;
  const runsNotRun = runs.filter((r) => !r.ok).length + (cc?.failedRuns ?? 0);
  const anyRun = runs.length > 0 || cc !== undefined;
  const numerics: CheckParts['numerics']['status'] =
    !anyRun ? 'none' : failed > 0 ? 'fail' : runsNotRun > 0 ? 'not-run' : comparedCount === 0 ? 'not-compared' : 'pass';
  const codes = (list: readonly Finding[]) => [...new Set(list.map((f) => f.code))];
  return {
    tensorrtImport: {
      // TensorRT made an engine: its parser imported the model, whatever the static matrix says.
      status: !tensorrt.ran && importErrors.length ? 'fails' : 'ok',
      judgedBy: tensorrt.ran ? 'tensorrt' : 'static',
      tensorrt: tensorrt.what,
      codes: tensorrt.ran ? [] : codes(importErrors),
      nodes: tensorrt.ran ? 0 : importErrors.filter((f) => f.node).length,
    },
    export: { status: exportErrors.length ? 'fails' : 'ok', codes: codes(exportErrors) },
    numerics: {
      status: numerics,
      compared: comparedCount,
      failed,
      runsNotRun,
      ...(cc?.referenceProbes ? { referenceProbes: cc.referenceProbes, failedReferenceProbes: cc.failedReferenceProbes } : {}),
    },
  };
}
