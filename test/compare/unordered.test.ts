/**
 * Outputs without a defined row order: the same rows in another order are recognised and said so, an
 * order-insensitive comparison is offered per output (CompareOptions.unordered), and when the rows differ the report
 * says how many match.
 */
import { compareTensors, matchRows } from '../../lib/compare';
import type { TensorLike } from '../../lib/tensor/types';

/** Rows of 4 box coordinates + score, as detections after NMS. */
function detections(rows: number[][]): TensorLike {
  return { type: 'float32', dims: [rows.length, rows[0]?.length ?? 5], data: Float32Array.from(rows.flat()) };
}

const rows = [
  [10, 20, 50, 60, 0.9],
  [12, 22, 48, 58, 0.8],
  [70, 10, 90, 40, 0.75],
  [0, 0, 5, 5, 0.5],
];
const reordered = [rows[2], rows[0], rows[3], rows[1]];

test('the same rows in another order: the ordered comparison fails and says why, with how to compare it', () => {
  const c = compareTensors('dets', detections(reordered), detections(rows));
  expect(c.pass).toBe(false);
  expect(c.rows).toEqual({ expected: 4, actual: 4, matched: 4, reordered: true });
  expect(c.problem).toContain('the same 4 rows in another order');
  expect(c.problem).toContain("unordered: ['dets']");
});

test('compared order-insensitively, they pass, with the statistics of the matched rows', () => {
  const c = compareTensors('dets', detections(reordered), detections(rows), { unordered: ['dets'] });
  expect(c).toMatchObject({ pass: true, order: 'unordered', maxAbsError: 0, failingCount: 0 });
  // Tolerance applies per element: a tiny shift still matches.
  const nudged = reordered.map((r) => r.map((v) => v + 1e-6));
  expect(compareTensors('dets', detections(nudged), detections(rows), { unordered: ['dets'] }).pass).toBe(true);
  // Other outputs stay ordered.
  expect(compareTensors('other', detections(reordered), detections(rows), { unordered: ['dets'] }).pass).toBe(false);
});

test('when the sets differ, the report says how many rows match', () => {
  const changed = [rows[2], rows[0], [1, 1, 2, 2, 0.1], rows[1]];
  const ordered = compareTensors('dets', detections(changed), detections(rows));
  expect(ordered.pass).toBe(false);
  expect(ordered.rows).toEqual({ expected: 4, actual: 4, matched: 3, reordered: false });
  const unordered = compareTensors('dets', detections(changed), detections(rows), { unordered: ['dets'] });
  expect(unordered).toMatchObject({ pass: false, order: 'unordered', rows: { matched: 3 } });
  expect(unordered.problem).toBe('3 of 4 expected rows have an equal row in the output, in any order');
  // A missing detection: counts differ; the 3 present rows are still counted.
  const fewer = compareTensors('dets', detections(reordered.slice(0, 3)), detections(rows), { unordered: ['dets'] });
  expect(fewer).toMatchObject({ pass: false, rows: { expected: 4, actual: 3, matched: 3 } });
  expect(fewer.problem).toContain('dims 3x5 differ from the expected 4x5');
});

test('integers compare exactly (NMS selected_indices), duplicates are matched once each', () => {
  const idx = (r: number[][]): TensorLike => ({ type: 'int64', dims: [r.length, 3], data: BigInt64Array.from(r.flat().map(BigInt)) });
  const ref = [[0, 0, 3], [0, 0, 0], [0, 0, 3]];
  expect(compareTensors('sel', idx([[0, 0, 3], [0, 0, 3], [0, 0, 0]]), idx(ref), { unordered: ['sel'] }).pass).toBe(true);
  expect(compareTensors('sel', idx([[0, 0, 3], [0, 0, 0], [0, 0, 0]]), idx(ref), { unordered: ['sel'] })).toMatchObject({ pass: false, rows: { matched: 2 } });
});

test('matchRows: no rows to match for scalars or other row shapes; NaN rows match NaN rows', () => {
  const scalar: TensorLike = { type: 'float32', dims: [], data: Float32Array.of(1) };
  expect(matchRows(scalar, scalar, { atol: 0, rtol: 0, equalNan: true })).toBeUndefined();
  expect(matchRows(detections(rows), { type: 'float32', dims: [4, 4], data: new Float32Array(16) }, { atol: 0, rtol: 0, equalNan: true })).toBeUndefined();
  const withNan = detections([[NaN, 1, 1, 1, 1], [2, 2, 2, 2, 2]]);
  const swapped = detections([[2, 2, 2, 2, 2], [NaN, 1, 1, 1, 1]]);
  expect(matchRows(swapped, withNan, { atol: 0, rtol: 0, equalNan: true })!.match).toEqual({ expected: 2, actual: 2, matched: 2, reordered: true });
});

test('a failing output whose rows do not match in any order is left as it was (an image batch)', () => {
  const a: TensorLike = { type: 'float32', dims: [2, 3], data: Float32Array.of(1, 2, 3, 4, 5, 6) };
  const e: TensorLike = { type: 'float32', dims: [2, 3], data: Float32Array.of(9, 9, 9, 8, 8, 8) };
  const c = compareTensors('img', a, e);
  expect(c.pass).toBe(false);
  expect(c.rows).toBeUndefined();
  expect(c.problem).toBeUndefined();
});
