/**
 * A small, seeded byte mutator for the readers' fuzz test (after the fuzzing run of
 * ../shared/reports/2026-11-29-fuzz.md): bit flips, "interesting" bytes and 32-bit integers, truncation, insertion,
 * duplicated and deleted slices, with positions biased towards the structure a reader parses (the first and last
 * bytes, where headers and directories live, and any `hotspots` given, e.g. zip signatures).
 */
import { mulberry32 } from '../../lib/data';
import { concatBytes } from '../onnx/build-model';

const INTERESTING_BYTES = [0x00, 0x01, 0x7f, 0x80, 0xff, 0x08, 0x0a, 0x12, 0x1a, 0x22];
const INTERESTING_U32 = [0, 1, 0x7f, 0x80, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xffffffff, 0xfffffffe];

export class Mutator {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }

  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  /** A position in [0, length): near the start, near the end, at a hotspot, or anywhere. */
  private position(length: number, hotspots: readonly number[]): number {
    const r = this.next();
    if (r < 0.3) return this.int(Math.min(length, 256));
    if (r < 0.5) return Math.max(0, length - 1 - this.int(Math.min(length, 256)));
    if (r < 0.75 && hotspots.length) return Math.min(length - 1, this.pick(hotspots) + this.int(48));
    return this.int(length);
  }

  /** One to four mutations of `seed` (a copy; the seed is untouched). */
  mutate(seed: Uint8Array, hotspots: readonly number[] = []): Uint8Array {
    let b: Uint8Array = seed.slice();
    const rounds = 1 + this.int(4);
    for (let k = 0; k < rounds && b.length > 0; k++) {
      const at = this.position(b.length, hotspots);
      switch (this.int(8)) {
        case 0:
        case 1:
          b[at] ^= 1 << this.int(8);
          break;
        case 2:
          b[at] = this.pick(INTERESTING_BYTES);
          break;
        case 3:
          if (at + 4 <= b.length) new DataView(b.buffer, b.byteOffset).setUint32(at, this.pick(INTERESTING_U32), true);
          break;
        case 4:
          b = b.slice(0, at);
          break;
        case 5: {
          const extra = Uint8Array.from({ length: 1 + this.int(16) }, () => this.int(256));
          b = concatBytes(b.subarray(0, at), extra, b.subarray(at));
          break;
        }
        case 6: {
          const len = 1 + this.int(Math.min(64, b.length - at));
          b = concatBytes(b.subarray(0, at + len), b.subarray(at, at + len), b.subarray(at + len));
          break;
        }
        default: {
          const len = 1 + this.int(Math.min(64, b.length - at));
          b = concatBytes(b.subarray(0, at), b.subarray(at + len));
        }
      }
    }
    return b;
  }
}

/** Offsets of zip record signatures ('PK' + 1/2, 3/4, 5/6, 6/6, 6/7): where an archive's fields are. */
export function zipHotspots(bytes: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i + 3 < bytes.length; i++) {
    if (bytes[i] === 0x50 && bytes[i + 1] === 0x4b && bytes[i + 2] <= 7 && bytes[i + 3] <= 8) out.push(i);
    if (bytes[i] === 0x93 && bytes[i + 1] === 0x4e) out.push(i); // an .npy header inside
  }
  return out;
}
