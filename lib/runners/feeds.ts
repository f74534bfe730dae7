/**
 * Generated model inputs, one tensor per graph input at the requested shapes: seeded, so a failing probe or a
 * benchmark can be re-run with the same values (used by check, the cross-check and the benchmark).
 */
import { InvalidValueError } from '../errors';
import type { InputSummary } from '../onnx/types';
import type { NamedTensors, TensorLike } from '../tensor/types';
import { elementCount } from '../tensor/types';

/** A small, fast PRNG (mulberry32): the same seed gives the same inputs on every machine. */
function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function floatToHalf(v: number): number {
  const f = new Float32Array([v]);
  const x = new Uint32Array(f.buffer)[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = ((x >>> 23) & 0xff) - 127 + 15;
  if (exp <= 0) return sign;
  if (exp >= 31) return sign | 0x7c00;
  return sign | (exp << 10) | ((x >>> 13) & 0x3ff);
}

/**
 * Floats uniform in [range[0], range[1]) (the fixtures' inputs are images in [0, 1)), integers uniform in
 * [max(0, range[0]), range[1]] rounded, bools random.
 */
export function generateProbeFeeds(inputs: readonly InputSummary[], shapes: Record<string, number[]>, seed: number, range: readonly [number, number] = [0, 1]): NamedTensors {
  const next = mulberry32(seed * 2654435761 + 12345);
  const [lo, hi] = range;
  const feeds: NamedTensors = {};
  for (const input of inputs) {
    const dims = shapes[input.name];
    const n = elementCount(dims);
    let t: TensorLike;
    switch (input.elemType) {
      case 'float32':
      case 'float64': {
        const data = input.elemType === 'float32' ? new Float32Array(n) : new Float64Array(n);
        for (let i = 0; i < n; i++) data[i] = lo + (hi - lo) * next();
        t = { type: input.elemType, dims, data };
        break;
      }
      case 'float16': {
        const data = new Uint16Array(n);
        for (let i = 0; i < n; i++) data[i] = floatToHalf(lo + (hi - lo) * next());
        t = { type: 'float16', dims, data };
        break;
      }
      case 'int64':
      case 'int32':
      case 'int8':
      case 'uint8': {
        const a = Math.max(0, Math.ceil(lo));
        const b = Math.max(a, Math.floor(hi));
        const int = () => a + Math.floor((b - a + 1) * next());
        if (input.elemType === 'int64') {
          const data = new BigInt64Array(n);
          for (let i = 0; i < n; i++) data[i] = BigInt(int());
          t = { type: 'int64', dims, data };
        } else {
          const data = input.elemType === 'int32' ? new Int32Array(n) : input.elemType === 'int8' ? new Int8Array(n) : new Uint8Array(n);
          for (let i = 0; i < n; i++) data[i] = int();
          t = { type: input.elemType, dims, data };
        }
        break;
      }
      case 'bool': {
        const data = new Uint8Array(n);
        for (let i = 0; i < n; i++) data[i] = next() < 0.5 ? 1 : 0;
        t = { type: 'bool', dims, data };
        break;
      }
      default:
        throw new InvalidValueError(`input '${input.name}'`, 'a tensor type inputs can be generated for (float32/16/64, int64/32/8, uint8, bool)', input.elemType);
    }
    feeds[input.name] = t;
  }
  return feeds;
}
