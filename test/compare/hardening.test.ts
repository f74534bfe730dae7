/**
 * The comparator against the fuzz report (defects 3, 5) and the conformance report (3b, 3d): tolerances validated
 * (a NaN made everything pass), outputs named like Object.prototype members, int64/uint64 beyond 2^53 reported
 * exactly, new integer types and strings compared exactly.
 */
import { compareOutputs, compareTensors, parseTolerance, mergeTolerances } from '../../lib/compare';
import { InvalidTypeError, InvalidValueError } from '../../lib/errors';
import type { TensorLike } from '../../lib/tensor/types';
import { toJson } from '../../lib/util/json';
import { caught } from '../helpers/errors';

const t = (values: number[]): TensorLike => ({ type: 'float32', dims: [values.length], data: Float32Array.from(values) });

describe('tolerances are validated (defect 3: tools/fuzz/tolerance-probe.ts)', () => {
  it.each([
    ['atol NaN', { atol: NaN }, InvalidValueError, /options\.tolerance\.atol but received NaN/],
    ['perOutput rtol NaN', { perOutput: { o: { rtol: NaN } } }, InvalidValueError, /options\.tolerance\.perOutput\["o"\]\.rtol but received NaN/],
    ['atol -1', { atol: -1 }, InvalidValueError, /received -1/],
    ["atol '1'", { atol: '1' }, InvalidTypeError, /a number for options\.tolerance\.atol but received "1"/],
    ['tolerance null', null, InvalidTypeError, /options\.tolerance/],
  ])('%s: compareTensors and compareOutputs throw instead of passing everything', (_label, tolerance, cls, message) => {
    const e = caught(() => compareTensors('o', t([1, 2, 100]), t([0, 0, 0]), { tolerance: tolerance as never }));
    expect(e).toBeInstanceOf(cls);
    expect(e.message).toMatch(message);
    expect(caught(() => compareOutputs({ o: t([1]) }, { o: t([0]) }, { tolerance: tolerance as never }))).toBeInstanceOf(cls);
  });

  it('equalNan must be a boolean; a non-tensor is named', () => {
    expect(caught(() => compareTensors('o', t([1]), t([1]), { equalNan: 'yes' as never })).message).toMatch(/options\.equalNan/);
    expect(caught(() => compareTensors('o', { type: 'float32', dims: [2], data: [1] } as never, t([1]))).message).toMatch(/'actual'/);
    expect(caught(() => compareOutputs(null as never, {})).message).toMatch(/for actual but received null/);
  });
});

describe('outputs named like Object.prototype members (defect 5)', () => {
  const NAMES = ['toString', 'valueOf', 'hasOwnProperty', 'constructor', '__proto__'];

  it('compareOutputs finds them in plain and null-prototype records, and reports missing ones as missing', () => {
    const expected: Record<string, TensorLike> = Object.create(null);
    const actual: Record<string, TensorLike> = {};
    for (const n of NAMES) {
      Object.defineProperty(expected, n, { value: t([1, 2]), enumerable: true });
      if (n !== 'valueOf') Object.defineProperty(actual, n, { value: t([1, 2]), enumerable: true });
    }
    const r = compareOutputs(actual, expected);
    expect(r.map((c) => [c.output, c.pass, c.problem])).toEqual(
      NAMES.map((n) => [n, n !== 'valueOf', n === 'valueOf' ? 'missing from the outputs' : undefined]),
    );
  });

  it("per-output tolerances and parsed '--atol' lists keep such names as keys", () => {
    const parsed = parseTolerance('--atol', '__proto__:0.5,toString:0.25');
    expect(Object.entries(parsed.perOutput)).toEqual([
      ['__proto__', 0.5],
      ['toString', 0.25],
    ]);
    const overrides = mergeTolerances(parsed);
    expect(compareTensors('__proto__', t([1.4]), t([1]), { tolerance: overrides }).pass).toBe(true);
    expect(compareTensors('toString', t([1.4]), t([1]), { tolerance: overrides }).pass).toBe(false);
    expect(compareTensors('valueOf', t([1.00001]), t([1]), { tolerance: overrides }).atol).toBe(1e-4); // the default, not a function's
  });
});

describe('exact types', () => {
  it('int64 beyond 2^53 (conformance 3d): the mismatch is measured and reported exactly', () => {
    const a: TensorLike = { type: 'int64', dims: [3], data: BigInt64Array.of(1n, 2n ** 53n, 5n) };
    const e: TensorLike = { type: 'int64', dims: [3], data: BigInt64Array.of(1n, 2n ** 53n + 1n, 5n) };
    const r = compareTensors('ids', a, e);
    expect(r.pass).toBe(false);
    expect(r.failingCount).toBe(1);
    expect(r.maxAbsError).toBe(1);
    expect(r.worst).toEqual({ index: 1, coords: [1], actual: '9007199254740992', expected: '9007199254740993' });
    expect(JSON.parse(toJson(r)).worst).toEqual({ index: 1, coords: [1], actual: '9007199254740992', expected: '9007199254740993' });
    const extremes = compareTensors(
      'x',
      { type: 'int64', dims: [1], data: BigInt64Array.of(-(2n ** 63n)) },
      { type: 'int64', dims: [1], data: BigInt64Array.of(2n ** 63n - 1n) },
    );
    expect(extremes.maxAbsError).toBe(2 ** 64);
    expect(extremes.worst).toMatchObject({ actual: '-9223372036854775808', expected: '9223372036854775807' });
  });

  it('uint64 beyond 2^63, uint32, uint16, int16: exact verdicts and sensible statistics', () => {
    const u64 = compareTensors(
      'u',
      { type: 'uint64', dims: [2], data: BigUint64Array.of(2n ** 64n - 1n, 0n) },
      { type: 'uint64', dims: [2], data: BigUint64Array.of(2n ** 64n - 2n, 0n) },
    );
    expect([u64.pass, u64.maxAbsError, u64.worst?.actual]).toEqual([false, 1, '18446744073709551615']);
    expect(compareTensors('u', { type: 'uint64', dims: [1], data: BigUint64Array.of(7n) }, { type: 'uint64', dims: [1], data: BigUint64Array.of(7n) }).pass).toBe(true);
    for (const [type, Array] of [['uint32', Uint32Array], ['uint16', Uint16Array], ['int16', Int16Array]] as const) {
      const r = compareTensors('x', { type, dims: [2], data: Array.of(3, 9) }, { type, dims: [2], data: Array.of(3, 7) }, { tolerance: { atol: 5 } });
      expect([r.pass, r.failingCount, r.maxAbsError, r.worst?.index]).toEqual([false, 1, 2, 1]);
    }
  });

  it('strings compare exactly, say where the first difference is, and never pretend to numeric errors', () => {
    const s = (data: string[]): TensorLike => ({ type: 'string', dims: [2, 2], data });
    expect(compareTensors('s', s(['a', 'b', 'c', 'd']), s(['a', 'b', 'c', 'd'])).pass).toBe(true);
    const r = compareTensors('s', s(['a', '0.60484552', 'c', 'x']), s(['a', '0.6048455', 'c', 'd']));
    expect(r).toMatchObject({ pass: false, failingCount: 2, failingFraction: 0.5, maxAbsError: null, worst: { index: 1, coords: [0, 1], actual: '0.60484552', expected: '0.6048455' } });
    expect(r.problem).toBe('2 of 4 strings differ; the first at [0, 1]: "0.60484552", expected "0.6048455"');
    expect(compareTensors('s', s(['\x1b[2J', '', '', '']), s(['', '', '', ''])).problem).toContain('"\\u001b[2J"');
    expect(compareTensors('s', { type: 'string', dims: [4], data: ['a', 'b', 'c', 'd'] }, t([1, 2, 3, 4])).problem).toMatch(/dtype string differs from the expected float32/);
  });
});
