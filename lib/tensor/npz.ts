/**
 * .npz files: a zip of .npy files, one per array, named `<key>.npy` (numpy.savez writes STORED entries,
 * numpy.savez_compressed DEFLATE ones). Zip handling is fflate's. numpy writes every entry with
 * force_zip64=True: its local headers carry 0xFFFFFFFF sizes plus a zip64 extra field, while the central directory
 * holds the real sizes; fflate reads sizes from the central directory and only skips over the local header's name and
 * extra field, so those files read correctly (the tests read numpy-written files to keep that true). fflate does not
 * write zip64, so the writer refuses archives of 4 GiB or more, or more than 65535 arrays.
 *
 * fflate trusts the archive's directory; the filter below checks each entry against the file's real size first, so
 * a corrupt or hostile archive gives an NpyFormatError instead of a huge allocation or a loop over billions of
 * phantom entries.
 */
import { UnzipFileInfo, Zippable, unzipSync, zipSync } from 'fflate';
import { InvalidTypeError, InvalidValueError, TrtNodeError } from '../errors';
import { writeFileAtomic } from '../util/atomic-write';
import { NPY_MAGIC, npyError } from './npy-header';
import { decodeNpy, encodeNpy, readFileBytes } from './npy';
import { NamedTensors, TensorLike } from './types';

/** Smallest central directory record (46 bytes plus the name): bounds how many entries a file can really hold. */
const MIN_CENTRAL_RECORD = 46;
/** DEFLATE expands at most ~1032:1; an entry claiming more is corrupt. */
const MAX_DEFLATE_RATIO = 1032;
/** Fixed entry time (zip's epoch), so the same tensors always give the same bytes. */
const ZIP_MTIME = new Date(1980, 0, 1);

/** Defines an own property even for keys such as '__proto__', keeping insertion order. */
function setEntry(out: NamedTensors, key: string, value: TensorLike): void {
  Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * Parses the bytes of an .npz file. Keys are the entry names without '.npy', in the archive's order (JavaScript
 * objects list integer-like keys such as '0' first, in numeric order, whatever the archive's order).
 * @param file the file name, used in error messages.
 * @throws NpyFormatError naming the file (and the array, for a bad entry).
 */
export function parseNpz(bytes: Uint8Array, file: string): NamedTensors {
  const at = { file };
  if (bytes.length === 0) throw npyError(at, 'is empty (0 bytes); expected an .npz file written by numpy.savez');
  if (bytes.length >= NPY_MAGIC.length && NPY_MAGIC.every((b, i) => bytes[i] === b)) {
    throw npyError(at, 'is a single .npy array, not an .npz archive; read it with readNpy');
  }
  const order: { name: string; originalSize: number }[] = [];
  const seen = new Set<string>();
  const maxEntries = Math.floor(bytes.length / MIN_CENTRAL_RECORD);
  let listed = 0;
  const check = (f: UnzipFileInfo): boolean => {
    // Entries past the file's end read as zeros (an empty name, caught below); this bounds the loop regardless.
    if (++listed > maxEntries) throw npyError(at, 'is corrupt: its zip directory lists more entries than the file can hold');
    if (f.name.endsWith('/')) return false; // a folder entry, no data
    if (f.name === '') throw npyError(at, 'is corrupt: a zip entry has no name');
    if (seen.has(f.name)) throw npyError(at, `is corrupt: the zip entry '${f.name}' appears twice`);
    if (f.compression !== 0 && f.compression !== 8) {
      throw npyError(at, `entry '${f.name}' uses zip compression method ${f.compression}; .npz files use stored (0) or deflate (8)`);
    }
    const implausible =
      f.size > bytes.length ||
      (f.compression === 0 && f.size !== f.originalSize) ||
      (f.compression === 8 && f.originalSize > f.size * MAX_DEFLATE_RATIO + 1024);
    if (implausible) {
      throw npyError(at, `is truncated or corrupt: zip entry '${f.name}' claims ${f.size} bytes (${f.originalSize} uncompressed) in a ${bytes.length}-byte file`);
    }
    seen.add(f.name);
    order.push({ name: f.name, originalSize: f.originalSize });
    return true;
  };
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, { filter: check });
  } catch (err) {
    if (err instanceof TrtNodeError) throw err;
    const why = (err as Error).message === 'invalid zip data' ? 'no zip directory found' : (err as Error).message;
    throw npyError(at, `is not a valid .npz file (zip): ${why}; it may be truncated or not an .npz at all`);
  }
  const out: NamedTensors = {};
  for (const { name, originalSize } of order) {
    if (!name.endsWith('.npy')) {
      throw npyError(at, `entry '${name}' is not a .npy array; trt-node reads .npz files holding only arrays (numpy.savez)`);
    }
    const key = name.slice(0, -4);
    const data = files[name];
    if (data.length !== originalSize) {
      throw npyError({ file, array: key }, `is truncated: ${data.length} of ${originalSize} bytes in the archive`);
    }
    setEntry(out, key, decodeNpy(data, { file, array: key }));
  }
  return out;
}

/** Reads an .npz file. @throws FileError (missing, unreadable) or NpyFormatError naming `file` and the array. */
export async function readNpz(file: string): Promise<NamedTensors> {
  return parseNpz(await readFileBytes(file), file);
}

export interface NpzOptions {
  /** DEFLATE the entries, as numpy.savez_compressed does. Default false (stored, as numpy.savez). */
  compress?: boolean;
}

/**
 * The bytes of an .npz file holding `tensors` (entries `<key>.npy`, in the object's key order) that numpy.load reads.
 * @param file names the output in error messages (default 'npz').
 * @throws InvalidTypeError / InvalidValueError / ShapeError naming the bad tensor.
 */
export function encodeNpz(tensors: NamedTensors, options: NpzOptions = {}, file = 'npz'): Uint8Array {
  if (tensors === null || typeof tensors !== 'object' || Array.isArray(tensors)) {
    throw new InvalidTypeError(`tensors for ${file}`, 'an object of named tensors', tensors);
  }
  const entries = Object.entries(tensors);
  if (entries.length > 0xffff) {
    throw new InvalidValueError(`tensors for ${file}`, 'at most 65535 arrays (zip without zip64)', `${entries.length} arrays`);
  }
  const zippable: Zippable = {};
  let total = 0;
  for (const [key, t] of entries) {
    if (key === '' || key.endsWith('/')) {
      throw new InvalidValueError(`tensor name in ${file}`, "a non-empty name not ending in '/'", key);
    }
    const npy = encodeNpy(t, key);
    total += npy.length + 2 * (key.length * 3 + 4) + 76;
    Object.defineProperty(zippable, `${key}.npy`, {
      value: [npy, { level: options.compress ? 6 : 0, mtime: ZIP_MTIME }],
      enumerable: true,
    });
  }
  if (total >= 0xffffffff) {
    throw new InvalidValueError(
      `tensors for ${file}`,
      'less than 4 GiB in all (the zip writer has no zip64)',
      `about ${(total / 2 ** 30).toFixed(1)} GiB`,
      'Save the largest tensors as separate .npy files with writeNpy.',
    );
  }
  return zipSync(zippable);
}

/** Writes `tensors` to `file` as .npz, atomically (temp file + rename). */
export async function writeNpz(file: string, tensors: NamedTensors, options: NpzOptions = {}): Promise<void> {
  await writeFileAtomic(file, encodeNpz(tensors, options, file));
}
