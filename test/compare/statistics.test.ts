/**
 * Comparator details beyond compare.test.ts: the histogram's decade bins, infinities of both signs, NaN on the
 * expected side, per-output tolerance overrides through compareOutputs, mixed float precisions, exact types'
 * statistics, and JSON round trips. Expectations are hand-computed.
 */
import { compareOutputs, compareTensors, HISTOGRAM_EDGES } from '../../lib/compare';
import type { TensorLike } from '../../lib/tensor/types';

const f32 = (values: number[], dims = [values.length]): TensorLike => ({ type: 'float32', dims, data: Float32Array.from(values) });
const f64 = (values: number[], dims = [values.length]): TensorLike => ({ type: 'float64', dims, data: Float64Array.from(values) });

describe('error histogram', () => {
  it('puts each error in its decade [1e-k, 1e-k+1), extremes in the end bins', () => {
    // errors: 0, 3e-7, 1e-6 (exact edge), 5e-3, 2e5 (beyond the last edge), 1e-12 (below the first edge)
    const diffs = [0, 3e-7, 1e-6, 5e-3, 2e5, 1e-12];
    const r = compareTensors('y', f64(diffs), f64(diffs.map(() => 0)));
    const bin = (d: number) => Math.min(HISTOGRAM_EDGES.length - 2, Math.max(0, Math.floor(Math.log10(d)) + 10));
    const expected = new Array(HISTOGRAM_EDGES.length - 1).fill(0);
    for (const d of diffs.slice(1)) expected[bin(d)]++;
    expect(r.histogram!.counts).toEqual(expected);
    expect(r.histogram!.zeros).toBe(1);
    expect(r.histogram!.counts[bin(1e-6)]).toBeGreaterThan(0);
    expect(HISTOGRAM_EDGES[bin(1e-6)]).toBe(1e-6); // an error equal to an edge belongs to the bin it starts
  });

  it('agrees with floor(log10) across many magnitudes, edges included', () => {
    const diffs: number[] = [];
    for (let k = -14; k <= 5; k++) for (const m of [1, 1.0000001, 2, 5, 9.999999]) diffs.push(m * 10 ** k);
    for (let k = -12; k <= 4; k++) diffs.push(Number(`1e${k}`), Number(`1e${k}`) * (1 - 2 ** -52));
    const r = compareTensors('y', f64(diffs), f64(diffs.map(() => 0)), { tolerance: { atol: 0, rtol: 0 } });
    const expected = new Array(HISTOGRAM_EDGES.length - 1).fill(0);
    for (const d of diffs) {
      let b = 0;
      for (let i = 0; i < HISTOGRAM_EDGES.length - 1; i++) if (d >= HISTOGRAM_EDGES[i]) b = i;
      expected[b]++;
    }
    expect(r.histogram!.counts).toEqual(expected);
  });
});

describe('non-finite values', () => {
  it('fails -Inf against a finite value and against +Inf, passes -Inf against -Inf', () => {
    expect(compareTensors('y', f32([-Infinity]), f32([0])).pass).toBe(false);
    expect(compareTensors('y', f32([-Infinity]), f32([Infinity])).pass).toBe(false);
    const same = compareTensors('y', f32([-Infinity, 1]), f32([-Infinity, 1]));
    expect(same.pass).toBe(true);
    expect(same.maxAbsError).toBe(0); // the matching infinities do not count as errors
    expect(same.histogram!.nonFinite).toBe(0);
  });

  it('counts agreeing NaN and infinities as zero errors: the histogram adds up to the element count', () => {
    const r = compareTensors('y', f32([NaN, Infinity, -Infinity, 1, 2, NaN]), f32([NaN, Infinity, -Infinity, 1, 2.5, 0]));
    const h = r.histogram!;
    expect(h.zeros).toBe(4);
    expect(h.nonFinite).toBe(1);
    expect(h.zeros + h.nonFinite + h.counts.reduce((a, b) => a + b, 0)).toBe(6);
    expect(r.meanAbsError).toBeCloseTo(0.5 / 5); // over the 5 elements that are not a non-finite failure
  });

  it('fails a finite value where the reference is NaN or infinite', () => {
    expect(compareTensors('y', f32([1]), f32([NaN])).pass).toBe(false);
    expect(compareTensors('y', f32([1e30]), f32([Infinity])).pass).toBe(false);
  });

  it('NaN against NaN: equal by default, failing with equalNan: false (numpy.allclose default)', () => {
    const both = [f32([NaN, 2]), f32([NaN, 2])] as const;
    const r = compareTensors('y', ...both);
    expect(r.pass).toBe(true);
    expect(r.meanAbsError).toBe(0);
    const strict = compareTensors('y', ...both, { equalNan: false });
    expect(strict.pass).toBe(false);
    expect(strict.failingCount).toBe(1);
    expect(strict.worst).toMatchObject({ index: 0, coords: [0] });
  });

  it('keeps the mean and RMS over finite pairs while counting non-finite failures', () => {
    const r = compareTensors('y', f32([NaN, 1, 3]), f32([0, 0, 0]), { tolerance: { atol: 0, rtol: 0 } });
    expect(r.failingCount).toBe(3);
    expect(r.failingFraction).toBe(1);
    expect(r.maxAbsError).toBe(Infinity);
    expect(r.worst?.index).toBe(0);
    expect(r.meanAbsError).toBe(2); // (1 + 3) / 2
    expect(r.rmsError).toBeCloseTo(Math.sqrt(5)); // sqrt((1 + 9) / 2)
  });
});

describe('tolerances in compareOutputs', () => {
  it('applies per-output overrides before the global value and the dtype default', () => {
    const actual = { a: f32([1.005]), b: f32([1.005]), c: f32([1.005]) };
    const expected = { a: f32([1]), b: f32([1]), c: f32([1]) };
    // error 5e-3: float32 default (atol 1e-4 + rtol 1e-3 * 1 = 1.1e-3) fails it
    const r = compareOutputs(actual, expected, { tolerance: { atol: 1e-2, perOutput: { b: { atol: 0 }, c: { rtol: 1e-2 } } } });
    expect(r.map((x) => [x.output, x.pass, x.atol, x.rtol])).toEqual([
      ['a', true, 1e-2, 1e-3],
      ['b', false, 0, 1e-3],
      ['c', true, 1e-2, 1e-2],
    ]);
    expect(compareOutputs(actual, expected).every((x) => !x.pass)).toBe(true);
  });

  it("compares float32 against a float64 reference with float32's tolerance (the less precise side's)", () => {
    const r = compareTensors('y', f32([0.1]), f64([0.1]));
    expect(r.pass).toBe(true);
    expect(r.maxAbsError).toBeGreaterThan(0); // float32(0.1) differs from float64 0.1
    expect(r.maxAbsError).toBeLessThan(1e-8);
    expect([r.atol, r.rtol]).toEqual([1e-4, 1e-3]);
    expect(r.dtype).toBe('float32');
    // 1e-5 off: within float32's defaults, far outside float64's (1e-7 + 1e-6·|x|).
    expect(compareTensors('y', f32([1.00001]), f64([1])).pass).toBe(true);
    expect(compareTensors('y', f64([1.00001]), f64([1])).pass).toBe(false);
    // An explicit override still wins.
    expect(compareTensors('y', f32([1.00001]), f64([1]), { tolerance: { atol: 1e-7, rtol: 1e-6 } }).pass).toBe(false);
  });

  it('float16 against a float32 reference uses float16 defaults', () => {
    const half: TensorLike = { type: 'float16', dims: [1], data: Uint16Array.of(0x3c00) }; // 1.0
    const r = compareTensors('y', half, f32([1.005]));
    expect([r.atol, r.rtol]).toEqual([1e-2, 1e-2]);
    expect(r.pass).toBe(true);
  });
});

describe('exact types and result shape', () => {
  it('int32: exact verdict, numeric statistics, where the first difference is', () => {
    const a: TensorLike = { type: 'int32', dims: [2, 2], data: Int32Array.of(1, 2, 3, 10) };
    const e: TensorLike = { type: 'int32', dims: [2, 2], data: Int32Array.of(1, 2, 4, 7) };
    const r = compareTensors('n', a, e);
    expect(r.pass).toBe(false);
    expect(r.failingCount).toBe(2);
    expect(r.maxAbsError).toBe(3);
    expect(r.worst).toEqual({ index: 3, coords: [1, 1], actual: 10, expected: 7 });
    expect([r.atol, r.rtol]).toEqual([0, 0]);
  });

  it('int64 against int32 is a dtype mismatch, reported not thrown', () => {
    const a: TensorLike = { type: 'int64', dims: [1], data: BigInt64Array.of(1n) };
    const e: TensorLike = { type: 'int32', dims: [1], data: Int32Array.of(1) };
    const r = compareTensors('n', a, e);
    expect(r.pass).toBe(false);
    expect(r.problem).toMatch(/dtype int64 differs from the expected int32/);
    expect(r.maxAbsError).toBeNull();
  });

  it('same element count but other dims fails on dims', () => {
    const r = compareTensors('y', f32([1, 2, 3, 4, 5, 6], [2, 3]), f32([1, 2, 3, 4, 5, 6], [3, 2]));
    expect(r.pass).toBe(false);
    expect(r.problem).toMatch(/dims 2x3 differ from the expected 3x2/);
  });

  it('empty tensors of any rank pass with zero statistics; results survive JSON', () => {
    const r = compareTensors('y', f32([], [1, 0, 3]), f32([], [1, 0, 3]));
    expect(r).toMatchObject({ pass: true, failingCount: 0, maxAbsError: 0, meanAbsError: 0, rmsError: 0, cosineSimilarity: null });
    expect(r.worst).toBeUndefined();
    const full = compareTensors('y', f32([1, 2]), f32([1, 2.5]));
    expect(JSON.parse(JSON.stringify(full))).toEqual(full);
  });
});
