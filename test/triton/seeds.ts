/**
 * Mismatches seeded into the configs trt-node generates for the bundled example and two_input_bias: each edit is one
 * Triton reports only when it loads the model, with the finding code the lint must give and the line it must name.
 * The lint test checks each is found; the schema test checks each seeded config still reads against Triton's proto.
 */
import type { TritonFindingCode } from '../../lib/triton/findings';

/** 1-based line of the `occurrence`-th line (0 first, -1 last) holding `marker`. */
export function lineOf(text: string, marker: string, occurrence = 0): number {
  const lines = text.split('\n').map((l, i) => ({ l, i })).filter(({ l }) => l.includes(marker));
  const hit = lines.at(occurrence);
  if (!hit) throw new Error(`no line holds ${marker}`);
  return hit.i + 1;
}

/** `text` with the `occurrence`-th `from` (0 first, -1 last) replaced. */
export function replaceAt(text: string, from: string, to: string, occurrence = 0): string {
  const at: number[] = [];
  for (let i = text.indexOf(from); i >= 0; i = text.indexOf(from, i + 1)) at.push(i);
  const i = at.at(occurrence);
  if (i === undefined) throw new Error(`no ${from}`);
  return text.slice(0, i) + to + text.slice(i + from.length);
}

export interface Seed {
  what: string;
  edit: (text: string) => string;
  code: TritonFindingCode;
  /** The line the finding must name: the one holding this text in the seeded config (its occurrence). */
  at: [string, number?];
}

export const EXAMPLE_SEEDS: Seed[] = [
  { what: 'dims: a fixed axis differs', edit: (t) => replaceAt(t, 'dims: [ 1, -1, -1 ]', 'dims: [ 3, -1, -1 ]'), code: 'TRITON_DIMS_MISMATCH', at: ['dims: [ 3, -1, -1 ]'] },
  { what: 'dims: the batch axis listed although max_batch_size > 0', edit: (t) => replaceAt(t, 'dims: [ 1, -1, -1 ]', 'dims: [ -1, 1, -1, -1 ]'), code: 'TRITON_DIMS_RANK', at: ['dims: [ -1, 1, -1, -1 ]'] },
  { what: 'dims: 0 is not a dimension', edit: (t) => replaceAt(t, 'dims: [ 1, -1, -1 ]', 'dims: [ 1, 0, -1 ]', -1), code: 'TRITON_DIMS_INVALID', at: ['dims: [ 1, 0, -1 ]'] },
  { what: 'dtype: FP16 for a float32 input', edit: (t) => replaceAt(t, 'TYPE_FP32', 'TYPE_FP16'), code: 'TRITON_DTYPE_MISMATCH', at: ['TYPE_FP16'] },
  { what: 'dtype: a type TensorRT models do not have', edit: (t) => replaceAt(t, 'TYPE_FP32', 'TYPE_STRING', -1), code: 'TRITON_DTYPE_UNSUPPORTED', at: ['TYPE_STRING'] },
  { what: 'batch: max_batch_size above the profile max', edit: (t) => t.replace('max_batch_size: 8', 'max_batch_size: 16'), code: 'TRITON_BATCH_TOO_LARGE', at: ['max_batch_size: 16'] },
  { what: 'batch: a preferred batch size above max_batch_size', edit: (t) => t.replace('dynamic_batching { }', 'dynamic_batching {\n  preferred_batch_size: [ 4, 32 ]\n}'), code: 'TRITON_PREFERRED_BATCH', at: ['preferred_batch_size'] },
  { what: 'profile: a fixed size outside the profile', edit: (t) => replaceAt(t, 'dims: [ 1, -1, -1 ]', 'dims: [ 1, 2048, -1 ]'), code: 'TRITON_DIMS_PROFILE', at: ['dims: [ 1, 2048, -1 ]'] },
  { what: 'profile: an index the engine does not have', edit: (t) => t.replace('count: 1', 'count: 1\n    profile: [ "1" ]'), code: 'TRITON_PROFILE_INVALID', at: ['profile: [ "1" ]'] },
  { what: 'names: an input the engine does not have', edit: (t) => t.replace('name: "input"', 'name: "images"'), code: 'TRITON_INPUT_UNKNOWN', at: ['name: "images"'] },
  { what: 'names: the engine input then goes unconfigured', edit: (t) => t.replace('name: "input"', 'name: "images"'), code: 'TRITON_INPUT_MISSING', at: ['input [', 0] },
  { what: 'names: an output named as the input', edit: (t) => t.replace('name: "output"', 'name: "input"'), code: 'TRITON_OUTPUT_UNKNOWN', at: ['name: "input"', -1] },
  { what: 'counts: an input configured twice', edit: (t) => t.replace(/(input \[\n)(  \{[^}]*\})/, '$1$2,\n$2'), code: 'TRITON_IO_DUPLICATE', at: ['name: "input"', 1] },
  { what: 'platform: another backend', edit: (t) => t.replace('"tensorrt_plan"', '"onnxruntime_onnx"'), code: 'TRITON_PLATFORM', at: ['onnxruntime_onnx'] },
  { what: 'instances: on CPUs', edit: (t) => t.replace('KIND_GPU', 'KIND_CPU'), code: 'TRITON_INSTANCE_KIND', at: ['KIND_CPU'] },
  { what: 'syntax: a scalar without its colon', edit: (t) => t.replace('max_batch_size: 8', 'max_batch_size 8'), code: 'TRITON_SYNTAX', at: ['max_batch_size 8'] },
];

export const TWO_INPUT_SEEDS: Seed[] = [
  { what: 'batch: max_batch_size > 0 while bias has a fixed first axis', edit: (t) => t.replace('max_batch_size: 0', 'max_batch_size: 4'), code: 'TRITON_BATCH_AXIS', at: ['max_batch_size: 4'] },
  { what: 'dims: the batch axis left out although max_batch_size is 0', edit: (t) => t.replace('dims: [ 1, 8, 1, 1 ]', 'dims: [ 8, 1, 1 ]'), code: 'TRITON_DIMS_RANK', at: ['dims: [ 8, 1, 1 ]'] },
  { what: 'dims: a fixed axis of the second input differs', edit: (t) => t.replace('dims: [ 1, 8, 1, 1 ]', 'dims: [ 1, 3, 1, 1 ]'), code: 'TRITON_DIMS_MISMATCH', at: ['dims: [ 1, 3, 1, 1 ]'] },
  { what: 'profile: a size fixed that only profile 1 takes', edit: (t) => replaceAt(t, 'dims: [ -1, 3, -1, -1 ]', 'dims: [ -1, 3, 128, -1 ]'), code: 'TRITON_DIMS_PROFILE', at: ['dims: [ -1, 3, 128, -1 ]'] },
  { what: 'counts: bias left out of the inputs', edit: (t) => t.replace(/,\n\s*\{\n\s*name: "bias"[^}]*\}/, ''), code: 'TRITON_INPUT_MISSING', at: ['input [', 0] },
  { what: 'counts: a third input the engine does not have', edit: (t) => t.replace(/(\n\s*name: "bias"[^}]*\})/, '$1,\n  {\n    name: "scale"\n    data_type: TYPE_FP32\n    dims: [ 1 ]\n  }'), code: 'TRITON_INPUT_UNKNOWN', at: ['name: "scale"'] },
  { what: 'names: bias misspelt', edit: (t) => t.replace('name: "bias"', 'name: "Bias"'), code: 'TRITON_INPUT_UNKNOWN', at: ['name: "Bias"'] },
  { what: 'dtype: bias as int64', edit: (t) => replaceAt(t, 'TYPE_FP32', 'TYPE_INT64', 1), code: 'TRITON_DTYPE_MISMATCH', at: ['TYPE_INT64'] },
];
