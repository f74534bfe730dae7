/**
 * Triton Inference Server, for a fleet: a model repository for a TensorRT plan (config.pbtxt that agrees with the
 * engine, the plan under a version folder) and a lint of a hand-written config against the plan. Triton itself is
 * not needed: the config is read the way Triton reads it (protobuf text format against its ModelConfig) and checked
 * by the rules Triton and its TensorRT backend apply when they load the model.
 */
export { readTritonConfig, TENSORRT_BACKEND, TENSORRT_MODEL_FILENAME, TENSORRT_PLATFORM, TRITON_DATA_TYPES, tritonDataType } from './config';
export type { ReadTritonConfig, TritonDataType, TritonDynamicBatching, TritonInstanceGroup, TritonModelConfig, TritonModelInput, TritonModelOutput } from './config';
export { batchSupport, engineIOFromModel, engineIOOf } from './engine-io';
export type { BatchSupport, EngineIO } from './engine-io';
export { formatTritonFinding, sortTritonFindings, TRITON_FINDING_CODES } from './findings';
export type { TritonFinding, TritonFindingCode, TritonLintReport, TritonSeverity } from './findings';
export { tritonConfigFor } from './generate';
export type { TritonConfigOptions, TritonConfigResult } from './generate';
export { lintTritonConfig, lintTritonConfigText } from './lint';
export type { ModelDirectory, TritonLintContext } from './lint';
export { modelDirectoryOf, prepareTritonRepository, tritonRepositoryPaths, writeTritonRepository } from './repository';
export type { TritonRepositoryPaths } from './repository';
export { MODEL_CONFIG, TRITON_SCHEMA } from './schema';
export type { FieldSchema, MessageSchema, ScalarType, TextFormatSchema } from './schema';
export { parseTextFormat } from './textformat';
export type { ParsedText, SourceLocation, TextMessage } from './textformat';
export { formatTextFormat } from './writer';
