/**
 * trt-node's public API. Each area exports from its own folder; add a line per area.
 */
export * from './errors';
export type { NamedTensors, TensorData, TensorLike, TensorType } from './tensor/types';
// TensorRT: build engines with optimization profiles, run them (lib/trt).
export * from './trt';
// Cross-check: runners compared at probe shapes across the dynamic range, with reports (lib/crosscheck, lib/report).
export { crossCheck, createOnnxRuntimeRunner, createReferenceRunner, createTensorRTRunner, tensorRTRunnerFromEngine } from './crosscheck';
export type { CrossCheckOptions, CrossCheckResult, FailureRef, ProbeReport, Runner, RunnerKind, RunnerSpec, Sample } from './crosscheck';
export { crossCheckJson, formatCrossCheckTable, renderHtmlReport, writeHtmlReport, writeJsonReport } from './report';
