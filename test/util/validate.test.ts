/**
 * The validation layer (lib/validate): every validator names the parameter and the value received, wrong types are
 * InvalidTypeError, unusable values InvalidValueError, and records keyed by names come back null-prototype.
 */
import { InvalidTypeError, InvalidValueError } from '../../lib/errors';
import { validateToleranceOutputs, validateTolerances } from '../../lib/compare/tolerances';
import { namedTensors, tensorsOrFile } from '../../lib/tensor/convert';
import * as v from '../../lib/validate';
import { caught } from '../helpers/errors';

describe('BAD CALL: each validator names the parameter and what it received', () => {
  const cases: [string, () => unknown, typeof InvalidTypeError | typeof InvalidValueError, RegExp][] = [
    ['object(null)', () => v.object(null, 'options'), InvalidTypeError, /^Expected an object for options but received null$/],
    ['options(42)', () => v.options(42), InvalidTypeError, /for options but received 42/],
    ['options([])', () => v.options([], 'opts'), InvalidTypeError, /for opts but received an array of length 0/],
    ['string(1)', () => v.string(1, 'name'), InvalidTypeError, /a string for name but received 1/],
    ['string("  ", nonEmpty)', () => v.string('  ', 'name', { nonEmpty: true }), InvalidValueError, /non-empty/],
    ['filePath(42)', () => v.filePath(42, 'options.baseDir'), InvalidTypeError, /file path \(a string\) for options.baseDir but received 42/],
    ['filePath("")', () => v.filePath('', 'source'), InvalidValueError, /for source but received ""/],
    ['filePath(NUL)', () => v.filePath('a\0b', 'source'), InvalidValueError, /without NUL/],
    ['finiteNumber(NaN)', () => v.nonNegativeNumber(NaN, 'tolerance.atol'), InvalidValueError, /finite number ≥ 0 for tolerance.atol but received NaN/],
    ['nonNegativeNumber(-1)', () => v.nonNegativeNumber(-1, 'tolerance.atol'), InvalidValueError, /received -1/],
    ["nonNegativeNumber('1')", () => v.nonNegativeNumber('1', 'tolerance.atol'), InvalidTypeError, /a number for tolerance.atol but received "1"/],
    ['finiteNumber(Infinity)', () => v.finiteNumber(Infinity, 'x', { max: 3 }), InvalidValueError, /finite number ≤ 3/],
    ['safeInteger(1e30)', () => v.safeInteger(1e30, 'seed'), InvalidValueError, /safe integer .* for seed but received 1e\+30/],
    ['safeInteger(2^53+1)', () => v.safeInteger(9007199254740993, 'seed'), InvalidValueError, /seed/],
    ['safeInteger(1.5)', () => v.safeInteger(1.5, 'count', { min: 1 }), InvalidValueError, /an integer ≥ 1 for count but received 1.5/],
    ['oneOf', () => v.oneOf('x', 'level', ['a', 'b']), InvalidValueError, /one of a, b for level but received "x"/],
    ['arrayOf(item)', () => v.arrayOf([1, 'x'], 'list', v.safeInteger), InvalidTypeError, /for list\[1\] but received "x"/],
    ['dims(string)', () => v.dims('1x2', 'shape'), InvalidTypeError, /dims .* for shape but received "1x2"/],
    ['dims(-1)', () => v.dims([1, -1], 'shape'), InvalidValueError, /for shape\[1\] but received -1/],
    ['shapes(array of objects)', () => v.shapes([{ input: '1x1' }], 'options.shapes[0]'), InvalidTypeError, /for options.shapes\[0\]/],
    ['shapes(string dims)', () => v.shapes({ input: '1x1' }, 'shapes'), InvalidTypeError, /for shapes\["input"\] but received "1x1"/],
    ['namedTensors(42)', () => namedTensors(42, 'samples[0].inputs'), InvalidTypeError, /tensors by name for samples\[0\].inputs but received 42/],
    ['tensorsOrFile(null)', () => tensorsOrFile(null, 'samples[0].inputs'), InvalidTypeError, /\.npz file or an object of tensors/],
    ['abortSignal({})', () => v.abortSignal({}, 'options.signal'), InvalidTypeError, /AbortSignal for options.signal/],
  ];
  it.each(cases)('%s', (_label, call, cls, message) => {
    const err = caught(call);
    expect(err).toBeInstanceOf(cls);
    expect(err.code).toBe(cls === InvalidTypeError ? 'ERR_TRT_NODE_INVALID_TYPE' : 'ERR_TRT_NODE_INVALID_VALUE');
    expect(err.message).toMatch(message);
  });
});

describe('values that pass', () => {
  it('optional lets undefined through and still checks null', () => {
    expect(v.optional(v.safeInteger)(undefined, 'seed')).toBeUndefined();
    expect(caught(() => v.optional(v.safeInteger)(null, 'seed')).message).toMatch(/for seed but received null/);
    expect(v.options(undefined)).toEqual({});
  });

  it('shapes: objects and Maps, null-prototype result in order, names such as __proto__ and toString kept', () => {
    const input = JSON.parse('{"__proto__": [1, 2], "toString": [3], "x": [0, 4]}') as object;
    const out = v.shapes(input, 'shapes');
    expect(Object.getPrototypeOf(out)).toBeNull();
    expect(Object.entries(out)).toEqual([
      ['__proto__', [1, 2]],
      ['toString', [3]],
      ['x', [0, 4]],
    ]);
    expect(Object.entries(v.shapes(new Map([['a', [1]]]), 'shapes'))).toEqual([['a', [1]]]);
    expect(caught(() => v.shapes({ x: [0] }, 'shapes', { allowZero: false })).message).toMatch(/integer ≥ 1 for shapes\["x"\]\[0\]/);
  });

  it('validateTolerances: a validated copy; NaN, negative and string values refused by name', () => {
    const t = validateTolerances({ atol: 0, perOutput: { toString: { rtol: 1e-3 } } });
    expect(t).toEqual({ atol: 0, perOutput: { toString: { rtol: 1e-3 } } });
    expect(Object.getPrototypeOf(t.perOutput)).toBeNull();
    expect(caught(() => validateTolerances({ atol: NaN })).message).toMatch(/tolerance.atol but received NaN/);
    expect(caught(() => validateTolerances({ perOutput: { o: { rtol: NaN } } }, 'options.tolerance')).message).toMatch(
      /options.tolerance.perOutput\["o"\].rtol but received NaN/,
    );
    expect(caught(() => validateTolerances({ rtol: -1 })).message).toMatch(/received -1/);
    expect(caught(() => validateTolerances({ atol: '1' })).code).toBe('ERR_TRT_NODE_INVALID_TYPE');
    expect(caught(() => validateTolerances(null)).code).toBe('ERR_TRT_NODE_INVALID_TYPE');
  });

  it('validateToleranceOutputs refuses a per-output tolerance for an output the model lacks, naming its outputs', () => {
    validateToleranceOutputs({ perOutput: { y: { atol: 1 } } }, ['y', 'z']);
    validateToleranceOutputs(undefined, ['y']);
    const err = caught(() => validateToleranceOutputs({ perOutput: { nope: { atol: 1e-3 } } }, ['output'], '--atol'));
    expect(err.message).toBe(
      "Expected an output of the model ('output') for --atol but received \"nope\". A tolerance for an output the model lacks would never apply",
    );
  });

  it('namedTensors validates each tensor and names it', () => {
    const ok = namedTensors({ valueOf: { type: 'float32', dims: [2], data: [1, 2] } }, 'feeds');
    expect(Object.getOwnPropertyDescriptor(ok, 'valueOf')?.value.data).toEqual(Float32Array.of(1, 2));
    expect(caught(() => namedTensors({ a: { type: 'float32', dims: [3], data: [1] } }, 'feeds')).message).toMatch(/feeds\["a"\]/);
    expect(tensorsOrFile('in.npz', 'inputs')).toBe('in.npz');
  });
});
