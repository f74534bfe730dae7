/**
 * Triton's model configuration as trt-node reads and writes it: the fields of inference.ModelConfig under their
 * proto names (snake_case, as in config.pbtxt), enum values by name. Fields trt-node does not model are kept as
 * read (`[field: string]: unknown`), so nothing a user wrote is lost to the lint.
 */
import { MODEL_CONFIG, TRITON_SCHEMA } from './schema';
import { parseTextFormat, type SourceLocation } from './textformat';

/** inference.DataType value names. */
export type TritonDataType =
  | 'TYPE_INVALID'
  | 'TYPE_BOOL'
  | 'TYPE_UINT8'
  | 'TYPE_UINT16'
  | 'TYPE_UINT32'
  | 'TYPE_UINT64'
  | 'TYPE_INT8'
  | 'TYPE_INT16'
  | 'TYPE_INT32'
  | 'TYPE_INT64'
  | 'TYPE_FP16'
  | 'TYPE_FP32'
  | 'TYPE_FP64'
  | 'TYPE_STRING'
  | 'TYPE_BF16';

export interface TritonTensorReshape {
  shape?: number[];
}

export interface TritonModelInput {
  name?: string;
  /** A name, or a number when the file gave one the enum does not name. */
  data_type?: TritonDataType | number;
  format?: 'FORMAT_NONE' | 'FORMAT_NHWC' | 'FORMAT_NCHW' | number;
  dims?: number[];
  reshape?: TritonTensorReshape;
  is_shape_tensor?: boolean;
  allow_ragged_batch?: boolean;
  optional?: boolean;
  is_non_linear_format_io?: boolean;
}

export interface TritonModelOutput {
  name?: string;
  data_type?: TritonDataType | number;
  dims?: number[];
  reshape?: TritonTensorReshape;
  label_filename?: string;
  is_shape_tensor?: boolean;
  is_non_linear_format_io?: boolean;
}

export interface TritonInstanceGroup {
  name?: string;
  kind?: 'KIND_AUTO' | 'KIND_GPU' | 'KIND_CPU' | 'KIND_MODEL' | number;
  count?: number;
  gpus?: number[];
  /** TensorRT optimization profiles the group's instances may use, as strings ("0", "1"); none: profile 0 only. */
  profile?: string[];
  passive?: boolean;
  host_policy?: string;
  [field: string]: unknown;
}

export interface TritonDynamicBatching {
  preferred_batch_size?: number[];
  max_queue_delay_microseconds?: number;
  preserve_ordering?: boolean;
  [field: string]: unknown;
}

export interface TritonModelConfig {
  name?: string;
  platform?: string;
  backend?: string;
  max_batch_size?: number;
  input?: TritonModelInput[];
  output?: TritonModelOutput[];
  instance_group?: TritonInstanceGroup[];
  dynamic_batching?: TritonDynamicBatching;
  default_model_filename?: string;
  /** Compute capability ("8.6") → plan file, for a repository holding one plan per GPU architecture. */
  cc_model_filenames?: Record<string, string>;
  parameters?: Record<string, { string_value?: string }>;
  [field: string]: unknown;
}

/** What TensorRT models are in a Triton repository (Triton's docs, "Model Repository" and the TensorRT backend). */
export const TENSORRT_PLATFORM = 'tensorrt_plan';
export const TENSORRT_BACKEND = 'tensorrt';
export const TENSORRT_MODEL_FILENAME = 'model.plan';

/**
 * Engine tensor types (trt-node's names, as Engine and onnxruntime spell them) → Triton data types: the TensorRT
 * backend's ConvertTrtTypeToDataType. A type absent here (float8, int4, float64, strings...) has no Triton type a
 * TensorRT model can use.
 */
export const TRITON_DATA_TYPES: Readonly<Record<string, TritonDataType>> = {
  float32: 'TYPE_FP32',
  float16: 'TYPE_FP16',
  bfloat16: 'TYPE_BF16',
  int8: 'TYPE_INT8',
  uint8: 'TYPE_UINT8',
  int32: 'TYPE_INT32',
  int64: 'TYPE_INT64',
  bool: 'TYPE_BOOL',
};

/** The Triton data type of an engine tensor type, or undefined where TensorRT models have none. */
export function tritonDataType(tensorType: string): TritonDataType | undefined {
  return Object.prototype.hasOwnProperty.call(TRITON_DATA_TYPES, tensorType) ? TRITON_DATA_TYPES[tensorType] : undefined;
}

export interface ReadTritonConfig {
  config: TritonModelConfig;
  /** Where each field was written (paths as in parseTextFormat: 'input[0].dims[1]'). */
  locations: Map<string, SourceLocation>;
}

/** Reads config.pbtxt text as Triton does; throws TritonConfigError at the first line Triton's parser would refuse. */
export function readTritonConfig(text: string, file = 'config.pbtxt'): ReadTritonConfig {
  const { value, locations } = parseTextFormat(text, TRITON_SCHEMA, MODEL_CONFIG, file);
  return { config: value as TritonModelConfig, locations };
}
