/**
 * One output against the expected runner's output, reduced to the cross-check's OutputComparison. Interim
 * numpy.allclose-style implementation (same defaults as lib/check) until lib/compare lands; crossCheck() only
 * depends on compareOutput()'s shape.
 */
import type { TensorLike } from '../tensor/types';
import type { ErrorHistogram, OutputComparison } from './types';

export interface Tolerance {
  atol?: number;
  rtol?: number;
}

/** Default tolerances by dtype (float16 results are compared at half precision's resolution). */
export const DEFAULT_TOLERANCES: Readonly<Record<string, { atol: number; rtol: number }>> = {
  float32: { atol: 1e-4, rtol: 1e-3 },
  float64: { atol: 1e-7, rtol: 1e-6 },
  float16: { atol: 1e-2, rtol: 1e-2 },
};

/** Decade bins from 1e-10 to 1e3; smaller errors land in the first bin, larger in the last. */
export const HISTOGRAM_EDGES: readonly number[] = Array.from({ length: 14 }, (_, i) => Number(`1e${i - 10}`)); // exact decimal powers

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

/** The element values as numbers (float16 decoded, int64 converted: exact up to 2**53). */
export function numericValues(t: TensorLike): ArrayLike<number> {
  if (t.type === 'float16') return Array.from(t.data as Uint16Array, halfToFloat);
  if (t.data instanceof BigInt64Array) return Array.from(t.data, Number);
  return t.data as ArrayLike<number>;
}

export function coordsOf(index: number, dims: readonly number[]): number[] {
  const coords = new Array<number>(dims.length).fill(0);
  let rest = index;
  for (let a = dims.length - 1; a >= 0; a--) {
    const d = dims[a] || 1;
    coords[a] = rest % d;
    rest = Math.floor(rest / d);
  }
  return coords;
}

function emptyResult(output: string, actual: TensorLike | undefined, tol: { atol: number; rtol: number }, problem: string): OutputComparison {
  return {
    output,
    dtype: actual?.type ?? null,
    dims: actual ? [...actual.dims] : null,
    pass: false,
    problem,
    atol: tol.atol,
    rtol: tol.rtol,
    maxAbsError: null,
    maxRelError: null,
    meanAbsError: null,
    rmsError: null,
    failingFraction: null,
  };
}

/** Compares `actual` with `expected` element-wise: |a − e| ≤ atol + rtol·|e|, NaN only where expected is NaN. */
export function compareOutput(output: string, actual: TensorLike | undefined, expected: TensorLike | undefined, tolerance: Tolerance = {}): OutputComparison {
  const d = DEFAULT_TOLERANCES[expected?.type ?? actual?.type ?? ''] ?? { atol: 0, rtol: 0 };
  const tol = { atol: tolerance.atol ?? d.atol, rtol: tolerance.rtol ?? d.rtol };
  if (!actual) return emptyResult(output, actual, tol, 'missing from the outputs');
  if (!expected) return emptyResult(output, actual, tol, 'missing from the expected outputs');
  if (actual.dims.length !== expected.dims.length || actual.dims.some((x, i) => x !== expected.dims[i])) {
    return emptyResult(output, actual, tol, `dims ${actual.dims.join('x')} differ from the expected ${expected.dims.join('x')}`);
  }
  if (actual.type !== expected.type && !(actual.type.startsWith('float') && expected.type.startsWith('float'))) {
    return emptyResult(output, actual, tol, `dtype ${actual.type} differs from the expected ${expected.type}`);
  }
  const a = numericValues(actual);
  const e = numericValues(expected);
  const n = e.length;
  const counts = new Array<number>(HISTOGRAM_EDGES.length - 1).fill(0);
  let zeros = 0;
  let nonFinite = 0;
  let failing = 0;
  let maxAbs = 0;
  let maxRel = 0;
  let worst = -1;
  let sumAbs = 0;
  let sumSq = 0;
  const logMin = Math.log10(HISTOGRAM_EDGES[0]);
  for (let i = 0; i < n; i++) {
    const x = a[i];
    const y = e[i];
    if (!Number.isFinite(x) || !Number.isFinite(y)) {
      const same = Object.is(x, y) || (Number.isNaN(x) && Number.isNaN(y));
      if (!same) {
        nonFinite++;
        failing++;
        if (maxAbs !== Infinity) {
          maxAbs = Infinity;
          worst = i;
        }
      }
      continue;
    }
    const diff = Math.abs(x - y);
    if (diff > tol.atol + tol.rtol * Math.abs(y)) failing++;
    if (diff > maxAbs || worst < 0) {
      maxAbs = diff;
      worst = i;
    }
    if (y !== 0) maxRel = Math.max(maxRel, diff / Math.abs(y));
    sumAbs += diff;
    sumSq += diff * diff;
    if (diff === 0) zeros++;
    else counts[Math.max(0, Math.min(counts.length - 1, Math.floor(Math.log10(diff) - logMin)))]++;
  }
  const finite = n - nonFinite;
  const histogram: ErrorHistogram = { edges: [...HISTOGRAM_EDGES], counts, zeros, nonFinite };
  return {
    output,
    dtype: actual.type,
    dims: [...actual.dims],
    pass: failing === 0,
    atol: tol.atol,
    rtol: tol.rtol,
    maxAbsError: n ? maxAbs : 0,
    maxRelError: n ? maxRel : 0,
    meanAbsError: finite ? sumAbs / finite : 0,
    rmsError: finite ? Math.sqrt(sumSq / finite) : 0,
    failingFraction: n ? failing / n : 0,
    ...(worst >= 0 ? { worst: { index: worst, coords: coordsOf(worst, actual.dims), actual: a[worst], expected: e[worst] } } : {}),
    histogram,
  };
}
