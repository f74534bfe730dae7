/**
 * The comparator: numpy.allclose semantics per element (|actual − expected| ≤ atol + rtol·|expected|) and every
 * statistic in one pass over the data, with no allocation per element (large outputs are compared at memory speed;
 * `npm run bench:compare` prints the figure).
 *
 * Integers and bool compare exactly. int64 and uint64 are compared and measured in BigInt (a double cannot tell
 * 2^53 from 2^53 + 1, so a mismatch there would report a max abs error of 0); their worst element's values are
 * reported exactly (as decimal strings beyond 2^53). Strings compare exactly and have no numeric statistics.
 */
import { InvalidValueError } from '../errors';
import { toTensorLike } from '../tensor/convert';
import type { TensorLike } from '../tensor/types';
import { own } from '../util/names';
import { forTerminal } from '../util/terminal';
import * as v from '../validate';
import { DEFAULT_TOLERANCES, Tolerance, ToleranceOverrides, toleranceDtype, toleranceFor, validateTolerances } from './tolerances';
import type { ErrorHistogram, OutputComparison } from './types';
import { compareUnordered, explainRowOrder } from './unordered';

/** Decade bins from 1e-10 to 1e3; smaller non-zero errors land in the first bin, larger in the last. */
export const HISTOGRAM_EDGES: readonly number[] = Array.from({ length: 14 }, (_, i) => Number(`1e${i - 10}`));
const EDGES = Float64Array.from(HISTOGRAM_EDGES);
const LAST_BIN = EDGES.length - 2;

/**
 * The decade bin of a non-zero finite error from its binary exponent: a table gives the decade of 2^e, one
 * comparison corrects for decades that start inside [2^e, 2^(e+1)). (Math.log10 per element halves the throughput;
 * a binary search over the edges costs a third.)
 */
const BITS = new Float64Array(1);
const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;
/** The word holding the sign, exponent and top mantissa bits. */
const HIGH_WORD = new Uint32Array(BITS.buffer, LITTLE_ENDIAN ? 4 : 0, 1);
const BIN_OF_EXPONENT = Int32Array.from({ length: 2048 }, (_, biased) => {
  const decade = Math.floor((biased - 1023) * Math.LOG10E * Math.LN2 + 1e-9);
  return Math.min(LAST_BIN, Math.max(0, decade + 10));
});
function binOf(diff: number): number {
  BITS[0] = diff;
  let bin = BIN_OF_EXPONENT[(HIGH_WORD[0] >>> 20) & 0x7ff];
  if (bin < LAST_BIN && diff >= EDGES[bin + 1]) bin++;
  return bin;
}

export interface CompareOptions {
  /** Tolerance overrides (global and per output); defaults depend on the dtype (see tolerances.ts). */
  tolerance?: ToleranceOverrides;
  /**
   * NaN in both tensors at the same element counts as equal. Defaults to true: a reference that is NaN where the
   * engine is NaN agrees (numpy's allclose needs equal_nan=True for that). NaN or ±Inf in `actual` where `expected`
   * is finite always fails.
   */
  equalNan?: boolean;
  /**
   * Outputs compared without regard to the order of their rows (axis 0): detections after NonMaxSuppression or
   * TopK, Unique's values. Their rows are matched to the reference's first (lib/compare/unordered.ts). Default none.
   */
  unordered?: readonly string[];
}

let halfTable: Float32Array | undefined;
/** float16 bits → value, for all 65536 patterns (built once, 256 KB). */
function halfToFloatTable(): Float32Array {
  if (halfTable) return halfTable;
  const t = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const s = h & 0x8000 ? -1 : 1;
    const e = (h >> 10) & 0x1f;
    const f = h & 0x3ff;
    t[h] = e === 0 ? s * 2 ** -14 * (f / 1024) : e === 31 ? (f ? NaN : s * Infinity) : s * 2 ** (e - 15) * (1 + f / 1024);
  }
  halfTable = t;
  return t;
}

/**
 * Element values as numbers: numeric arrays as they are, float16 decoded, int64/uint64 as the nearest number.
 * @throws InvalidValueError for a string tensor (it has no numeric values).
 */
export function numericValues(t: TensorLike): ArrayLike<number> {
  if (t.type === 'string') throw new InvalidValueError('tensor', 'a numeric tensor', 'a string tensor', 'String tensors have no numeric values');
  if (t.type === 'float16') {
    const table = halfToFloatTable();
    const bits = t.data as Uint16Array;
    const out = new Float32Array(bits.length);
    for (let i = 0; i < bits.length; i++) out[i] = table[bits[i]];
    return out;
  }
  if (t.type === 'int64' || t.type === 'uint64') return Float64Array.from(t.data as BigInt64Array | BigUint64Array, Number);
  return t.data as ArrayLike<number>;
}

/** Row-major coordinates of a flat index. */
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

/** A result without numeric statistics: a failure before values were compared, or a string comparison. */
function withoutStatistics(output: string, actual: TensorLike | undefined, tol: Tolerance, problem: string | undefined): OutputComparison {
  return {
    output,
    dtype: actual?.type ?? null,
    dims: actual ? [...actual.dims] : null,
    pass: problem === undefined,
    ...(problem !== undefined ? { problem } : {}),
    atol: tol.atol,
    rtol: tol.rtol,
    maxAbsError: null,
    maxRelError: null,
    meanAbsError: null,
    rmsError: null,
    cosineSimilarity: null,
    failingCount: null,
    failingFraction: null,
  };
}

function failed(output: string, actual: TensorLike | undefined, tol: Tolerance, problem: string): OutputComparison {
  return withoutStatistics(output, actual, tol, problem);
}

const isFloat = (type: string) => type in DEFAULT_TOLERANCES;

/** Exact, element by element (integers and bool below 64 bits, strings): how many differ, and the first that does. */
function exactMismatches(x: ArrayLike<unknown>, y: ArrayLike<unknown>): { failing: number; worst: number } {
  let failing = 0;
  let worst = -1;
  for (let i = 0; i < y.length; i++) {
    if (x[i] !== y[i]) {
      failing++;
      if (worst < 0) worst = i;
    }
  }
  return { failing, worst };
}

/** An exact integer for a report: a number when a double holds it exactly, else its decimal string. */
function exactValue(b: bigint): number | string {
  return b >= -BigInt(Number.MAX_SAFE_INTEGER) && b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b.toString();
}

interface Accumulated {
  failing: number;
  worst: number;
  maxAbs: number;
  maxRel: number;
  sumAbs: number;
  sumSq: number;
  dot: number;
  normA: number;
  normE: number;
  zeros: number;
  nonFinite: number;
  counts: Float64Array;
}

/**
 * The one pass: every statistic, the verdict per element and the histogram, without allocating per element. Kept
 * small and separate so V8 optimises it on its own (inlined in compareTensors it ran at half the speed).
 */
function accumulate(a: ArrayLike<number>, e: ArrayLike<number>, atol: number, rtol: number, equalNan: boolean): Accumulated {
  const counts = new Float64Array(LAST_BIN + 1);
  const n = e.length;
  let zeros = 0;
  let nonFinite = 0;
  let failing = 0;
  let maxAbs = 0;
  let maxRel = 0;
  let worst = -1;
  let sumAbs = 0;
  let sumSq = 0;
  let dot = 0;
  let normA = 0;
  let normE = 0;
  for (let i = 0; i < n; i++) {
    const x = a[i];
    const y = e[i];
    const diff = Math.abs(x - y);
    if (!(diff < Infinity)) {
      // NaN or Inf on at least one side: equal only when both are the same infinity, or both NaN with equalNan.
      const same = x === y || (equalNan && x !== x && y !== y);
      if (!same) {
        nonFinite++;
        failing++;
        if (maxAbs !== Infinity) {
          maxAbs = Infinity;
          worst = i;
        }
      } else {
        zeros++; // agreeing values, error 0: the histogram's bins must add up to the element count
      }
      continue;
    }
    const size = Math.abs(y);
    if (diff > atol + rtol * size) failing++;
    if (diff > maxAbs || worst < 0) {
      maxAbs = diff;
      worst = i;
    }
    // diff/|y| > maxRel without a division per element (y = 0 has no relative error).
    if (diff > maxRel * size && size !== 0) maxRel = diff / size;
    sumAbs += diff;
    sumSq += diff * diff;
    dot += x * y;
    normA += x * x;
    normE += y * y;
    if (diff === 0) zeros++;
    else counts[binOf(diff)]++;
  }
  return { failing, worst, maxAbs, maxRel, sumAbs, sumSq, dot, normA, normE, zeros, nonFinite, counts };
}

/**
 * The pass for int64/uint64, in BigInt: the verdict is exact equality, the largest difference and its element are
 * exact; means, RMS, relative error and the histogram use the differences as doubles (exact below 2^53).
 */
function accumulateBigInt(a: ArrayLike<bigint>, e: ArrayLike<bigint>): Accumulated & { maxAbsExact: bigint } {
  const counts = new Float64Array(LAST_BIN + 1);
  let failing = 0;
  let worst = -1;
  let maxAbsExact = 0n;
  let maxRel = 0;
  let sumAbs = 0;
  let sumSq = 0;
  let dot = 0;
  let normA = 0;
  let normE = 0;
  let zeros = 0;
  for (let i = 0; i < e.length; i++) {
    const x = a[i];
    const y = e[i];
    const d = x > y ? x - y : y - x;
    const xn = Number(x);
    const yn = Number(y);
    dot += xn * yn;
    normA += xn * xn;
    normE += yn * yn;
    if (d === 0n) {
      zeros++;
      continue;
    }
    failing++;
    if (d > maxAbsExact) {
      maxAbsExact = d;
      worst = i;
    }
    const dn = Number(d);
    if (yn !== 0) maxRel = Math.max(maxRel, dn / Math.abs(yn));
    sumAbs += dn;
    sumSq += dn * dn;
    counts[binOf(dn)]++;
  }
  if (worst < 0 && e.length > 0) worst = 0;
  return { failing, worst, maxAbs: Number(maxAbsExact), maxAbsExact, maxRel, sumAbs, sumSq, dot, normA, normE, zeros, nonFinite: 0, counts };
}

/** Strings: exact, element by element; no numeric statistics. */
function compareStrings(output: string, a: readonly string[], e: readonly string[], actual: TensorLike, tol: Tolerance): OutputComparison {
  const { failing, worst: first } = exactMismatches(a, e);
  const n = e.length;
  const shown = (s: string) => forTerminal(JSON.stringify(s.length > 40 ? `${s.slice(0, 37)}...` : s));
  const problem = failing
    ? `${failing} of ${n} strings differ; the first at [${coordsOf(first, actual.dims).join(', ')}]: ${shown(a[first])}, expected ${shown(e[first])}`
    : undefined;
  return {
    ...withoutStatistics(output, actual, tol, problem),
    failingCount: failing,
    failingFraction: n ? failing / n : 0,
    ...(first >= 0 ? { worst: { index: first, coords: coordsOf(first, actual.dims), actual: a[first], expected: e[first] } } : {}),
  };
}

// Run every path of the pass once at load, on tiny arrays: code after the loop otherwise has no type feedback
// when V8 first optimizes the loop (on-stack, in a large call) and deoptimizes on every later call (~2x slower).
for (const make of [Float32Array.from.bind(Float32Array), Float64Array.from.bind(Float64Array)]) {
  const x = make([0, 1, NaN, Infinity, 2, 1e-7, -3, 0]);
  const y = make([0, 1.5, NaN, Infinity, 2, 0, 3, NaN]);
  accumulate(x, y, 1e-4, 1e-3, true);
  accumulate(x, y, 1e-4, 1e-3, false);
}

const COMPARE_OPTIONS = v.optionNames<CompareOptions>()({ tolerance: true, equalNan: true, unordered: true });

/** Validates compare options (tolerances: finite numbers ≥ 0; equalNan: a boolean). */
function validateOptions(options: unknown): CompareOptions {
  const o = v.options<CompareOptions>(options, 'options', COMPARE_OPTIONS);
  return {
    ...(o.tolerance !== undefined ? { tolerance: validateTolerances(o.tolerance, 'options.tolerance') } : {}),
    ...(o.equalNan !== undefined ? { equalNan: v.boolean(o.equalNan, 'options.equalNan') } : {}),
    ...(o.unordered !== undefined ? { unordered: v.arrayOf(o.unordered, 'options.unordered', v.string) } : {}),
  };
}

/**
 * Compares one output with its expected value. Mismatched dims or dtypes, or a missing tensor, are a failed result.
 * @throws InvalidTypeError / InvalidValueError for bad options (a NaN, negative or string tolerance) or a value
 *   that is not a tensor: those are the caller's mistakes, not results.
 */
export function compareTensors(
  output: string,
  actual: TensorLike | undefined,
  expected: TensorLike | undefined,
  options: CompareOptions = {},
): OutputComparison {
  v.string(output, 'output');
  return compareValidated(output, actual === undefined ? undefined : toTensorLike(actual, 'actual'), expected === undefined ? undefined : toTensorLike(expected, 'expected'), validateOptions(options));
}

/**
 * compareTensors for callers that validated their tensors and options once already (the run pipeline compares every
 * output of every runner at every probe: validating the same tolerances each time would only repeat work). Trusts
 * its arguments: give it TensorLikes (toTensorLike) and options as validateTolerances returns them.
 */
export function compareValidated(output: string, actual: TensorLike | undefined, expected: TensorLike | undefined, options: CompareOptions): OutputComparison {
  if (options.unordered?.includes(output)) return compareUnordered(output, actual, expected, options);
  const dtype = toleranceDtype(actual?.type, expected?.type);
  const tol = toleranceFor(output, dtype, options.tolerance);
  if (!actual) return failed(output, actual, tol, 'missing from the outputs');
  if (!expected) return failed(output, actual, tol, 'missing from the expected outputs');
  if (actual.dims.length !== expected.dims.length || actual.dims.some((d, i) => d !== expected.dims[i])) {
    return failed(output, actual, tol, `dims ${actual.dims.join('x')} differ from the expected ${expected.dims.join('x')}`);
  }
  // float32 against a float64 or float16 reference is a precision question, not a type error; anything else is.
  if (actual.type !== expected.type && !(isFloat(actual.type) && isFloat(expected.type))) {
    return failed(output, actual, tol, `dtype ${actual.type} differs from the expected ${expected.type}`);
  }
  if (actual.type === 'string') return compareStrings(output, actual.data as string[], expected.data as string[], actual, tol);
  const n = expected.data.length;
  const { atol, rtol } = tol;
  const wide = actual.type === 'int64' || actual.type === 'uint64';
  let worstValues: { actual: number | string; expected: number | string } | undefined;
  let st: Accumulated;
  let failing: number;
  let worst: number;
  if (wide) {
    const x = actual.data as ArrayLike<bigint>;
    const y = expected.data as ArrayLike<bigint>;
    st = accumulateBigInt(x, y);
    ({ failing, worst } = st);
    if (worst >= 0) worstValues = { actual: exactValue(x[worst]), expected: exactValue(y[worst]) };
  } else {
    const a = numericValues(actual);
    const e = numericValues(expected);
    st = accumulate(a, e, atol, rtol, options.equalNan ?? true);
    ({ failing, worst } = st);
    if (!isFloat(dtype)) {
      // Exact types: the verdict comes from exact equality, the statistics from the numeric pass above.
      const exact = exactMismatches(actual.data as ArrayLike<number>, expected.data as ArrayLike<number>);
      failing = exact.failing;
      if (failing > 0 && st.maxAbs === 0) worst = exact.worst;
    }
    if (worst >= 0) worstValues = { actual: a[worst], expected: e[worst] };
  }
  const { maxAbs, maxRel, sumAbs, sumSq, dot, normA, normE, zeros, nonFinite } = st;
  const counts = Array.from(st.counts);
  const finite = n - nonFinite;
  const histogram: ErrorHistogram = { edges: [...HISTOGRAM_EDGES], counts, zeros, nonFinite };
  const result: OutputComparison = {
    output,
    dtype: actual.type,
    dims: [...actual.dims],
    pass: failing === 0,
    atol,
    rtol,
    maxAbsError: n ? maxAbs : 0,
    maxRelError: n ? maxRel : 0,
    meanAbsError: finite ? sumAbs / finite : 0,
    rmsError: finite ? Math.sqrt(sumSq / finite) : 0,
    cosineSimilarity: normA > 0 && normE > 0 ? dot / Math.sqrt(normA * normE) : null,
    failingCount: failing,
    failingFraction: n ? failing / n : 0,
    ...(worstValues ? { worst: { index: worst, coords: coordsOf(worst, actual.dims), ...worstValues } } : {}),
    histogram,
  };
  // A failure that is the same rows in another order (NMS, TopK) says so.
  return result.pass ? result : explainRowOrder(result, actual, expected, options);
}

/**
 * Compares every expected output (and reports outputs the run lacks). Records may be plain or null-prototype
 * objects: names are looked up as own entries only, so outputs called `toString` or `__proto__` compare like any.
 * @throws InvalidTypeError / InvalidValueError for bad options or records (see compareTensors).
 */
export function compareOutputs(
  actual: Readonly<Record<string, TensorLike>>,
  expected: Readonly<Record<string, TensorLike>>,
  options: CompareOptions = {},
): OutputComparison[] {
  v.object(actual, 'actual', 'an object of tensors by output name');
  v.object(expected, 'expected', 'an object of tensors by output name');
  const valid = validateOptions(options);
  return Object.keys(expected).map((name) => {
    const a = own(actual, name);
    return compareValidated(name, a === undefined ? undefined : toTensorLike(a, `actual["${name}"]`), toTensorLike(own(expected, name), `expected["${name}"]`), valid);
  });
}
