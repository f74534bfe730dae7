/**
 * The part of Triton's model configuration schema (model_config.proto of triton-inference-server/common, package
 * `inference`) that trt-node reads and writes, written out by hand so that nothing fetched is needed at run time.
 * Field names, numbers, types, labels and oneofs are the proto's: test/triton/schema.test.ts checks every one of
 * them against the fetched model_config.proto where it is present (`npm run check:triton`).
 *
 * A message listed here lists **every** field of the proto's message, so a misspelt field is refused as Triton's
 * parser refuses it. Sub-messages trt-node never looks into (sequence batching, warmup, ensembles, ...) are named
 * by their type but not described: the text-format reader reads them for syntax only ("opaque").
 */

/** Scalar types of proto3, as the text format reads them. */
export type ScalarType = 'string' | 'bytes' | 'bool' | 'int32' | 'int64' | 'uint32' | 'uint64' | 'float' | 'double';

export interface FieldSchema {
  name: string;
  number: number;
  /** A scalar type, or 'enum' / 'message' with `typeName` the full name ('inference.DataType'). */
  type: ScalarType | 'enum' | 'message';
  typeName?: string;
  repeated?: boolean;
  /** map<key, value>: `type`/`typeName` describe the value; the text format writes each entry as { key value }. */
  mapKey?: ScalarType;
  /** The oneof the field belongs to. */
  oneof?: string;
}

export interface MessageSchema {
  /** Full name, e.g. 'inference.ModelConfig'. */
  name: string;
  fields: readonly FieldSchema[];
}

/** Messages by full name (a message type absent here is read for syntax only) and enums by full name. */
export interface TextFormatSchema {
  messages: Readonly<Record<string, MessageSchema>>;
  enums: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

const msg = (name: string, typeName: string, number: number, extra: Partial<FieldSchema> = {}): FieldSchema => ({ name, number, type: 'message', typeName: `inference.${typeName}`, ...extra });
const scalar = (name: string, type: ScalarType, number: number, extra: Partial<FieldSchema> = {}): FieldSchema => ({ name, number, type, ...extra });
const enumField = (name: string, typeName: string, number: number, extra: Partial<FieldSchema> = {}): FieldSchema => ({ name, number, type: 'enum', typeName: `inference.${typeName}`, ...extra });
const repeated = { repeated: true } as const;
const scheduling = { oneof: 'scheduling_choice' } as const;

export const MODEL_CONFIG = 'inference.ModelConfig';

/** What trt-node knows of model_config.proto. */
export const TRITON_SCHEMA: TextFormatSchema = {
  messages: {
    'inference.ModelConfig': {
      name: 'inference.ModelConfig',
      fields: [
        scalar('name', 'string', 1),
        scalar('platform', 'string', 2),
        scalar('backend', 'string', 17),
        scalar('runtime', 'string', 25),
        msg('version_policy', 'ModelVersionPolicy', 3),
        scalar('max_batch_size', 'int32', 4),
        msg('input', 'ModelInput', 5, repeated),
        msg('output', 'ModelOutput', 6, repeated),
        msg('batch_input', 'BatchInput', 20, repeated),
        msg('batch_output', 'BatchOutput', 21, repeated),
        msg('optimization', 'ModelOptimizationPolicy', 12),
        msg('dynamic_batching', 'ModelDynamicBatching', 11, scheduling),
        msg('sequence_batching', 'ModelSequenceBatching', 13, scheduling),
        msg('ensemble_scheduling', 'ModelEnsembling', 15, scheduling),
        msg('instance_group', 'ModelInstanceGroup', 7, repeated),
        scalar('default_model_filename', 'string', 8),
        scalar('cc_model_filenames', 'string', 9, { mapKey: 'string' }),
        scalar('metric_tags', 'string', 10, { mapKey: 'string' }),
        msg('parameters', 'ModelParameter', 14, { mapKey: 'string' }),
        msg('model_warmup', 'ModelWarmup', 16, repeated),
        msg('model_operations', 'ModelOperations', 18),
        msg('model_transaction_policy', 'ModelTransactionPolicy', 19),
        msg('model_repository_agents', 'ModelRepositoryAgents', 23),
        msg('response_cache', 'ModelResponseCache', 24),
        msg('model_metrics', 'ModelMetrics', 26),
      ],
    },
    'inference.ModelInput': {
      name: 'inference.ModelInput',
      fields: [
        scalar('name', 'string', 1),
        enumField('data_type', 'DataType', 2),
        enumField('format', 'ModelInput.Format', 3),
        scalar('dims', 'int64', 4, repeated),
        msg('reshape', 'ModelTensorReshape', 5),
        scalar('is_shape_tensor', 'bool', 6),
        scalar('allow_ragged_batch', 'bool', 7),
        scalar('optional', 'bool', 8),
        scalar('is_non_linear_format_io', 'bool', 9),
      ],
    },
    'inference.ModelOutput': {
      name: 'inference.ModelOutput',
      fields: [
        scalar('name', 'string', 1),
        enumField('data_type', 'DataType', 2),
        scalar('dims', 'int64', 3, repeated),
        msg('reshape', 'ModelTensorReshape', 5),
        scalar('label_filename', 'string', 4),
        scalar('is_shape_tensor', 'bool', 6),
        scalar('is_non_linear_format_io', 'bool', 7),
      ],
    },
    'inference.ModelTensorReshape': { name: 'inference.ModelTensorReshape', fields: [scalar('shape', 'int64', 1, repeated)] },
    'inference.ModelInstanceGroup': {
      name: 'inference.ModelInstanceGroup',
      fields: [
        scalar('name', 'string', 1),
        enumField('kind', 'ModelInstanceGroup.Kind', 4),
        scalar('count', 'int32', 2),
        msg('rate_limiter', 'ModelRateLimiter', 6),
        scalar('gpus', 'int32', 3, repeated),
        msg('secondary_devices', 'ModelInstanceGroup.SecondaryDevice', 8, repeated),
        scalar('profile', 'string', 5, repeated),
        scalar('passive', 'bool', 7),
        scalar('host_policy', 'string', 9),
      ],
    },
    'inference.ModelDynamicBatching': {
      name: 'inference.ModelDynamicBatching',
      fields: [
        scalar('preferred_batch_size', 'int32', 1, repeated),
        scalar('max_queue_delay_microseconds', 'uint64', 2),
        scalar('preserve_ordering', 'bool', 3),
        scalar('priority_levels', 'uint64', 4),
        scalar('default_priority_level', 'uint64', 5),
        msg('default_queue_policy', 'ModelQueuePolicy', 6),
        msg('priority_queue_policy', 'ModelQueuePolicy', 7, { mapKey: 'uint64' }),
      ],
    },
    'inference.ModelOptimizationPolicy': {
      name: 'inference.ModelOptimizationPolicy',
      fields: [
        msg('graph', 'ModelOptimizationPolicy.Graph', 1),
        enumField('priority', 'ModelOptimizationPolicy.ModelPriority', 2),
        msg('cuda', 'ModelOptimizationPolicy.Cuda', 3),
        msg('execution_accelerators', 'ModelOptimizationPolicy.ExecutionAccelerators', 4),
        msg('input_pinned_memory', 'ModelOptimizationPolicy.PinnedMemoryBuffer', 5),
        msg('output_pinned_memory', 'ModelOptimizationPolicy.PinnedMemoryBuffer', 6),
        scalar('gather_kernel_buffer_threshold', 'uint32', 7),
        scalar('eager_batching', 'bool', 8),
      ],
    },
    'inference.ModelParameter': { name: 'inference.ModelParameter', fields: [scalar('string_value', 'string', 1)] },
  },
  enums: {
    'inference.DataType': {
      TYPE_INVALID: 0,
      TYPE_BOOL: 1,
      TYPE_UINT8: 2,
      TYPE_UINT16: 3,
      TYPE_UINT32: 4,
      TYPE_UINT64: 5,
      TYPE_INT8: 6,
      TYPE_INT16: 7,
      TYPE_INT32: 8,
      TYPE_INT64: 9,
      TYPE_FP16: 10,
      TYPE_FP32: 11,
      TYPE_FP64: 12,
      TYPE_STRING: 13,
      TYPE_BF16: 14,
    },
    'inference.ModelInstanceGroup.Kind': { KIND_AUTO: 0, KIND_GPU: 1, KIND_CPU: 2, KIND_MODEL: 3 },
    'inference.ModelInput.Format': { FORMAT_NONE: 0, FORMAT_NHWC: 1, FORMAT_NCHW: 2 },
    'inference.ModelOptimizationPolicy.ModelPriority': { PRIORITY_DEFAULT: 0, PRIORITY_MAX: 1, PRIORITY_MIN: 2 },
  },
};
