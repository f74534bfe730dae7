/**
 * The rule library below the pipeline: findings (stable codes, the fix in PyTorch terms), the static rules over a
 * ModelSummary, graph helpers, onnx-tensorrt's operator data, and onnxruntime's error text recognised and turned
 * into the same findings. It runs nothing; lib/pipeline runs models and calls into it, lib/check drives both.
 */
export * from './findings';
export { STATIC_RULES, blocksRun, diagnoseStatic } from './diagnose';
export type { DiagnoseOptions } from './diagnose';
export type { RuleContext, StaticRule } from './rules/context';
export type { ProbeAttempt, ProbeFailure } from './rules/shape-not-dynamic';
export { translateOrtError } from './ort-translate';
export { classifyOrtError } from './ort-errors';
export type { OrtErrorInfo, OrtErrorKind } from './ort-errors';
export { OPERATOR_SUPPORT, OPERATOR_SUPPORT_SOURCE } from './data/onnx-tensorrt-operators';
