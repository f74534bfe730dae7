import { compareOutputs, compareTensors, DEFAULT_TOLERANCES, parseTolerance, toleranceFor, mergeTolerances } from '../../lib/compare';
import { TrtNodeError } from '../../lib/errors';
import type { TensorLike } from '../../lib/tensor/types';

const f32 = (values: number[], dims = [values.length]): TensorLike => ({ type: 'float32', dims, data: Float32Array.from(values) });

describe('compareTensors: numpy.allclose semantics', () => {
  it('passes within atol + rtol*|expected| and fails just outside', () => {
    const tol = { atol: 0.1, rtol: 0.1 };
    // |a-e| <= 0.1 + 0.1*|e|: for e=1 the bound is 0.2
    expect(compareTensors('y', f32([1.19]), f32([1]), { tolerance: tol }).pass).toBe(true);
    const r = compareTensors('y', f32([1.25]), f32([1]), { tolerance: tol });
    expect(r.pass).toBe(false);
    expect(r.failingCount).toBe(1);
  });

  it('computes every statistic on a hand-checkable case', () => {
    const r = compareTensors('y', f32([1, 2, 3, 4], [2, 2]), f32([1, 2, 2, 2], [2, 2]), { tolerance: { atol: 0, rtol: 0 } });
    expect(r.maxAbsError).toBe(2);
    expect(r.worst).toEqual({ index: 3, coords: [1, 1], actual: 4, expected: 2 });
    expect(r.maxRelError).toBe(1); // |4-2|/2
    expect(r.meanAbsError).toBeCloseTo(3 / 4);
    expect(r.rmsError).toBeCloseTo(Math.sqrt((1 + 4) / 4));
    expect(r.failingCount).toBe(2);
    expect(r.failingFraction).toBe(0.5);
    // cosine of [1,2,3,4] and [1,2,2,2]
    expect(r.cosineSimilarity).toBeCloseTo((1 + 4 + 6 + 8) / Math.sqrt(30 * 13), 6);
    expect(r.histogram?.zeros).toBe(2);
    expect(r.histogram?.counts.reduce((a, b) => a + b, 0)).toBe(2);
  });

  it('fails NaN or Inf in actual where expected is finite, and says where', () => {
    const nan = compareTensors('y', f32([0, NaN]), f32([0, 1]));
    expect(nan.pass).toBe(false);
    expect(nan.maxAbsError).toBe(Infinity);
    expect(nan.worst?.index).toBe(1);
    expect(nan.histogram?.nonFinite).toBe(1);
    expect(compareTensors('y', f32([Infinity]), f32([1])).pass).toBe(false);
    expect(compareTensors('y', f32([-Infinity]), f32([Infinity])).pass).toBe(false);
  });

  it('treats matching NaN and same-sign Inf as equal (equalNan defaults to true)', () => {
    expect(compareTensors('y', f32([NaN, Infinity, -Infinity]), f32([NaN, Infinity, -Infinity])).pass).toBe(true);
    expect(compareTensors('y', f32([NaN]), f32([NaN]), { equalNan: false }).pass).toBe(false);
  });

  it('handles zeros and empty tensors', () => {
    const zeros = compareTensors('y', f32([0, 0]), f32([0, 0]));
    expect(zeros.pass).toBe(true);
    expect(zeros.maxRelError).toBe(0);
    expect(zeros.cosineSimilarity).toBeNull();
    const empty = compareTensors('y', f32([], [0, 4]), f32([], [0, 4]));
    expect(empty.pass).toBe(true);
    expect(empty.failingFraction).toBe(0);
  });

  it('reports shape, dtype and missing-output mismatches as failed results, not throws', () => {
    const shape = compareTensors('y', f32([1, 2], [2]), f32([1, 2], [1, 2]));
    expect(shape.pass).toBe(false);
    expect(shape.problem).toMatch(/dims 2 differ from the expected 1x2/);
    const i32: TensorLike = { type: 'int32', dims: [1], data: Int32Array.of(1) };
    expect(compareTensors('y', i32, f32([1])).problem).toMatch(/dtype int32 differs from the expected float32/);
    expect(compareTensors('y', undefined, f32([1])).problem).toMatch(/missing from the outputs/);
    const all = compareOutputs({ a: f32([1]) }, { a: f32([1]), b: f32([2]) });
    expect(all.map((c) => [c.output, c.pass])).toEqual([['a', true], ['b', false]]);
  });

  it('compares int64 exactly, beyond float precision', () => {
    const big = 2n ** 60n;
    const a: TensorLike = { type: 'int64', dims: [2], data: BigInt64Array.of(big, 5n) };
    const e: TensorLike = { type: 'int64', dims: [2], data: BigInt64Array.of(big + 1n, 5n) };
    const r = compareTensors('ids', a, e, { tolerance: { atol: 10, rtol: 10 } });
    expect(r.pass).toBe(false); // exact types ignore tolerances
    expect(r.failingCount).toBe(1);
    expect(compareTensors('ids', a, { ...a }).pass).toBe(true);
  });

  it('compares bool exactly', () => {
    const a: TensorLike = { type: 'bool', dims: [3], data: Uint8Array.of(1, 0, 1) };
    expect(compareTensors('m', a, { type: 'bool', dims: [3], data: Uint8Array.of(1, 0, 0) }).failingCount).toBe(1);
  });

  it('decodes float16 before comparing', () => {
    // 0x3c00 = 1.0, 0x4000 = 2.0
    const a: TensorLike = { type: 'float16', dims: [2], data: Uint16Array.of(0x3c00, 0x4000) };
    const e: TensorLike = { type: 'float16', dims: [2], data: Uint16Array.of(0x3c00, 0x3c00) };
    const r = compareTensors('h', a, e);
    expect(r.maxAbsError).toBe(1);
    expect(r.atol).toBe(DEFAULT_TOLERANCES.float16.atol);
  });
});

describe('tolerances', () => {
  it('defaults by dtype, exact for integers', () => {
    expect(toleranceFor('y', 'float32')).toEqual(DEFAULT_TOLERANCES.float32);
    expect(toleranceFor('y', 'float16').atol).toBeGreaterThan(toleranceFor('y', 'float32').atol);
    expect(toleranceFor('y', 'int64', { atol: 1 })).toEqual({ atol: 0, rtol: 0 });
  });

  it('parses global and per-output values and applies per-output first', () => {
    const atol = parseTolerance('--atol', '1e-4,output:1e-2');
    expect(atol).toEqual({ global: 1e-4, perOutput: { output: 1e-2 } });
    const o = mergeTolerances(atol, parseTolerance('--rtol', 'other:0.5'));
    expect(toleranceFor('output', 'float32', o)).toEqual({ atol: 1e-2, rtol: DEFAULT_TOLERANCES.float32.rtol });
    expect(toleranceFor('other', 'float32', o)).toEqual({ atol: 1e-4, rtol: 0.5 });
    expect(parseTolerance('--atol', 'a:b:1e-3').perOutput).toEqual({ 'a:b': 1e-3 });
  });

  it.each(['', 'abc', '-1', 'x:', '1e-4,2e-4', ':1'])('BAD CALL --atol %j names the option', (text) => {
    expect(() => parseTolerance('--atol', text)).toThrow(TrtNodeError);
    expect(() => parseTolerance('--atol', text)).toThrow(/--atol/);
  });
});
