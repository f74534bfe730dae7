/**
 * trt-node's public API. Each area exports from its own folder; add a line per area.
 */
export * from './errors';
export type { NamedTensors, NumericTensorType, TensorData, TensorLike, TensorType } from './tensor/types';
// TensorRT: build engines with optimization profiles, run them (lib/trt).
export * from './trt';
// Cross-check: runners compared at probe shapes across the dynamic range, with reports (lib/crosscheck, lib/report).
export { crossCheck, createOnnxRuntimeRunner, createReferenceRunner, createTensorRTRunner, tensorRTRunnerFromEngine } from './crosscheck';
export type { CrossCheckOptions, CrossCheckResult, FailureRef, ProbeReport, Runner, RunnerKind, RunnerSpec, Sample } from './crosscheck';
export { crossCheckJson, formatCrossCheckTable, renderHtmlReport, writeHtmlReport, writeJsonReport } from './report';
// The ONNX model reader (lib/onnx): a typed summary without reading the weights.
export { modelBytesOf, readModel, readModelSync } from './onnx';
export type { Dim, FunctionSummary, ModelBytes, InputSummary, ModelSummary, NodeSummary, TensorSummary, ValueSummary } from './onnx';
// Tensors from and to numpy files (lib/tensor).
export { encodeNpy, parseNpy, readNpy, writeNpy } from './tensor/npy';
export type { NpyReadOptions } from './tensor/npy';
export { encodeNpz, npzArrayNames, parseNpz, readNpz, writeNpz } from './tensor/npz';
export type { NpzOptions, NpzReadOptions } from './tensor/npz';
export { toTensorLike } from './tensor/convert';
// onnxruntime-node runner and the comparator (lib/runners, lib/compare).
export { OrtRunner } from './runners/ort-runner';
export type { OrtRunnerOptions } from './runners/ort-runner';
export { buildFeeds, generateFeeds, parseValueRanges } from './runners/feeds';
export { classifyOrtError } from './diagnostics/ort-errors';
export type { OrtErrorInfo } from './diagnostics/ort-errors';
export { parseDims, parseShapeList } from './shapes/spec';
export { compareOutputs, compareTensors, DEFAULT_TOLERANCES } from './compare';
export type { CompareOptions, OutputComparison, ToleranceOverrides } from './compare';
// Pre-flight diagnostics and `check` (lib/check).
export { check, formatCheckReport } from './check';
export type { CheckOptions, CheckReport } from './check';
export { diagnoseStatic } from './diagnostics';
export type { Finding, FindingCode, Severity } from './diagnostics';
export { diagnose } from './pipeline/probe-axes';
// Error text from torch.onnx.export, onnxruntime or TensorRT explained with check's findings (lib/explain).
export { explain, formatExplanation } from './explain';
export type { Explanation, ExplainOptions, ExplainedFinding, ExplainNote } from './explain';
// The benchmark (lib/bench).
export { formatBenchReport, runBench } from './bench';
export type { BenchOptions, BenchReport } from './bench';
// Argument validation, names as keys, terminal-safe text and the memory budget (lib/validate, lib/util).
export * as validate from './validate';
export { hasOwn, namedRecord, own } from './util/names';
export type { NamedRecord } from './util/names';
export { forTerminal } from './util/terminal';
export { DEFAULT_MAX_TENSOR_BYTES, parseByteSize } from './io/budget';
