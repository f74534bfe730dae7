/**
 * The tensor shape trt-node speaks everywhere: the same fields as onnxruntime's `Tensor` (type, dims, data), so an
 * `ort.Tensor` is accepted as is and results can be handed to onnxruntime-node without conversion.
 */
export type TensorType = 'float32' | 'float16' | 'float64' | 'int64' | 'int32' | 'int8' | 'uint8' | 'bool';

export type TensorData =
  | Float32Array
  | Float64Array
  | Uint16Array // float16, stored as raw IEEE-754 half bits (as onnxruntime-node does)
  | BigInt64Array
  | Int32Array
  | Int8Array
  | Uint8Array; // uint8 and bool

export interface TensorLike {
  readonly type: TensorType;
  readonly dims: readonly number[];
  readonly data: TensorData;
}

/** Named tensors, e.g. a model's feeds or outputs, or the arrays of an .npz file (insertion order kept). */
export type NamedTensors = Record<string, TensorLike>;

export const TENSOR_TYPES: readonly TensorType[] = ['float32', 'float16', 'float64', 'int64', 'int32', 'int8', 'uint8', 'bool'];

/** Bytes per element of each tensor type. */
export const ELEMENT_SIZE: Readonly<Record<TensorType, number>> = {
  float32: 4,
  float16: 2,
  float64: 8,
  int64: 8,
  int32: 4,
  int8: 1,
  uint8: 1,
  bool: 1,
};

export function elementCount(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

/** The typed array each tensor type is carried in (float16 as raw bits in Uint16Array, bool in Uint8Array). */
export const ARRAY_CLASS: Readonly<Record<TensorType, { new (buffer: ArrayBufferLike, byteOffset?: number, length?: number): TensorData; readonly name: string }>> = {
  float32: Float32Array,
  float16: Uint16Array,
  float64: Float64Array,
  int64: BigInt64Array,
  int32: Int32Array,
  int8: Int8Array,
  uint8: Uint8Array,
  bool: Uint8Array,
};
