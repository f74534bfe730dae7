/**
 * One output against its reference, reduced to what the check report needs. Interim numpy.allclose-style
 * implementation until lib/compare lands; check() only depends on this function's shape.
 */
import type { TensorLike } from '../tensor/types';

export interface Tolerances {
  atol?: number;
  rtol?: number;
}

export type CompareStats = Record<string, unknown>;

export interface OutputComparison {
  pass: boolean;
  maxAbsError: number | null;
  maxRelError: number | null;
  failingFraction: number | null;
  problem?: string;
  stats: CompareStats;
}

const DEFAULTS: Record<string, { atol: number; rtol: number }> = {
  float32: { atol: 1e-4, rtol: 1e-3 },
  float64: { atol: 1e-7, rtol: 1e-6 },
  float16: { atol: 1e-2, rtol: 1e-2 },
};

function values(t: TensorLike): ArrayLike<number | bigint> {
  return t.data as ArrayLike<number | bigint>;
}

export function compareOutput(actual: TensorLike, expected: TensorLike, tol: Tolerances): OutputComparison {
  const d = DEFAULTS[expected.type] ?? { atol: 0, rtol: 0 };
  const atol = tol.atol ?? d.atol;
  const rtol = tol.rtol ?? d.rtol;
  if (actual.dims.length !== expected.dims.length || actual.dims.some((x, i) => x !== expected.dims[i])) {
    return { pass: false, maxAbsError: null, maxRelError: null, failingFraction: 1, problem: `shape ${actual.dims.join('x')} vs reference ${expected.dims.join('x')}`, stats: { atol, rtol } };
  }
  const a = values(actual);
  const e = values(expected);
  let maxAbs = 0;
  let maxRel = 0;
  let failing = 0;
  for (let i = 0; i < e.length; i++) {
    const x = Number(a[i]);
    const y = Number(e[i]);
    const diff = Math.abs(x - y);
    const bad = Number.isNaN(x) !== Number.isNaN(y) || (!Number.isNaN(diff) && diff > atol + rtol * Math.abs(y)) || (Number.isNaN(diff) && !Number.isNaN(x));
    if (bad) failing++;
    if (diff > maxAbs) maxAbs = diff;
    const rel = y !== 0 ? diff / Math.abs(y) : diff === 0 ? 0 : Infinity;
    if (rel > maxRel && Number.isFinite(rel)) maxRel = rel;
  }
  const fraction = e.length ? failing / e.length : 0;
  return { pass: failing === 0, maxAbsError: maxAbs, maxRelError: maxRel, failingFraction: fraction, stats: { atol, rtol, failingCount: failing } };
}
