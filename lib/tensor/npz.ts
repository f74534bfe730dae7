/**
 * .npz files: a zip of .npy files, one per array, named `<key>.npy` (numpy.savez writes STORED entries,
 * numpy.savez_compressed DEFLATE ones).
 *
 * Reading is built for archives from anywhere (./zip.ts says how): every entry name is checked first (no paths that
 * climb or are absolute, no NUL, no duplicates); then, for the arrays asked for only, the .npy header is read (for a
 * deflated entry, by inflating just its first bytes), so dtype, shape and size are known and checked — against the
 * zip's declared size, against the caller's `beforeRead` (the model's dims, say) and against the memory budget —
 * before any entry is inflated; then each entry is inflated into a buffer of its declared size, stopping at once if
 * it yields more, and its CRC-32 is verified. A 4 MB zip bomb is refused in milliseconds without allocating.
 *
 * Writing is fflate's zipSync. fflate does not write zip64, so the writer refuses archives of 4 GiB or more, or more
 * than 65535 arrays; names that could climb out of a folder when the archive is extracted are refused.
 */
import type { Zippable } from 'fflate';
import { InvalidTypeError, InvalidValueError } from '../errors';
import { writeFileAtomic } from '../io/atomic-write';
import { checkBudget, maxTensorBytes } from '../io/budget';
import { NamedRecord, namedRecord } from '../util/names';
import { quoted } from '../util/terminal';
import * as v from '../validate';
import { NPY_MAGIC, NpyHeader, NpyLocation, npyError, parseNpyHeader, shapeText } from './npy-header';
import { NpyReadOptions, arrayDescription, arrayDetails, decodeCost, decodeNpy, encodeNpy, npyDataBytes, readFileBytes } from './npy';
import { NamedTensors, TensorLike, TensorType } from './types';
import { ZipEntry, crc32, entryBytes, inflateExact, inflatePrefix, readZipDirectory } from './zip';

/** Fixed entry time (zip's epoch), so the same tensors always give the same bytes. */
const ZIP_MTIME = new Date(1980, 0, 1);
/** The longest .npy header read before an entry is inflated (numpy's are 128 bytes; version 2 allows 4 GiB). */
const MAX_NPY_HEADER = 1 << 20;

/**
 * Why `key` cannot name an array of an .npz, or undefined. '/' inside a name is allowed (numpy keys may hold it, and
 * ONNX tensor names often do: it makes a subfolder at worst when extracted); what could place a file outside the
 * extraction folder or confuse a reader is not: an absolute path or drive letter, a '..' (or '.' or empty) segment,
 * a backslash, a NUL; and a name longer than a zip entry name can be.
 */
export function unsafeArrayName(key: string): string | undefined {
  if (key === '') return 'it is empty';
  if (key.includes('\0')) return 'it contains a NUL character';
  if (key.includes('\\')) return 'it contains a backslash';
  if (key.startsWith('/') || /^[A-Za-z]:/.test(key)) return 'it is an absolute path';
  if (key.split('/').some((s) => s === '..' || s === '.' || s === '')) return "it has a '..', '.' or empty path segment";
  // A zip entry name is at most 65,535 bytes (its length is 16 bits), '.npy' included.
  if (Buffer.byteLength(key, 'utf8') + 4 > 0xffff) return 'it is longer than a zip entry name can be (65,535 bytes)';
  return undefined;
}

const NPZ_READ_OPTIONS = v.optionNames<NpzReadOptions>()({ maxTensorBytes: true, names: true, beforeRead: true });

export interface NpzReadOptions extends NpyReadOptions {
  /**
   * Read only these arrays (keys, without '.npy'); the other entries are neither inflated nor decoded (their names
   * are still checked). Names not in the archive are not an error here. Default: every array.
   */
  names?: Iterable<string>;
  /**
   * Called with each array's name, dtype and dims, from its header, before any entry is inflated: throw to refuse it
   * (e.g. a rank or dims that cannot fit the model) without paying for the data.
   */
  beforeRead?: (array: string, info: { type: TensorType; dims: readonly number[] }) => void;
}

interface Planned {
  key: string;
  entry: ZipEntry;
  stored: Uint8Array;
  header: NpyHeader;
  at: NpyLocation;
}

function validateReadOptions(options: unknown): { names?: Set<string>; beforeRead?: NpzReadOptions['beforeRead']; budget: number } {
  const o = v.options<NpzReadOptions>(options, 'options', NPZ_READ_OPTIONS);
  let names: Set<string> | undefined;
  if (o.names !== undefined) {
    if (typeof o.names === 'string' || typeof (o.names as Iterable<unknown>)[Symbol.iterator] !== 'function') {
      throw new InvalidTypeError('options.names', 'an array (or other iterable) of array names', o.names);
    }
    names = new Set([...o.names].map((n, i) => v.string(n, `options.names[${i}]`)));
  }
  if (o.beforeRead !== undefined && typeof o.beforeRead !== 'function') throw new InvalidTypeError('options.beforeRead', 'a function', o.beforeRead);
  return { names, beforeRead: o.beforeRead, budget: maxTensorBytes(o.maxTensorBytes, 'options.maxTensorBytes') };
}

/**
 * The archive's arrays from its directory alone, every name checked (no paths that climb or are absolute, no NUL,
 * no duplicates, .npy entries only, stored or deflated, not encrypted). Nothing is inflated.
 */
function checkedEntries(bytes: Uint8Array, file: string): { arrays: { key: string; entry: ZipEntry }[]; directoryOffset: number } {
  const at = { file };
  if (bytes.length === 0) throw npyError(at, 'is empty (0 bytes); expected an .npz file written by numpy.savez');
  if (bytes.length >= NPY_MAGIC.length && NPY_MAGIC.every((b, i) => bytes[i] === b)) {
    throw npyError(at, 'is a single .npy array, not an .npz archive; read it with readNpy');
  }
  const zipFail = (why: string): never => {
    throw npyError(at, `is not a valid .npz file (zip): ${why}; it may be truncated or not an .npz at all`);
  };
  const { entries, directoryOffset } = readZipDirectory(bytes, zipFail);
  const seen = new Set<string>();
  const arrays: { key: string; entry: ZipEntry }[] = [];
  for (const entry of entries) {
    const name = entry.name;
    if (name.endsWith('/') && entry.size === 0) continue; // a folder entry, no data
    if (seen.has(name)) throw npyError(at, `is corrupt: the zip entry ${quoted(name)} appears twice`);
    seen.add(name);
    if (!name.endsWith('.npy')) {
      throw npyError(at, `entry ${quoted(name)} is not a .npy array; trt-node reads .npz files holding only arrays (numpy.savez)`);
    }
    const key = name.slice(0, -4);
    const unsafe = unsafeArrayName(key);
    if (unsafe) throw npyError(at, `entry ${quoted(name)} is not an array name (${unsafe}); trt-node reads .npz files as numpy.savez writes them`, { entry: name });
    if (entry.flags & 1) throw npyError({ file, array: key }, 'is encrypted; .npz files are not');
    if (entry.method !== 0 && entry.method !== 8) {
      throw npyError({ file, array: key }, `uses zip compression method ${entry.method}; .npz files use stored (0) or deflate (8)`);
    }
    arrays.push({ key, entry });
  }
  return { arrays, directoryOffset };
}

/**
 * The names of an .npz file's arrays (keys, without '.npy'), in the archive's order, from its directory alone:
 * nothing is inflated. The names are checked as parseNpz checks them.
 * @throws NpyFormatError naming the file.
 */
export function npzArrayNames(bytes: Uint8Array, file = '<bytes>'): string[] {
  if (!(bytes instanceof Uint8Array)) throw new InvalidTypeError('bytes', 'a Uint8Array (the bytes of an .npz file)', bytes);
  return checkedEntries(bytes, v.string(file, 'file')).arrays.map(({ key }) => key);
}

/**
 * Parses the bytes of an .npz file. Keys are the entry names without '.npy', in the archive's order, in a
 * null-prototype record (an array may be called `toString` or `__proto__`).
 * @param file the file name, used in error messages.
 * @throws NpyFormatError naming the file (and the array, for a bad entry): corrupt zip, unsafe entry name, CRC
 *   mismatch, sizes that disagree; MemoryBudgetError when the arrays asked for exceed the budget (the archive's own
 *   bytes count too); whatever `beforeRead` throws.
 */
export function parseNpz(bytes: Uint8Array, file = '<bytes>', options: NpzReadOptions = {}): NamedRecord<TensorLike> {
  if (!(bytes instanceof Uint8Array)) throw new InvalidTypeError('bytes', 'a Uint8Array (the bytes of an .npz file)', bytes);
  v.string(file, 'file');
  const { names, beforeRead, budget } = validateReadOptions(options);
  // 1. Names, from the directory alone.
  const { arrays, directoryOffset } = checkedEntries(bytes, file);
  const wanted = names ? arrays.filter(({ key }) => names.has(key)) : arrays;

  // 2. Headers of the wanted arrays, their sizes and the budget: nothing is inflated yet.
  let held = bytes.length;
  const plan: Planned[] = [];
  for (const { key, entry } of wanted) {
    const where = { file, array: key };
    const fail = (why: string): never => {
      throw npyError(where, `is not a valid .npz entry: ${why}`);
    };
    const stored = entryBytes(bytes, entry, directoryOffset, fail);
    if (entry.method === 0 && entry.compressedSize !== entry.size) fail(`it is stored uncompressed but declares ${entry.size} bytes in ${entry.compressedSize}`);
    const head = entry.method === 0 ? stored.subarray(0, MAX_NPY_HEADER + 12) : inflatePrefix(stored, Math.min(entry.size, MAX_NPY_HEADER + 12), fail);
    const header = parseNpyHeader(head, where);
    const dataBytes = npyDataBytes(header, where);
    const described = header.dataOffset + dataBytes;
    if (described > entry.size) {
      throw npyError(where, `is truncated: its .npy header describes ${described} bytes (shape ${shapeText(header.dims)} of ${header.type}) but the zip entry holds ${entry.size}`);
    }
    if (described < entry.size) {
      throw npyError(where, `has ${entry.size - described} unexpected bytes after the data its .npy header describes (shape ${shapeText(header.dims)} of ${header.type})`);
    }
    beforeRead?.(key, { type: header.type, dims: header.dims });
    // Where the data will sit in memory decides whether decoding copies it (misaligned): in the archive's bytes when
    // stored, at the start of a fresh buffer when inflated.
    const dataStart = (entry.method === 0 ? stored.byteOffset : 0) + header.dataOffset;
    const cost = (entry.method === 8 ? entry.size : 0) + decodeCost(header, dataBytes, dataStart);
    held = checkBudget(cost, budget, arrayDescription(header, where), arrayDetails(where), held);
    plan.push({ key, entry, stored, header, at: where });
  }

  // 3. Inflate, verify, decode.
  const out = namedRecord<TensorLike>();
  for (const { key, entry, stored, header, at: where } of plan) {
    const fail = (why: string): never => {
      throw npyError(where, `is not a valid .npz entry: ${why}`);
    };
    const data = entry.method === 0 ? stored : inflateExact(stored, entry.size, fail);
    const crc = crc32(data);
    if (crc !== entry.crc32) {
      throw npyError(where, `is corrupt: its CRC-32 is ${hex(crc)} but the archive records ${hex(entry.crc32)} (a damaged copy? numpy refuses it too)`, {
        crc32: crc,
        expectedCrc32: entry.crc32,
      });
    }
    out[key] = decodeNpy(data, where, header);
  }
  return out;
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}

/**
 * Reads an .npz file (see parseNpz; options choose the arrays, check them before they are read, set the budget).
 * @throws FileError (missing, unreadable), NpyFormatError naming `file` and the array, MemoryBudgetError.
 */
export async function readNpz(file: string, options: NpzReadOptions = {}): Promise<NamedRecord<TensorLike>> {
  v.filePath(file, 'file');
  const { budget } = validateReadOptions(options);
  return parseNpz(await readFileBytes(file, budget), file, options);
}

export interface NpzOptions {
  /** DEFLATE the entries, as numpy.savez_compressed does. Default false (stored, as numpy.savez). */
  compress?: boolean;
}

/**
 * The bytes of an .npz file holding `tensors` (entries `<key>.npy`, in the record's or Map's order) that numpy.load
 * reads.
 * @param file names the output in error messages (default 'npz').
 * @throws InvalidTypeError / InvalidValueError / ShapeError naming the bad tensor or name.
 */
export function encodeNpz(tensors: NamedTensors | ReadonlyMap<string, TensorLike>, options: NpzOptions = {}, file = 'npz'): Uint8Array {
  v.string(file, 'file');
  // Each tensor is validated by encodeNpy, named by its key.
  const entries = Object.entries(v.record(tensors, `tensors for ${file}`, (t) => t as TensorLike, 'an object (or Map) of tensors by name'));
  const o = v.options<NpzOptions>(options, 'options', v.optionNames<NpzOptions>()({ compress: true }));
  v.optional(v.boolean)(o.compress, 'options.compress');
  if (entries.length > 0xffff) {
    throw new InvalidValueError(`tensors for ${file}`, 'at most 65535 arrays (zip without zip64)', `${entries.length} arrays`);
  }
  const zippable: Zippable = {};
  let total = 0;
  for (const [key, t] of entries) {
    const unsafe = unsafeArrayName(key);
    if (unsafe) {
      throw new InvalidValueError(
        `tensor name in ${file}`,
        "a name usable as an .npz key (no absolute path, '..', backslash or NUL)",
        key,
        `It would be written as the zip entry ${quoted(`${key}.npy`)}: ${unsafe}, and tools extracting the archive could write outside their folder`,
      );
    }
    const npy = encodeNpy(t, key);
    total += npy.length + 2 * (key.length * 3 + 4) + 76;
    Object.defineProperty(zippable, `${key}.npy`, {
      value: [npy, { level: o.compress ? 6 : 0, mtime: ZIP_MTIME }],
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
  const { zipSync } = require('fflate') as typeof import('fflate'); // on first use, not with every require('trt-node')
  return zipSync(zippable);
}

/** Writes `tensors` to `file` as .npz, atomically (temp file + rename). */
export async function writeNpz(file: string, tensors: NamedTensors | ReadonlyMap<string, TensorLike>, options: NpzOptions = {}): Promise<void> {
  v.filePath(file, 'file');
  await writeFileAtomic(file, encodeNpz(tensors, options, file));
}
