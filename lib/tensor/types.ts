/**
 * The tensor shape trt-node speaks everywhere: the same fields as onnxruntime's `Tensor` (type, dims, data), so an
 * `ort.Tensor` is accepted as is and results can be handed to onnxruntime-node without conversion.
 *
 * Every type onnxruntime-node carries is here except bfloat16 (onnxruntime-node's JS API has none): numbers in typed
 * arrays, and strings as `string[]` (numpy's `<U` and `|S` arrays read as string tensors). TensorRT has no int16,
 * uint16, uint32, uint64 or string tensors; lib/trt refuses them by name.
 */

/** Element types held in typed arrays. */
export type NumericTensorType =
  | 'float32'
  | 'float16'
  | 'float64'
  | 'int64'
  | 'int32'
  | 'int16'
  | 'int8'
  | 'uint64'
  | 'uint32'
  | 'uint16'
  | 'uint8'
  | 'bool';

export type TensorType = NumericTensorType | 'string';

export type NumericTensorData =
  | Float32Array
  | Float64Array
  | Uint16Array // float16 (raw IEEE-754 half bits, as onnxruntime-node carries them) and uint16
  | BigInt64Array
  | BigUint64Array
  | Int32Array
  | Uint32Array
  | Int16Array
  | Int8Array
  | Uint8Array; // uint8 and bool

export type TensorData = NumericTensorData | string[];

export interface TensorLike {
  readonly type: TensorType;
  readonly dims: readonly number[];
  readonly data: TensorData;
}

/** Named tensors, e.g. a model's feeds or outputs, or the arrays of an .npz file (insertion order kept). */
export type NamedTensors = Record<string, TensorLike>;

export const NUMERIC_TENSOR_TYPES: readonly NumericTensorType[] = [
  'float32',
  'float16',
  'float64',
  'int64',
  'int32',
  'int16',
  'int8',
  'uint64',
  'uint32',
  'uint16',
  'uint8',
  'bool',
];

export const TENSOR_TYPES: readonly TensorType[] = [...NUMERIC_TENSOR_TYPES, 'string'];

export function isNumericType(type: string): type is NumericTensorType {
  return (NUMERIC_TENSOR_TYPES as readonly string[]).includes(type);
}

/** Bytes per element of each typed-array tensor type. */
export const ELEMENT_SIZE: Readonly<Record<NumericTensorType, number>> = {
  float32: 4,
  float16: 2,
  float64: 8,
  int64: 8,
  int32: 4,
  int16: 2,
  int8: 1,
  uint64: 8,
  uint32: 4,
  uint16: 2,
  uint8: 1,
  bool: 1,
};

export function elementCount(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

/** The typed array each numeric type is carried in (float16 as raw bits in Uint16Array, bool in Uint8Array). */
export const ARRAY_CLASS: Readonly<
  Record<NumericTensorType, { new (buffer: ArrayBufferLike, byteOffset?: number, length?: number): NumericTensorData; new (length: number): NumericTensorData; readonly name: string }>
> = {
  float32: Float32Array,
  float16: Uint16Array,
  float64: Float64Array,
  int64: BigInt64Array,
  int32: Int32Array,
  int16: Int16Array,
  int8: Int8Array,
  uint64: BigUint64Array,
  uint32: Uint32Array,
  uint16: Uint16Array,
  uint8: Uint8Array,
  bool: Uint8Array,
};

/** Bytes a tensor's data holds in memory (strings: their UTF-16 code units, roughly). */
export function dataBytes(data: TensorData): number {
  if (Array.isArray(data)) return data.reduce((n, s) => n + 2 * s.length, 0);
  return data.byteLength;
}
