/**
 * Diagnostics for PyTorch-exported ONNX models: the export pitfalls that break TensorRT or silently change results,
 * each a Finding with a stable code and the fix in torch.onnx.export terms (diagnose), and `check`, which adds
 * onnxruntime-node runs and comparisons with PyTorch references (run-check).
 */
export * from './types';
export { STATIC_RULES, blocksRun, diagnose, diagnoseStatic } from './diagnose';
export type { DiagnoseOptions, Diagnosis } from './diagnose';
export { probeDynamicAxes } from '../pipeline/probe-axes';
export type { ProbeOptions, ProbeResult, ProbeSession } from '../pipeline/probe-axes';
export type { ProbeAttempt, ProbeFailure } from './rules/shape-not-dynamic';
export { translateOrtError } from './ort-translate';
export { OPERATOR_SUPPORT, OPERATOR_SUPPORT_SOURCE } from './data/onnx-tensorrt-operators';
export { check } from './run-check';
export type { CheckOptions, CheckReport, CheckSample, OutputReport, RunReport } from './run-check';
export { formatCheckReport } from './format';
