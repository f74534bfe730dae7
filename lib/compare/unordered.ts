/**
 * Order-insensitive comparison of outputs that have no defined row order — detections after NonMaxSuppression or
 * TopK, Unique's values, NonZero's coordinates: two correct runtimes may return the same rows in another order.
 * Rows are the slices along axis 0; each expected row is matched to an unused actual row that is equal within the
 * output's tolerance (numpy.allclose per element, exact for integers and bool).
 *
 * compareTensors uses it two ways: for the outputs named in `CompareOptions.unordered`, the rows are aligned first
 * and then compared as usual; for any other output whose ordered comparison fails, it says whether the rows are the
 * same in another order, or how many match.
 */
import type { TensorLike } from '../tensor/types';
import { ARRAY_CLASS, type NumericTensorData, type NumericTensorType } from '../tensor/types';
import { compareTensors, numericValues } from './compare';
import type { CompareOptions } from './compare';
import { DEFAULT_TOLERANCES } from './tolerances';
import type { OutputComparison, RowMatch } from './types';

/** Above this many element comparisons the matching is not attempted (it stays fast on detection-sized outputs). */
const MAX_WORK = 5e7;

interface Tol {
  atol: number;
  rtol: number;
  equalNan: boolean;
}

function sameRowShape(a: TensorLike, e: TensorLike): boolean {
  return a.dims.length === e.dims.length && a.dims.length >= 1 && a.dims.every((d, i) => i === 0 || d === e.dims[i]);
}

/**
 * Matches the expected rows to actual rows in any order: `pairs[i]` is the actual row matched to expected row i, or
 * -1. Undefined when the tensors have no comparable rows (rank 0, other row shapes or types, too large).
 */
export function matchRows(actual: TensorLike, expected: TensorLike, tol: Tol): { pairs: Int32Array; match: RowMatch } | undefined {
  // Strings have no numeric order to search by: not matched row by row (they compare element by element).
  if (!sameRowShape(actual, expected) || actual.type === 'string' || expected.type === 'string') return undefined;
  const isFloat = expected.type in DEFAULT_TOLERANCES && actual.type in DEFAULT_TOLERANCES;
  if (!isFloat && actual.type !== expected.type) return undefined;
  const nA = actual.dims[0];
  const nE = expected.dims[0];
  const len = expected.dims.slice(1).reduce((x, y) => x * y, 1);
  if ((nA + nE) * Math.max(len, 1) > MAX_WORK) return undefined;
  let work = 0;
  // Integers and bool compare exactly, on the raw values (int64 as bigint).
  const a = (isFloat ? numericValues(actual) : actual.data) as ArrayLike<number | bigint>;
  const e = (isFloat ? numericValues(expected) : expected.data) as ArrayLike<number | bigint>;
  const close = (x: number | bigint, y: number | bigint): boolean => {
    if (!isFloat) return x === y;
    const xn = x as number;
    const yn = y as number;
    if (xn !== xn || yn !== yn) return tol.equalNan && xn !== xn && yn !== yn;
    if (xn === yn) return true;
    return Math.abs(xn - yn) <= tol.atol + tol.rtol * Math.abs(yn);
  };
  const rowsEqual = (i: number, j: number): boolean => {
    for (let k = 0; k < len; k++) {
      work++;
      if (!close(a[j * len + k], e[i * len + k])) return false;
    }
    return true;
  };
  // Actual rows sorted by their first element: an expected row only looks at the window its tolerance allows.
  const key = (arr: ArrayLike<number | bigint>, row: number) => (len ? Number(arr[row * len]) : 0);
  const order = Int32Array.from({ length: nA }, (_, j) => j).sort((x, y) => {
    const kx = key(a, x);
    const ky = key(a, y);
    return kx !== kx ? (ky !== ky ? 0 : 1) : ky !== ky ? -1 : kx - ky;
  });
  const keys = Float64Array.from(order, (j) => key(a, j));
  const firstNan = keys.findIndex((k) => k !== k);
  const used = new Uint8Array(nA);
  const pairs = new Int32Array(nE).fill(-1);
  let matched = 0;
  for (let i = 0; i < nE; i++) {
    const k = key(e, i);
    let lo: number;
    let hi: number;
    if (k !== k) {
      if (firstNan < 0) continue;
      lo = firstNan;
      hi = nA;
    } else {
      const slack = isFloat ? tol.atol + tol.rtol * Math.abs(k) : 0;
      // First sorted position whose key >= k - slack.
      let l = 0;
      let r = firstNan < 0 ? nA : firstNan;
      while (l < r) {
        const m = (l + r) >> 1;
        if (keys[m] < k - slack) l = m + 1;
        else r = m;
      }
      lo = l;
      hi = firstNan < 0 ? nA : firstNan;
      while (hi > lo && keys[hi - 1] > k + slack) hi--;
    }
    for (let p = lo; p < hi; p++) {
      // Many rows sharing a first element make the windows wide: give up rather than go quadratic on big outputs.
      if (work > MAX_WORK) return undefined;
      const j = order[p];
      if (!used[j] && rowsEqual(i, j)) {
        used[j] = 1;
        pairs[i] = j;
        matched++;
        break;
      }
    }
  }
  const inOrder = pairs.every((j, i) => j === i);
  return {
    pairs,
    match: { expected: nE, actual: nA, matched, reordered: matched === nE && nA === nE && !inOrder },
  };
}

function tolOf(c: OutputComparison, options: CompareOptions): Tol {
  return { atol: c.atol, rtol: c.rtol, equalNan: options.equalNan ?? true };
}

/** `actual` with its rows in the order `pairs` gives (unmatched rows fill the remaining places, in their order). */
function alignRows(actual: TensorLike, pairs: Int32Array): TensorLike {
  const len = actual.dims.slice(1).reduce((x, y) => x * y, 1);
  const taken = new Uint8Array(actual.dims[0]);
  for (const j of pairs) if (j >= 0) taken[j] = 1;
  const rest = Array.from({ length: actual.dims[0] }, (_, j) => j).filter((j) => !taken[j]);
  const orderOut = Array.from(pairs, (j) => (j >= 0 ? j : rest.shift()!)).concat(rest);
  const src = actual.data as unknown as { subarray(a: number, b: number): ArrayLike<number | bigint> };
  const out = new ARRAY_CLASS[actual.type as NumericTensorType](new ArrayBuffer((actual.data as NumericTensorData).byteLength));
  (orderOut.slice(0, actual.dims[0]) as number[]).forEach((j, i) => (out as unknown as { set(v: ArrayLike<number | bigint>, at: number): void }).set(src.subarray(j * len, (j + 1) * len), i * len));
  return { type: actual.type, dims: actual.dims, data: out };
}

/**
 * Compares `output` ignoring the order of its rows (axis 0): the rows are aligned to the expected ones, then compared
 * as usual, so the statistics are those of matching rows. Passes when every expected row has an equal row and the
 * counts agree.
 */
export function compareUnordered(output: string, actual: TensorLike | undefined, expected: TensorLike | undefined, options: CompareOptions = {}): OutputComparison {
  const plain: CompareOptions = { ...options, unordered: undefined };
  const ordered = compareTensors(output, actual, expected, plain);
  if (!actual || !expected || ordered.pass) return { ...ordered, order: 'unordered' };
  const m = matchRows(actual, expected, tolOf(ordered, options));
  if (!m) return { ...ordered, order: 'unordered' };
  const counts = actual.dims[0] === expected.dims[0];
  const c = counts ? compareTensors(output, alignRows(actual, m.pairs), expected, plain) : ordered;
  const all = m.match.matched === m.match.expected && counts;
  return {
    ...c,
    order: 'unordered',
    rows: m.match,
    ...(all ? {} : { pass: false, problem: c.problem ?? rowsText(m.match) }),
  };
}

export function rowsText(m: RowMatch): string {
  const counts = m.actual === m.expected ? '' : ` (the output has ${m.actual} rows, the reference ${m.expected})`;
  return `${m.matched} of ${m.expected} expected rows have an equal row in the output, in any order${counts}`;
}

/**
 * For a failed ordered comparison: whether the same rows are there in another order (then the output has no defined
 * order: say so, and how to compare it), or how many rows match in any order.
 */
export function explainRowOrder(c: OutputComparison, actual: TensorLike, expected: TensorLike, options: CompareOptions): OutputComparison {
  if (c.pass || actual.dims.length < 1 || expected.dims[0] < 2) return c;
  const m = matchRows(actual, expected, tolOf(c, options));
  if (!m || m.match.matched === 0) return c;
  if (m.match.reordered) {
    return {
      ...c,
      rows: m.match,
      problem:
        `the same ${m.match.expected} rows in another order: this output has no defined row order (e.g. detections ` +
        `after NonMaxSuppression or TopK, Unique, NonZero); compare it order-insensitively (unordered: ['${c.output}'])`,
    };
  }
  // The sets differ: how many rows match is in `rows` (shown by the reports), not a `problem` of its own.
  return { ...c, rows: m.match };
}
