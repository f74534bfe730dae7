/**
 * trt-node's public API: the concepts a user works with, one block each, and nothing internal (helpers such as
 * argument validators, record utilities or terminal escaping stay in their folders). docs/api is generated from this
 * file (`npm run docs:api`, typedoc); test/package/api-reference.test.ts keeps it current.
 */

// Errors: one hierarchy with stable codes (lib/errors).
export * from './errors';

// Tensors and numpy files (lib/tensor).
export type { NamedTensors, NumericTensorData, NumericTensorType, TensorData, TensorLike, TensorType } from './tensor/types';
export type { NamedRecord } from './util/names';
export { toTensorLike } from './tensor/convert';
export { encodeNpy, parseNpy, readNpy, writeNpy } from './tensor/npy';
export type { NpyReadOptions } from './tensor/npy';
export { encodeNpz, npzArrayNames, parseNpz, readNpz, writeNpz } from './tensor/npz';
export type { NpzOptions, NpzReadOptions } from './tensor/npz';
export { DEFAULT_MAX_TENSOR_BYTES, parseByteSize } from './io/budget';

// The ONNX model reader: a typed summary without reading the weights (lib/onnx).
export { modelBytesOf, readModel, readModelSync } from './onnx';
export type { AttributeValue, Dim, ExternalDataRef, FunctionSummary, InputSummary, ModelBytes, ModelSummary, NodeCount, NodeSummary, OpsetImport, ReadModelOptions, ReadStats, SubgraphSummary, TensorSummary, ValueSummary } from './onnx';

// Shapes and optimization profiles: the one grammar every command speaks (lib/shapes).
export { formatProfile, formatShapeList, parseShapeList, parseShapesSpec } from './shapes/spec';
export type { ParseShapeListOptions } from './shapes/spec';
export { profileFromSamples, validateProfiles } from './shapes/profiles';
export type { InputRange, OptimizationProfile, Shape } from './shapes/types';

// TensorRT: build engines with optimization profiles, load and run them (lib/trt).
export { buildEngine } from './trt/build';
export type { BuildEngineResult } from './trt/build';
export type { BuildEngineOptions, BuildProgressEvent } from './trt/build-options';
export type { NativeBuildInfo, NativeCudaDevice, NativeProgressEvent } from './native/binding';
export { Engine } from './trt/engine';
export type { EngineInputInfo, EngineLoadOptions, EngineRunOptions, EngineTensorInfo, RunResult } from './trt/engine';
export type { RunTimings } from './trt/run-timings';
export type { CudaGraphUse, RunExecution } from './trt/run-execution';
export { EnginePool } from './trt/engine-pool';
export type { EnginePoolLoadOptions } from './trt/engine-pool';
export { IOBinding } from './trt/io-binding';
export type { Feed, Feeds } from './trt/feeds';
export { LOG_LEVELS } from './trt/log';
export type { LogEntry, LogLevel } from './trt/log';
export { tensorrtAvailable, tensorrtVersion } from './trt/tensorrt';
export type { TensorRTVersion } from './trt/tensorrt';
export { clearEngineCache, defaultCacheDir, listEngineCache } from './cache';
export type { CacheEntryDescription, CacheEntryInfo } from './cache';
export { doctorReport, formatDoctorReport } from './trt/doctor';
export type { DoctorReport } from './trt/doctor';
export { PLUGIN_BACKED_OPERATORS, tensorrtPluginStatus } from './trt/plugins';
export type { TensorRTPluginStatus } from './trt/plugins';

// Diagnostics: the export pitfalls as findings with stable codes and fixes in PyTorch terms (lib/diagnostics).
export { diagnoseStatic, FINDING_CODES } from './diagnostics';
export type { DiagnoseOptions as StaticDiagnoseOptions, Finding, FindingCode, FindingNode, Severity, ShapeRequest } from './diagnostics';
export { diagnose, probeDynamicAxes } from './pipeline/probe-axes';
export type { DiagnoseOptions, Diagnosis, ProbeOptions, ProbeResult, ProbeSession } from './pipeline/probe-axes';
export type { DynamicSymbol, FailureClassifier, ProbeAttempt, ProbeFailure } from './diagnostics/rules/shape-not-dynamic';

// Input data apart from running: generated feeds and saved samples (lib/data).
export { generateFeeds } from './data/generate';
export type { GenerateOptions, ValueRange } from './data/generate';
export type { FeedsInput, FeedValue } from './data/feeds';
export type { LoadedSample, Sample } from './data/samples';

// Runners: one interface, built-ins and your own by kind through the registry; loaders apart (lib/runners).
export type { BuiltInRunnerKind, RunContext, Runner, RunnerKind, RunnerTimings } from './runners/runner';
export type { RunnerInfo, RunnerSpec } from './runners/specs';
export { EXPECTED_RANK, registerRunner, runnerKinds } from './runners/registry';
export type { CustomRunnerSpec, RunnerFactory, RunnerFactoryContext, RunnerRegistrationOptions } from './runners/registry';
export { createOnnxRuntimeRunner } from './runners/onnxruntime/runner';
export type { OnnxRuntimeRunnerOptions, OnnxRuntimeRunnerSpec } from './runners/onnxruntime/runner';
export { OrtRunner } from './runners/onnxruntime/ort-runner';
export type { GraphOptimizationLevel, OrtRunnerOptions, OrtRunnerSettings, OrtValueInfo } from './runners/onnxruntime/ort-runner';
export type { SessionRun, SessionThread } from './runners/onnxruntime/session';
export { createTensorRTRunner, tensorRTRunnerFromEngine } from './runners/tensorrt/runner';
export type { TensorRTRunnerOptions, TensorRTRunnerSpec } from './runners/tensorrt/runner';
export { engineFromModel, engineFromPlan } from './runners/tensorrt/loader';
export type { EngineLike, EngineRunExecution, EngineRunSettings, EngineSource, LoadedEngine } from './runners/tensorrt/loader';
export { createReferenceRunner } from './runners/reference';
export type { ReferenceRunnerSpec } from './runners/reference';

// Comparison: the comparator and its tolerances (lib/compare).
export { compareOutputs, compareTensors, DEFAULT_TOLERANCES } from './compare';
export type { CompareOptions, ErrorHistogram, OutputComparison, RowMatch, Tolerance, ToleranceOverrides } from './compare';

// check and crossCheck, and their reports (lib/check, lib/crosscheck, lib/report).
export { check, formatCheckReport } from './check';
export type { CheckOptions, CheckParts, CheckReport, CheckResult, CheckSample, CheckStart, OutputReport, ProbeAttemptView, RunReport } from './check';
export { crossCheck } from './crosscheck';
export type { CrossCheckOptions, CrossCheckProgress, CrossCheckResult, FailureRef, ProbeReport } from './crosscheck';
export type { DimCheck, DimIssue, ErrorMap, PairComparison, RunRecord, TensorRTPart, Verdict } from './pipeline/types';
export type { DivergingNode, LayerDivergence, LayerPairComparison, LayerReport, LayerTensorComparison, ModuleOrigin, ProbeLayers } from './pipeline/types';
export type { LayerSelection } from './diagnostics/layers/selection';
export type { Probe, ProbeKind, ProfileSource, SkippedProbe } from './pipeline/probes';
export { crossCheckJson, formatCrossCheckTable, renderHtmlReport, writeHtmlReport, writeJsonReport } from './report';
export type { HtmlReportOptions, ReportVerdict } from './report';
export type { TextStyle } from './report/style';

// explain: an error text from torch.onnx.export, onnxruntime or TensorRT answered with findings (lib/explain).
export { explain, formatExplanation } from './explain';
export type { Explanation, ExplainOptions, ExplainedFinding, ExplainNote, ExplainSource } from './explain';

// The benchmark (lib/bench).
export { formatBenchReport, runBench } from './bench';
export type { BackendRun, BenchOptions, BenchProgress, BenchReport, LatencyStats, TrtexecSummary } from './bench';
export type { EventLoopLag } from './bench/event-loop-lag';
export type { TrtexecStat } from './bench/trtexec';

// Triton Inference Server: a model repository for a plan, and a config.pbtxt linted against it (lib/triton).
export { engineIOFromModel, engineIOOf, lintTritonConfig, lintTritonConfigText, readTritonConfig, TRITON_FINDING_CODES, tritonConfigFor, tritonRepositoryPaths, writeTritonRepository } from './triton';
export type { BatchSupport, EngineIO, ReadTritonConfig, TritonConfigOptions, TritonConfigResult, TritonDynamicBatching, TritonFinding, TritonFindingCode, TritonInstanceGroup, TritonLintContext, TritonLintReport, TritonModelConfig, TritonModelInput, TritonModelOutput, TritonRepositoryPaths, TritonSeverity } from './triton';
export type { ModelDirectory, SourceLocation, TritonDataType } from './triton';
export type { TritonTensorReshape } from './triton/config';
