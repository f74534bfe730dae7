/**
 * Values of small tensors (shape constants, scales, pads...) decoded from a TensorProto header that the walker kept
 * together with its (small) payload. Big tensors never get here: the walker skips their payload.
 */

/** Tensors with at most this many elements get their values in the summary. */
export const MAX_DECODED_ELEMENTS = 64;

/** Payload bytes the walker keeps per tensor to decode values: 64 elements of the widest type (complex128). */
export const MAX_DECODED_PAYLOAD_BYTES = MAX_DECODED_ELEMENTS * 16;

/**
 * The shortest decimal that reads back as the same float32: 1e-5 rather than 0.000009999999747378752 (float32
 * attributes and values are widened to double on decode; printing the double shows float noise).
 */
export function shortestFloat32(x: number): number {
  if (!Number.isFinite(x)) return x;
  for (let p = 1; p <= 9; p++) {
    const candidate = Number(x.toPrecision(p));
    if (Math.fround(candidate) === x) return candidate;
  }
  return x;
}

export function halfToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >> 10) & 0x1f;
  const frac = bits & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

function bfloat16ToNumber(bits: number): number {
  const view = new DataView(new ArrayBuffer(4));
  view.setUint32(0, (bits & 0xffff) << 16);
  return view.getFloat32(0);
}

/** Readers of one little-endian element from raw_data, by TensorProto.DataType. */
const RAW: Record<number, [size: number, read: (v: DataView, at: number) => number]> = {
  1: [4, (v, a) => shortestFloat32(v.getFloat32(a, true))],
  2: [1, (v, a) => v.getUint8(a)],
  3: [1, (v, a) => v.getInt8(a)],
  4: [2, (v, a) => v.getUint16(a, true)],
  5: [2, (v, a) => v.getInt16(a, true)],
  6: [4, (v, a) => v.getInt32(a, true)],
  7: [8, (v, a) => Number(v.getBigInt64(a, true))],
  9: [1, (v, a) => v.getUint8(a)],
  10: [2, (v, a) => halfToNumber(v.getUint16(a, true))],
  11: [8, (v, a) => v.getFloat64(a, true)],
  12: [4, (v, a) => v.getUint32(a, true)],
  13: [8, (v, a) => Number(v.getBigUint64(a, true))],
  16: [2, (v, a) => bfloat16ToNumber(v.getUint16(a, true))],
};

function nums(value: unknown): number[] {
  return Array.isArray(value) ? value.map(Number) : [];
}

/**
 * The tensor's values as numbers (int64 as the nearest double), or undefined when they are not decodable here
 * (string, complex, 8/4-bit types, or a payload that does not match the element count).
 */
export function decodeTensorValues(dataType: number, header: Record<string, unknown>, count: number): number[] | undefined {
  let values: number[] | undefined;
  const raw = header.raw_data;
  if (raw instanceof Uint8Array && raw.length > 0) {
    const reader = RAW[dataType];
    if (!reader || raw.length !== count * reader[0]) return undefined;
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    values = [];
    for (let i = 0; i < count; i++) values.push(reader[1](view, i * reader[0]));
    return values;
  }
  switch (dataType) {
    case 1:
      values = nums(header.float_data).map(shortestFloat32);
      break;
    case 2:
    case 3:
    case 4:
    case 5:
    case 6:
    case 9:
      values = nums(header.int32_data);
      break;
    case 10:
      values = nums(header.int32_data).map(halfToNumber);
      break;
    case 16:
      values = nums(header.int32_data).map(bfloat16ToNumber);
      break;
    case 7:
      values = nums(header.int64_data);
      break;
    case 11:
      values = nums(header.double_data);
      break;
    case 12:
    case 13:
      values = nums(header.uint64_data);
      break;
    default:
      return undefined;
  }
  return values.length === count ? values : undefined;
}
