/**
 * .npy files (what numpy.save writes): read and write the tensor types trt-node speaks, C order, little-endian.
 * Big-endian files ('>f4') are read by swapping the bytes. Reading returns a view on the given bytes when the data
 * start is aligned for the element type (numpy aligns it to 64 bytes), and a copy otherwise.
 */
import * as fs from 'fs';
import { FileError } from '../errors';
import { writeFileAtomic } from '../util/atomic-write';
import { toTensorLike } from './convert';
import { NpyLocation, formatNpyHeader, npyError, parseNpyHeader, shapeText } from './npy-header';
import { ARRAY_CLASS, ELEMENT_SIZE, TensorData, TensorLike } from './types';

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

/** Bytes of a header's data: checks the size (truncated / trailing bytes) and returns an aligned view or a copy. */
export function decodeNpy(bytes: Uint8Array, at: NpyLocation): TensorLike {
  const header = parseNpyHeader(bytes, at);
  const { type, dims, dataOffset } = header;
  const size = ELEMENT_SIZE[type];
  let count = 1;
  for (const d of dims) {
    count *= d;
    if (!Number.isSafeInteger(count * size)) {
      throw npyError(at, `has shape ${shapeText(dims)}, too large to hold in memory`);
    }
  }
  const byteLength = count * size;
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
  const needsSwap = header.bigEndian === HOST_LITTLE_ENDIAN && size > 1;
  let data: TensorData;
  if (start % size === 0 && !needsSwap) {
    data = new ARRAY_CLASS[type](bytes.buffer, start, count);
  } else {
    const copy = bytes.slice(dataOffset, dataOffset + byteLength); // fresh buffer: offset 0, aligned
    if (needsSwap) swapBytes(copy, size);
    data = new ARRAY_CLASS[type](copy.buffer, 0, count);
  }
  return { type, dims, data };
}

/**
 * Parses the bytes of a .npy file. The result may share memory with `bytes`.
 * @param name the file name, used in error messages.
 * @throws NpyFormatError naming `name` and what is wrong (bad magic, malformed header, Fortran order, object or
 *   unsupported dtype, truncated data).
 */
export function parseNpy(bytes: Uint8Array, name: string): TensorLike {
  return decodeNpy(bytes, { file: name });
}

/**
 * The bytes of a .npy file holding `t`, byte for byte what numpy.save writes for the same array.
 * @param name names the tensor in error messages (default 'tensor').
 * @throws InvalidTypeError / ShapeError when `t` is not a valid tensor of a supported type.
 */
export function encodeNpy(t: TensorLike, name = 'tensor'): Uint8Array {
  const { type, dims, data } = toTensorLike(t, name);
  const header = formatNpyHeader(type, dims);
  const out = new Uint8Array(header.length + data.byteLength);
  out.set(header, 0);
  const body = out.subarray(header.length);
  body.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  if (!HOST_LITTLE_ENDIAN) swapBytes(body, ELEMENT_SIZE[type]);
  return out;
}

export async function readFileBytes(file: string): Promise<Uint8Array> {
  try {
    const buf = await fs.promises.readFile(file);
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why =
      e.code === 'ENOENT' ? 'no such file' : e.code === 'EISDIR' ? 'is a folder, not a file' : `cannot be read: ${e.message}`;
    throw new FileError(file, why, { cause: err });
  }
}

/** Reads a .npy file. @throws FileError (missing, unreadable) or NpyFormatError naming `file`. */
export async function readNpy(file: string): Promise<TensorLike> {
  return parseNpy(await readFileBytes(file), file);
}

/** Writes `t` to `file` as .npy, atomically (temp file + rename). */
export async function writeNpy(file: string, t: TensorLike): Promise<void> {
  await writeFileAtomic(file, encodeNpy(t, file));
}
