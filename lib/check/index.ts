/**
 * `check`: pre-flight diagnostics (lib/diagnostics), then onnxruntime-node (and TensorRT) runs and comparisons with
 * PyTorch references through the run pipeline (lib/pipeline), and the report in text, JSON and HTML.
 */
export { check } from './run-check';
export type { CheckOptions, CheckReport, CheckResult, CheckSample, CheckStart, OutputReport, ProbeAttemptView, RunReport } from './run-check';
export type { CheckParts } from './parts';
export { formatCheckReport } from './format';
