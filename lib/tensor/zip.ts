/**
 * The zip container of .npz files, read entry by entry. Written here rather than taken from fflate's unzipSync
 * because that inflates every entry whole before the caller sees a name or a size, cannot inflate just the first
 * bytes of an entry, and never verifies CRC-32. .npz safety needs all three: names and the .npy header (dtype,
 * shape, so the size) are checked before an entry is inflated, only the entries asked for are inflated, inflation
 * stops as soon as an entry yields more than it declared, and each entry's CRC-32 is verified. Inflating is done by
 * fflate's streaming Inflate for the first bytes and by Node's zlib for whole entries; CRC-32 is zlib's where Node
 * has it (20.15+).
 *
 * Layout read (APPNOTE.TXT 4.3): the end-of-central-directory record at the end of the file (and its zip64 twin,
 * which numpy writes with force_zip64), the central directory it points to (one record per entry: name, method,
 * CRC-32, sizes, local header offset; zip64 extra field for sizes ≥ 4 GiB), and each entry's local header, which is
 * only skipped over (numpy writes 0xFFFFFFFF sizes there; the central directory holds the real ones).
 */
import type * as fflate from 'fflate';
import * as zlib from 'zlib';

const EOCD = 0x06054b50;
const ZIP64_EOCD = 0x06064b50;
const ZIP64_LOCATOR = 0x07064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
/** Smallest central directory record (46 bytes plus the name): bounds how many entries a file can really hold. */
const MIN_CENTRAL_RECORD = 46;

export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflate. */
  method: number;
  flags: number;
  crc32: number;
  compressedSize: number;
  /** Uncompressed size as the directory declares it. */
  size: number;
  localHeaderOffset: number;
}

/** Throws a format error naming the archive; callers give one that builds their error class. */
export type Fail = (what: string) => never;

function u16(b: Uint8Array, at: number): number {
  return b[at] | (b[at + 1] << 8);
}
function u32(b: Uint8Array, at: number): number {
  return (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;
}
/** A 64-bit little-endian size; above 2^53 it cannot be a real size of anything here, and reads as Infinity. */
function u64(b: Uint8Array, at: number): number {
  const v = u32(b, at) + u32(b, at + 4) * 2 ** 32;
  return Number.isSafeInteger(v) ? v : Infinity;
}

const latin1 = new TextDecoder('latin1');
const utf8 = new TextDecoder('utf-8');

/**
 * The entries of the archive's central directory, in its order, and where the directory starts (entries' data must
 * lie before it). Nothing is inflated.
 */
export function readZipDirectory(bytes: Uint8Array, fail: Fail): { entries: ZipEntry[]; directoryOffset: number } {
  // The EOCD record is 22 bytes plus a comment of up to 65535 bytes, at the very end.
  let eocd = -1;
  for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 0xffff); at--) {
    if (u32(bytes, at) === EOCD && at + 22 + u16(bytes, at + 20) === bytes.length) {
      eocd = at;
      break;
    }
  }
  if (eocd < 0) fail('no zip directory found');
  let count = u16(bytes, eocd + 10);
  let cdSize = u32(bytes, eocd + 12);
  let cdOffset = u32(bytes, eocd + 16);
  // 0xFFFF / 0xFFFFFFFF defer to the zip64 record, found through the locator just before the EOCD record (a classic
  // archive of exactly 65535 entries has none: its values stand).
  const locator = eocd - 20;
  if ((count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) && locator >= 0 && u32(bytes, locator) === ZIP64_LOCATOR) {
    const z = u64(bytes, locator + 8);
    if (!(z + 56 <= locator) || u32(bytes, z) !== ZIP64_EOCD) fail('its zip64 directory record is missing or misplaced');
    count = u64(bytes, z + 32);
    cdSize = u64(bytes, z + 40);
    cdOffset = u64(bytes, z + 48);
  }
  if (!(cdOffset + cdSize <= eocd)) fail(`its zip directory (bytes ${cdOffset}..${cdOffset + cdSize}) lies outside the file`);
  if (count > Math.floor(cdSize / MIN_CENTRAL_RECORD)) fail('its zip directory lists more entries than the file can hold');
  const entries: ZipEntry[] = [];
  let at = cdOffset;
  const end = cdOffset + cdSize;
  for (let i = 0; i < count; i++) {
    if (at + MIN_CENTRAL_RECORD > end || u32(bytes, at) !== CENTRAL) fail(`zip directory record ${i} is corrupt`);
    const flags = u16(bytes, at + 8);
    const nameLength = u16(bytes, at + 28);
    const extraLength = u16(bytes, at + 30);
    const next = at + MIN_CENTRAL_RECORD + nameLength + extraLength + u16(bytes, at + 32);
    if (next > end) fail(`zip directory record ${i} runs past the directory`);
    const nameBytes = bytes.subarray(at + MIN_CENTRAL_RECORD, at + MIN_CENTRAL_RECORD + nameLength);
    const entry: ZipEntry = {
      // Bit 11: the name is UTF-8; otherwise code page 437, read as latin1 (identical for the ASCII names numpy writes).
      name: (flags & 0x800 ? utf8 : latin1).decode(nameBytes),
      method: u16(bytes, at + 10),
      flags,
      crc32: u32(bytes, at + 16),
      compressedSize: u32(bytes, at + 20),
      size: u32(bytes, at + 24),
      localHeaderOffset: u32(bytes, at + 42),
    };
    // zip64 extra field (id 1): 8-byte values for exactly those 32-bit fields that hold 0xFFFFFFFF, in this order.
    for (let x = at + MIN_CENTRAL_RECORD + nameLength; x + 4 <= at + MIN_CENTRAL_RECORD + nameLength + extraLength; ) {
      const id = u16(bytes, x);
      const len = u16(bytes, x + 2);
      if (id === 1) {
        let p = x + 4;
        const take = () => {
          if (p + 8 > x + 4 + len) fail(`the zip64 sizes of entry ${i} are truncated`);
          const v = u64(bytes, p);
          p += 8;
          return v;
        };
        if (entry.size === 0xffffffff) entry.size = take();
        if (entry.compressedSize === 0xffffffff) entry.compressedSize = take();
        if (entry.localHeaderOffset === 0xffffffff) entry.localHeaderOffset = take();
      }
      x += 4 + len;
    }
    entries.push(entry);
    at = next;
  }
  return { entries, directoryOffset: cdOffset };
}

/** The entry's stored (compressed) bytes, found through its local header; checked to end before `limit` (the directory). */
export function entryBytes(bytes: Uint8Array, entry: ZipEntry, limit: number, fail: Fail): Uint8Array {
  const at = entry.localHeaderOffset;
  if (!(at + 30 <= limit) || u32(bytes, at) !== LOCAL) fail('its local zip header is missing or misplaced');
  const start = at + 30 + u16(bytes, at + 26) + u16(bytes, at + 28);
  const end = start + entry.compressedSize;
  if (!(end <= limit)) fail(`it claims ${entry.compressedSize} bytes, past the end of the archive's data`);
  return bytes.subarray(start, end);
}

/** fflate's errors carry a numeric code; anything else (the caller's fail() thrown from a callback) passes through. */
function mapInflateError(err: unknown, fail: Fail): never {
  if (err instanceof Error && typeof (err as { code?: unknown }).code === 'number') fail(`its deflate data is corrupt (${err.message})`);
  throw err;
}

/**
 * The first `want` bytes (fewer when the entry is shorter) of a deflated entry, inflating no more than needed: fflate's
 * streaming Inflate fed 4 KiB at a time (one piece yields at most ~4 MiB, however the stream lies).
 */
export function inflatePrefix(compressed: Uint8Array, want: number, fail: Fail): Uint8Array {
  const out = new Uint8Array(want);
  let got = 0;
  let done = false;
  const { Inflate } = require('fflate') as typeof fflate; // on first use, not with every require('trt-node')
  const inflate = new Inflate((chunk, final) => {
    out.set(chunk.subarray(0, Math.min(chunk.length, want - got)), got);
    got = Math.min(want, got + chunk.length);
    done ||= final;
  });
  try {
    for (let at = 0; at < compressed.length && got < want && !done; at += 4096) {
      const end = Math.min(compressed.length, at + 4096);
      inflate.push(compressed.subarray(at, end), end === compressed.length);
    }
  } catch (err) {
    mapInflateError(err, fail);
  }
  return out.subarray(0, got);
}

/**
 * Inflates a deflated entry into one buffer of exactly `size` bytes (allocated once, after the caller's budget
 * check), failing at once when the stream yields more than that, and when it yields less. Node's zlib does it
 * natively: one output chunk of size + 1 bytes (so no concatenating copy), and `maxOutputLength` stops a stream that
 * lies about its size as soon as it passes it.
 */
export function inflateExact(compressed: Uint8Array, size: number, fail: Fail): Uint8Array {
  let out: Buffer;
  try {
    out = zlib.inflateRawSync(compressed, { chunkSize: Math.max(64, size + 1), maxOutputLength: Math.max(1, size) });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ERR_BUFFER_TOO_LARGE') fail(`it inflates to more than the ${size} bytes it declares (a zip bomb, or a corrupt archive)`);
    if (typeof code === 'string' && code.startsWith('Z_')) fail(`its deflate data is corrupt or truncated (${(err as Error).message})`);
    throw err;
  }
  if (out.length !== size) fail(`it inflates to ${out.length} bytes but declares ${size}: the archive is truncated or corrupt`);
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}

let table: Int32Array | undefined;
/** CRC-32 (IEEE 802.3, zip's): zlib's native one where Node has it (20.15+), else a table-driven loop. */
export function crc32(data: Uint8Array): number {
  const native = (zlib as { crc32?: (d: Uint8Array) => number }).crc32;
  if (native) return native(data) >>> 0;
  if (!table) {
    table = new Int32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c;
    }
  }
  let c = -1;
  for (let i = 0; i < data.length; i++) c = table[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}
