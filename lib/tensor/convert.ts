/**
 * Turns whatever a caller hands us as a tensor — an onnxruntime `Tensor`, a TensorLike, or a plain
 * `{type, dims, data}` with a number array — into a validated TensorLike, so runners can trust type, dims and data.
 */
import { InvalidTypeError, InvalidValueError, ShapeError } from '../errors';
import type { NamedRecord } from '../util/names';
import * as v from '../validate';
import { TENSOR_TYPES, TensorData, TensorLike, TensorType } from './types';

/**
 * The typed array each type needs, by its toStringTag rather than `instanceof`: arrays made in another realm (a vm
 * context, jest's sandbox, onnxruntime's native outputs seen from there) carry the same tag but another constructor.
 */
const EXPECTED_ARRAY: Readonly<Record<TensorType, string>> = {
  float32: 'Float32Array',
  float16: 'Uint16Array',
  float64: 'Float64Array',
  int64: 'BigInt64Array',
  int32: 'Int32Array',
  int16: 'Int16Array',
  int8: 'Int8Array',
  uint64: 'BigUint64Array',
  uint32: 'Uint32Array',
  uint16: 'Uint16Array',
  uint8: 'Uint8Array',
  bool: 'Uint8Array',
  string: 'Array', // of strings
};

/** 'Float32Array' etc. for a typed array of any realm (Buffer gives 'Uint8Array'), undefined for anything else. */
function typedArrayTag(value: unknown): string | undefined {
  if (!ArrayBuffer.isView(value)) return undefined;
  const tag = (value as unknown as Record<symbol, unknown>)[Symbol.toStringTag];
  return typeof tag === 'string' && tag !== 'DataView' ? tag : undefined;
}

/** Integer ranges for converting plain number arrays. */
const INT_RANGE: Partial<Record<TensorType, [number, number]>> = {
  int32: [-(2 ** 31), 2 ** 31 - 1],
  int16: [-(2 ** 15), 2 ** 15 - 1],
  int8: [-128, 127],
  uint32: [0, 2 ** 32 - 1],
  uint16: [0, 2 ** 16 - 1],
  uint8: [0, 255],
};

const INT_ARRAY = { int32: Int32Array, int16: Int16Array, int8: Int8Array, uint32: Uint32Array, uint16: Uint16Array, uint8: Uint8Array } as const;

function fromPlainArray(type: TensorType, values: readonly unknown[], name: string): TensorData {
  const bad = (i: number, expected: string): never => {
    throw new InvalidValueError(`${name}.data[${i}]`, expected, values[i]);
  };
  switch (type) {
    case 'float32':
    case 'float64': {
      const out = type === 'float32' ? new Float32Array(values.length) : new Float64Array(values.length);
      values.forEach((v, i) => (typeof v === 'number' ? (out[i] = v) : bad(i, 'a number')));
      return out;
    }
    case 'int64':
    case 'uint64': {
      const signed = type === 'int64';
      const out = signed ? new BigInt64Array(values.length) : new BigUint64Array(values.length);
      const fits = (b: bigint) => (signed ? BigInt.asIntN(64, b) === b : BigInt.asUintN(64, b) === b);
      values.forEach((v, i) => {
        if (typeof v === 'bigint' && fits(v)) out[i] = v;
        else if (typeof v === 'number' && Number.isSafeInteger(v) && fits(BigInt(v))) out[i] = BigInt(v);
        else bad(i, `a safe integer or a bigint within ${type}`);
      });
      return out;
    }
    case 'string': {
      values.forEach((v, i) => typeof v === 'string' || bad(i, 'a string'));
      return values as string[];
    }
    case 'bool': {
      const out = new Uint8Array(values.length);
      values.forEach((v, i) => (typeof v === 'boolean' || v === 0 || v === 1 ? (out[i] = Number(v)) : bad(i, 'a boolean (or 0/1)')));
      return out;
    }
    case 'float16':
      throw new InvalidTypeError(`${name}.data`, 'a Uint16Array of IEEE-754 half bits for a float16 tensor', values);
    default: {
      const [lo, hi] = INT_RANGE[type]!;
      const out = new INT_ARRAY[type as keyof typeof INT_ARRAY](values.length);
      values.forEach((v, i) =>
        typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi ? (out[i] = v) : bad(i, `an integer in [${lo}, ${hi}]`),
      );
      return out;
    }
  }
}

/**
 * Validates `value` as a tensor and returns it as a TensorLike (sharing its data; number arrays are converted).
 * Accepts onnxruntime-node `Tensor`s as they are (float16 as Uint16Array raw bits, or a Float16Array where the
 * platform has one, reinterpreted as bits), bool as Uint8Array, int64/uint64 as BigInt64Array/BigUint64Array,
 * string tensors as arrays of strings. bfloat16 is refused by name: onnxruntime-node's JS API cannot carry it.
 * @param name names the tensor in error messages.
 * @throws InvalidTypeError (not a tensor, data of the wrong array type), InvalidValueError (unsupported type, tensor
 *   not on the CPU, bad dims), ShapeError (dims do not match the data length).
 */
export function toTensorLike(value: unknown, name: string): TensorLike {
  if (value === null || typeof value !== 'object') throw new InvalidTypeError(name, 'a tensor {type, dims, data}', value);
  const v = value as { type?: unknown; dims?: unknown; data?: unknown; location?: unknown };
  // onnxruntime tensors living on a GPU throw when `.data` is read: say what to do instead.
  if (v.location !== undefined && v.location !== 'cpu' && v.location !== 'cpu-pinned') {
    throw new InvalidValueError(`${name}.location`, "'cpu'", v.location, 'Download the tensor first: await tensor.getData(true)');
  }
  const type = v.type;
  if (type === 'bfloat16') {
    throw new InvalidValueError(
      `${name}.type`,
      `one of ${TENSOR_TYPES.join(', ')}`,
      type,
      "onnxruntime-node has no bfloat16 tensors; convert to float32 (torch: t.float(); numpy: a.astype('float32')) and cast in the model if needed",
    );
  }
  if (typeof type !== 'string' || !(TENSOR_TYPES as readonly string[]).includes(type)) {
    throw new InvalidValueError(`${name}.type`, `one of ${TENSOR_TYPES.join(', ')}`, type);
  }
  const t = type as TensorType;
  if (!Array.isArray(v.dims)) throw new InvalidTypeError(`${name}.dims`, 'an array of non-negative integers', v.dims);
  const dims = [...(v.dims as unknown[])].map((d, i) => {
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) {
      throw new InvalidValueError(`${name}.dims[${i}]`, 'a non-negative integer', d);
    }
    return d;
  });
  let data = v.data;
  if (t === 'float16' && typedArrayTag(data) === 'Float16Array') {
    const d = data as ArrayBufferView;
    data = new Uint16Array(d.buffer, d.byteOffset, d.byteLength / 2); // same bits, the form onnxruntime-node uses
  }
  if (Array.isArray(data)) data = fromPlainArray(t, data, name);
  if (t === 'string' ? !Array.isArray(data) : typedArrayTag(data) !== EXPECTED_ARRAY[t]) {
    throw new InvalidTypeError(`${name}.data`, t === 'string' ? 'an array of strings (the data of a string tensor)' : `a ${EXPECTED_ARRAY[t]} (the data of a ${t} tensor)`, data);
  }
  const typed = data as TensorData;
  let count = 1;
  for (const d of dims) count *= d;
  if (typed.length !== count) {
    throw new ShapeError(
      `Tensor '${name}': dims [${dims.join(', ')}] hold ${count} elements but its data has ${typed.length}`,
      { tensor: name, dims, dataLength: typed.length },
    );
  }
  return { type: t, dims, data: typed };
}

/** Tensors by name (an object or a Map), each validated; a null-prototype record sharing the tensors' data. */
export function namedTensors(value: unknown, parameter: string): NamedRecord<TensorLike> {
  return v.record(value, parameter, toTensorLike, 'an object of tensors by name');
}

/** A path to an .npz file, or tensors by name: what check's samples and crossCheck's samples take. */
export function tensorsOrFile(value: unknown, parameter: string): string | NamedRecord<TensorLike> {
  if (typeof value === 'string') return v.filePath(value, parameter);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidTypeError(parameter, 'a path to an .npz file or an object of tensors by name', value);
  }
  return namedTensors(value, parameter);
}
