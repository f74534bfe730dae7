/**
 * A Triton model configuration that agrees with a TensorRT engine: its inputs and outputs with Triton's data types,
 * dims with -1 per dynamic axis (the batch axis left out when max_batch_size > 0), max_batch_size within what the
 * profiles take along the first axis, instance groups on GPUs selecting every profile, and dynamic batching when
 * asked. The text is linted against the same IO before it is returned: a config trt-node writes passes its own lint.
 */
import { InvalidTypeError, InvalidValueError, TrtNodeError } from '../errors';
import { quoted } from '../util/terminal';
import { readTritonConfig, TENSORRT_PLATFORM, tritonDataType, type TritonInstanceGroup, type TritonModelConfig, type TritonModelInput } from './config';
import { batchSupport, type BatchSupport, type EngineIO } from './engine-io';
import { lintTritonConfig } from './lint';
import { MODEL_CONFIG, TRITON_SCHEMA } from './schema';
import { formatTextFormat } from './writer';

export interface TritonConfigOptions {
  /** The model's name: Triton requires it to be the name of the model's folder in the repository. */
  name: string;
  /** Default: the largest batch the profiles take along the first axis when every input and output batches, else 0. */
  maxBatchSize?: number;
  /** Instances per GPU (instance_group count). Default 1. */
  instances?: number;
  /** The GPUs to place instances on. Default: every GPU Triton sees. */
  gpus?: readonly number[];
  /** Add dynamic_batching (with this queue delay, µs, when a number). Needs max_batch_size > 0. */
  dynamicBatching?: boolean | { maxQueueDelayMicroseconds?: number };
  /** How the caller names each option in messages (a CLI passes its flags). */
  optionNames?: Partial<Record<'name' | 'maxBatchSize' | 'instances' | 'gpus' | 'dynamicBatching', string>>;
}

export interface TritonConfigResult {
  config: TritonModelConfig;
  /** config.pbtxt's text. */
  text: string;
  maxBatchSize: number;
  batch: BatchSupport;
  /** What a reader of the config should know (why max_batch_size is 0, what the IO was derived from...). */
  notes: string[];
}

const NAME_PATTERN = /^[^/\\\0]+$/;

function wholeNumber(value: unknown, option: string, min: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new InvalidTypeError(option, 'a whole number', value);
  if (value < min) throw new InvalidValueError(option, `a whole number ≥ ${min}`, value);
  return value;
}

/** The config for `io` (see the file's header), with its text. Throws on options the engine cannot honour. */
export function tritonConfigFor(io: EngineIO, options: TritonConfigOptions): TritonConfigResult {
  const names = { name: 'name', maxBatchSize: 'maxBatchSize', instances: 'instances', gpus: 'gpus', dynamicBatching: 'dynamicBatching', ...options.optionNames };
  if (typeof options.name !== 'string' || !NAME_PATTERN.test(options.name) || options.name === '.' || options.name === '..') {
    throw new InvalidValueError(names.name, 'a model name usable as a folder name (no / or \\)', options.name);
  }
  const instances = options.instances === undefined ? 1 : wholeNumber(options.instances, names.instances, 1);
  const gpus = options.gpus?.map((g, i) => wholeNumber(g, `${names.gpus}[${i}]`, 0));
  const batch = batchSupport(io);
  const notes: string[] = [];
  for (const [kind, tensors] of [['input', io.inputs], ['output', io.outputs]] as const) {
    const odd = tensors.find((t) => tritonDataType(t.type) === undefined);
    if (odd) {
      throw new TrtNodeError('ERR_TRT_NODE_UNSUPPORTED_OPTION', `${kind} ${quoted(odd.name)} is ${odd.type}, which Triton cannot exchange with a TensorRT model (it has float32, float16, bfloat16, int8, uint8, int32, int64 and bool): export the model with a Cast to one of those at that ${kind}`, { tensor: odd.name, type: odd.type });
    }
  }

  let maxBatchSize: number;
  if (options.maxBatchSize === undefined) {
    maxBatchSize = batch.batchable ? batch.maxBatch : 0;
    if (!batch.batchable) notes.push(`max_batch_size 0: ${batch.reason}, so Triton passes each request's full shape (export with that axis in dynamic_axes to let Triton batch)`);
  } else {
    maxBatchSize = wholeNumber(options.maxBatchSize, names.maxBatchSize, 0);
    if (maxBatchSize > 0 && !batch.batchable) {
      throw new TrtNodeError('ERR_TRT_NODE_USAGE', `${names.maxBatchSize} ${maxBatchSize}: Triton batches along the first axis of every input and output, and ${batch.reason}. Use 0, or export the model with that axis dynamic`, { option: names.maxBatchSize });
    }
    if (maxBatchSize > batch.maxBatch) {
      throw new InvalidValueError(names.maxBatchSize, `at most ${batch.maxBatch}, the largest batch the engine's profiles take (max of the first axis)`, maxBatchSize, 'Rebuild the engine with a larger max batch in its profiles');
    }
  }
  const batching = maxBatchSize > 0;
  if (batching && batch.minBatch > 1) notes.push(`the profiles take batches of at least ${batch.minBatch}: Triton's smaller batches will fail; rebuild with min batch 1`);

  const tensor = (t: { name: string; type: string; dims: readonly number[] }): TritonModelInput => ({
    name: t.name,
    data_type: tritonDataType(t.type)!,
    dims: batching ? t.dims.slice(1) : [...t.dims],
  });
  const group: TritonInstanceGroup = { kind: 'KIND_GPU', count: instances };
  if (gpus?.length) group.gpus = gpus;
  // Without `profile` Triton uses profile 0 only: list every profile so that each instance can take every shape.
  if (io.profileCount > 1) group.profile = Array.from({ length: io.profileCount }, (_, i) => String(i));

  const config: TritonModelConfig = {
    name: options.name,
    platform: TENSORRT_PLATFORM,
    max_batch_size: maxBatchSize,
    input: io.inputs.map(tensor),
    output: io.outputs.map(tensor),
    instance_group: [group],
  };
  if (options.dynamicBatching) {
    if (!batching) {
      throw new TrtNodeError('ERR_TRT_NODE_USAGE', `${names.dynamicBatching}: dynamic batching needs max_batch_size > 0, and it is 0 here${batch.batchable ? '' : ` because ${batch.reason}`}`, { option: names.dynamicBatching });
    }
    const delay = typeof options.dynamicBatching === 'object' ? options.dynamicBatching.maxQueueDelayMicroseconds : undefined;
    config.dynamic_batching = delay === undefined ? {} : { max_queue_delay_microseconds: wholeNumber(delay, `${names.dynamicBatching}.maxQueueDelayMicroseconds`, 0) };
  }

  const header = [
    `Triton model configuration written by trt-node for a TensorRT plan (${io.source === 'engine' ? "IO read from the plan" : 'IO derived from the ONNX model and the build profiles; no plan was read'}).`,
    `Check it against the plan: trt-node check --triton-config config.pbtxt --engine <version>/model.plan`,
  ];
  const text = formatTextFormat(config, TRITON_SCHEMA, MODEL_CONFIG, header);
  const lint = lintTritonConfig(readTritonConfig(text), io);
  const errors = lint.findings.filter((f) => f.severity === 'error');
  if (errors.length) {
    // A bug of ours: what trt-node writes must pass its own lint.
    throw new Error(`trt-node wrote a Triton config its own lint refuses: ${errors.map((f) => `${f.code} ${f.message}`).join('; ')}`);
  }
  notes.push(...lint.findings.filter((f) => f.severity === 'warning').map((f) => f.message));
  return { config, text, maxBatchSize, batch, notes };
}
