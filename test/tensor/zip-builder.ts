/**
 * Test helper: hand-made zip archives whose every field can lie (sizes, CRC-32, names), for the crafted cases of the
 * fuzz report (../shared/reports/2026-11-29-fuzz.md, defects 4, 7 and 13). Independent of lib/tensor/zip.ts.
 */
import * as zlib from 'zlib';

export interface CraftedEntry {
  name: string;
  /** The entry's bytes before compression. */
  data: Uint8Array;
  /** Deflate them (method 8). Default false (stored). */
  deflate?: boolean;
  /** Already-compressed bytes to store instead of deflating `data` (a bomb made once, a corrupt stream). */
  compressed?: Uint8Array;
  /** Lies for the central directory (and local header). Defaults: the truth. */
  size?: number;
  crc?: number;
}

function crc32(data: Uint8Array): number {
  let c = -1;
  for (let i = 0; i < data.length; i++) {
    c ^= data[i];
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return (c ^ -1) >>> 0;
}

export function craftZip(entries: CraftedEntry[]): Uint8Array {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const body = e.compressed ?? (e.deflate ? zlib.deflateRawSync(e.data) : e.data);
    const method = e.deflate || e.compressed ? 8 : 0;
    const crc = e.crc ?? crc32(e.data);
    const size = e.size ?? e.data.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x800, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, Buffer.from(body));
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x800, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += 30 + name.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(entries.length, 8);
  eocd.writeUInt16LE(entries.length, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...locals, cd, eocd]));
}

/** A .npy header (version 1.0, numpy's padding) for `descr` and `shape` text, e.g. ('<f4', '(1073741824,)'). */
export function npyHeader(descr: string, shape: string): Uint8Array {
  let dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  const total = Math.ceil((10 + dict.length + 1) / 64) * 64;
  dict = dict.padEnd(total - 10 - 1, ' ') + '\n';
  const out = Buffer.alloc(10 + dict.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  out.writeUInt16LE(dict.length, 8);
  out.write(dict, 10, 'latin1');
  return new Uint8Array(out);
}

/** A deflate stream of `header` followed by `zeros` zero bytes (what a zip bomb holds; ~1 KB per MB of zeros). */
export function deflatedNpy(header: Uint8Array, zeros: number): Uint8Array {
  return new Uint8Array(zlib.deflateRawSync(Buffer.concat([Buffer.from(header), Buffer.alloc(zeros)]), { level: 9 }));
}
