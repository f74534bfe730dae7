/**
 * .npy files (what numpy.save writes): read and write the tensor types trt-node speaks, C order, little-endian.
 * Big-endian files ('>f4') are read by swapping the bytes, Fortran-order ones by reordering them into C order. Reading returns a view on the given bytes when the data
 * start is aligned for the element type (numpy aligns it to 64 bytes), and a copy otherwise.
 *
 * String arrays: numpy's `<U` (fixed-width UTF-32) and `|S` (fixed-width bytes, read as UTF-8) arrays become
 * string tensors (`string[]`, trailing NULs stripped as numpy does); string tensors are written as `<U`.
 */
import { FileError, InvalidTypeError } from '../errors';
import { writeFileAtomic } from '../io/atomic-write';
import { budgetError, checkBudget, formatByteSize, maxTensorBytes } from '../io/budget';
import { forTerminal } from '../util/terminal';
import { readFileLimited } from '../io/read-file';
import * as v from '../validate';
import { toTensorLike } from './convert';
import { DESCR, NpyHeader, NpyLocation, formatNpyHeader, npyError, parseNpyHeader, shapeText } from './npy-header';
import { ARRAY_CLASS, ELEMENT_SIZE, NumericTensorData, TensorData, TensorLike } from './types';

const HOST_LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** Reverses the bytes of each `size`-byte element in place. */
function swapBytes(bytes: Uint8Array, size: number): void {
  if (size === 1) return;
  for (let i = 0; i < bytes.length; i += size) {
    for (let a = i, b = i + size - 1; a < b; a++, b--) {
      const t = bytes[a];
      bytes[a] = bytes[b];
      bytes[b] = t;
    }
  }
}

/** Per-element cost of a JS string beyond its characters (header, pointer in the array), for the budget. */
const STRING_OVERHEAD = 32;

/** Where an array is (file, array) as text for budget messages. */
export function arrayLabel(at: NpyLocation): string {
  return at.array === undefined ? forTerminal(at.file) : `${forTerminal(at.file)}: array '${forTerminal(at.array)}'`;
}

/** The bytes an array of `header` occupies in the file (count × item size), checked to be representable. */
export function npyDataBytes(header: NpyHeader, at: NpyLocation): number {
  let count = 1;
  for (const d of header.dims) {
    count *= d;
    if (!Number.isSafeInteger(count * header.itemSize)) {
      throw npyError(at, `has shape ${shapeText(header.dims)}, too large to hold in memory`);
    }
  }
  return count * header.itemSize;
}

/**
 * Whether the data is stored in Fortran (column-major) order in a way that differs from C order: numpy writes
 * `fortran_order: True` for transposes and np.asfortranarray, and reads such arrays back with the same values at the
 * same indices. trt-node hands out C order, so those are reordered (a copy). With at most one axis longer than 1
 * both orders lay out the same bytes.
 */
function reorders(header: NpyHeader): boolean {
  return header.fortranOrder && header.dims.filter((d) => d > 1).length > 1;
}

/** Column-major `src` (dims `dims`) in row-major order, into `out` (same length): a[i0..ir] at Σ i_k · Π_{j<k} d_j. */
function fortranToC<T extends { length: number; [i: number]: unknown }>(src: T, out: T, dims: readonly number[]): T {
  const rank = dims.length;
  const strides = new Array<number>(rank);
  for (let k = 0, s = 1; k < rank; s *= dims[k], k++) strides[k] = s;
  const index = new Array<number>(rank).fill(0);
  let from = 0;
  for (let c = 0; c < out.length; c++) {
    out[c] = src[from];
    for (let k = rank - 1; k >= 0; k--) {
      from += strides[k];
      if (++index[k] < dims[k]) break;
      from -= strides[k] * dims[k];
      index[k] = 0;
    }
  }
  return out;
}

/** Whether decoding data starting at `byteOffset` copies it (misaligned for its type, or byte-swapped). */
function needsCopy(header: NpyHeader, byteOffset: number): boolean {
  const size = header.itemSize;
  return header.type !== 'string' && size > 1 && (byteOffset % size !== 0 || header.bigEndian === HOST_LITTLE_ENDIAN);
}

/**
 * What decoding `header`'s data allocates beyond the bytes it is decoded from: a copy when the data is misaligned or
 * byte-swapped, JS strings (≈ 2 bytes a character plus a per-string overhead) for string arrays, else nothing.
 */
export function decodeCost(header: NpyHeader, dataBytes: number, dataByteOffset: number): number {
  if (header.type === 'string') {
    const chars = header.stringKind === 'U' ? header.itemSize / 4 : header.itemSize;
    return (dataBytes / header.itemSize) * (STRING_OVERHEAD + 2 * chars);
  }
  return (needsCopy(header, dataByteOffset) ? dataBytes : 0) + (reorders(header) ? dataBytes : 0);
}

/** `what` for budget messages: the array, its shape and dtype. */
export function arrayDescription(header: NpyHeader, at: NpyLocation): string {
  return `${arrayLabel(at)} (shape ${shapeText(header.dims)} of ${header.type}, dtype '${forTerminal(header.descr)}')`;
}

export function arrayDetails(at: NpyLocation): Record<string, unknown> {
  return { file: at.file, ...(at.array !== undefined ? { array: at.array } : {}) };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Fixed-width numpy strings → JS strings, trailing NULs stripped (numpy does the same on reading). */
function decodeStrings(body: Uint8Array, header: NpyHeader, count: number, at: NpyLocation): string[] {
  const out = new Array<string>(count);
  const w = header.itemSize;
  if (header.stringKind === 'U') {
    const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
    const little = !header.bigEndian;
    const points: number[] = [];
    for (let i = 0; i < count; i++) {
      points.length = 0;
      for (let o = i * w; o < (i + 1) * w; o += 4) points.push(view.getUint32(o, little));
      while (points.length && points[points.length - 1] === 0) points.pop();
      const bad = points.find((p) => p > 0x10ffff || (p >= 0xd800 && p <= 0xdfff));
      if (bad !== undefined) throw npyError(at, `element ${i} holds ${bad.toString(16)}, not a Unicode code point: the file is corrupt`);
      let s = '';
      for (let k = 0; k < points.length; k += 4096) s += String.fromCodePoint(...points.slice(k, k + 4096));
      out[i] = s;
    }
    return out;
  }
  for (let i = 0; i < count; i++) {
    let end = (i + 1) * w;
    while (end > i * w && body[end - 1] === 0) end--;
    try {
      out[i] = utf8.decode(body.subarray(i * w, end));
    } catch {
      throw npyError(at, `element ${i} of a bytes ('|S') array is not UTF-8 text; string tensors hold text. Save it with a.astype(str)`);
    }
  }
  return out;
}

/**
 * Bytes of a header's data: checks the size (truncated / trailing bytes) and returns an aligned view or a copy.
 * @param header the parsed header (parsed here when not given).
 * @param budget what decoding may allocate (a copy, strings): at most `limit` bytes with the `held` bytes the read
 *   already holds; MemoryBudgetError beyond. Default: no check.
 */
export function decodeNpy(
  bytes: Uint8Array,
  at: NpyLocation,
  header: NpyHeader = parseNpyHeader(bytes, at),
  budget?: { limit: number; held: number },
): TensorLike {
  const { type, dims, dataOffset } = header;
  const byteLength = npyDataBytes(header, at);
  const size = header.itemSize;
  const count = byteLength / size;
  const available = bytes.length - dataOffset;
  if (available < byteLength) {
    throw npyError(
      at,
      `is truncated: shape ${shapeText(dims)} of ${type} needs ${byteLength} bytes of data but only ${available} follow the header`,
      { expectedBytes: byteLength, actualBytes: available },
    );
  }
  if (available > byteLength) {
    throw npyError(
      at,
      `has ${available - byteLength} unexpected bytes after the data of shape ${shapeText(dims)} of ${type} ` +
        '(the header does not describe the file; was it edited or concatenated?)',
      { expectedBytes: byteLength, actualBytes: available },
    );
  }
  const start = bytes.byteOffset + dataOffset;
  if (budget) checkBudget(decodeCost(header, byteLength, start), budget.limit, arrayDescription(header, at), arrayDetails(at), budget.held);
  if (type === 'string') {
    const strings = decodeStrings(bytes.subarray(dataOffset), header, count, at);
    return { type, dims, data: reorders(header) ? fortranToC(strings, new Array<string>(count), dims) : strings };
  }
  let data: TensorData;
  if (!needsCopy(header, start)) {
    data = new ARRAY_CLASS[type](bytes.buffer, start, count);
  } else {
    const copy = bytes.slice(dataOffset, dataOffset + byteLength); // fresh buffer: offset 0, aligned
    if (header.bigEndian === HOST_LITTLE_ENDIAN) swapBytes(copy, size);
    data = new ARRAY_CLASS[type](copy.buffer, 0, count);
  }
  if (reorders(header)) data = fortranToC(data, new ARRAY_CLASS[type](count), dims);
  return { type, dims, data };
}

const NPY_READ_OPTIONS = v.optionNames<NpyReadOptions>()({ maxTensorBytes: true });

export interface NpyReadOptions {
  /** The most bytes the read may allocate (file and decoded data). Default DEFAULT_MAX_TENSOR_BYTES (lib/io/budget.ts). */
  maxTensorBytes?: number;
}

/**
 * Parses the bytes of a .npy file. The result may share memory with `bytes`.
 * @param name the file name, used in error messages.
 * @throws NpyFormatError naming `name` and what is wrong (bad magic, malformed header, object or
 *   unsupported dtype, truncated data); MemoryBudgetError for a string array whose decoded form exceeds the budget.
 */
export function parseNpy(bytes: Uint8Array, name = '<bytes>', options: NpyReadOptions = {}): TensorLike {
  if (!(bytes instanceof Uint8Array)) throw new InvalidTypeError('bytes', 'a Uint8Array (the bytes of a .npy file)', bytes);
  v.string(name, 'name');
  const o = v.options<NpyReadOptions>(options, 'options', NPY_READ_OPTIONS);
  return decodeNpy(bytes, { file: name }, undefined, { limit: maxTensorBytes(o.maxTensorBytes, 'options.maxTensorBytes'), held: 0 });
}

/** Fixed-width UTF-32LE code points of `strings` (numpy's `<U{width}`), zero padded. */
function encodeStrings(strings: readonly string[]): { descr: string; body: Uint8Array } {
  const points = strings.map((s) => Array.from(s, (c) => c.codePointAt(0)!));
  const width = Math.max(1, ...points.map((p) => p.length));
  const body = new Uint8Array(strings.length * width * 4);
  const view = new DataView(body.buffer);
  points.forEach((p, i) => p.forEach((c, k) => view.setUint32((i * width + k) * 4, c, true)));
  return { descr: `<U${width}`, body };
}

/**
 * The bytes of a .npy file holding `t`, byte for byte what numpy.save writes for the same array (string tensors as
 * numpy's `<U`, the width of the longest string).
 * @param name names the tensor in error messages (default 'tensor').
 * @throws InvalidTypeError / ShapeError when `t` is not a valid tensor of a supported type.
 */
export function encodeNpy(t: TensorLike, name = 'tensor'): Uint8Array {
  const { type, dims, data } = toTensorLike(t, name);
  if (type === 'string') {
    const { descr, body } = encodeStrings(data as string[]);
    const header = formatNpyHeader(descr, dims);
    const out = new Uint8Array(header.length + body.length);
    out.set(header, 0);
    out.set(body, header.length);
    return out;
  }
  const typed = data as NumericTensorData;
  const header = formatNpyHeader(DESCR[type], dims);
  const out = new Uint8Array(header.length + typed.byteLength);
  out.set(header, 0);
  const body = out.subarray(header.length);
  body.set(new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength));
  if (!HOST_LITTLE_ENDIAN) swapBytes(body, ELEMENT_SIZE[type]);
  return out;
}

/**
 * The bytes of `file` (a regular file, a pipe or a device), at most `budget`.
 * @throws FileError (missing, a folder, unreadable), MemoryBudgetError past the budget.
 */
export async function readFileBytes(file: string, budget: number = maxTensorBytes(undefined)): Promise<Uint8Array> {
  try {
    return await readFileLimited(file, budget, (bytes, streamed) =>
      budgetError(bytes, budget, streamed ? `${forTerminal(file)} (a pipe or device, ${formatByteSize(bytes)} read so far)` : forTerminal(file), { file }),
    );
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (!e.code || typeof e.code !== 'string' || e.code.startsWith('ERR_TRT_NODE')) throw err;
    const why =
      e.code === 'ENOENT' ? 'no such file' : e.code === 'EISDIR' ? 'is a folder, not a file' : e.code === 'EACCES' ? 'permission denied' : `cannot be read: ${e.message}`;
    throw new FileError(file, why, { cause: err });
  }
}

/** Reads a .npy file. @throws FileError (missing, unreadable), NpyFormatError naming `file`, MemoryBudgetError. */
export async function readNpy(file: string, options: NpyReadOptions = {}): Promise<TensorLike> {
  v.filePath(file, 'file');
  const o = v.options<NpyReadOptions>(options, 'options', NPY_READ_OPTIONS);
  const budget = maxTensorBytes(o.maxTensorBytes, 'options.maxTensorBytes');
  const bytes = await readFileBytes(file, budget);
  // The file's bytes are held already; what decoding adds (a copy, strings) must fit in the rest.
  return decodeNpy(bytes, { file }, undefined, { limit: budget, held: bytes.length });
}

/** Writes `t` to `file` as .npy, atomically (temp file + rename). */
export async function writeNpy(file: string, t: TensorLike): Promise<void> {
  v.filePath(file, 'file');
  await writeFileAtomic(file, encodeNpy(t, file));
}
