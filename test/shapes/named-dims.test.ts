/**
 * Named dimensions in trt-node's own checks: a profile (validateProfiles) or an engine's feeds (prepareFeeds, when the
 * engine was loaded with its model) that give one dim_param two sizes is a usage error naming both inputs, before
 * TensorRT fails the build or the run (test/native/standin-strict.test.ts shows TensorRT's side on the stand-in).
 */
import { ShapeError } from '../../lib/errors';
import type { NativeTensorInfo } from '../../lib/native/binding';
import { readModel } from '../../lib/onnx/reader';
import type { ModelSummary } from '../../lib/onnx/types';
import { dimensionNames } from '../../lib/shapes/named-dims';
import { validateProfiles } from '../../lib/shapes/profiles';
import { prepareFeeds } from '../../lib/trt/feeds';
import { caught } from '../helpers/errors';
import { NAMED_PAIR } from '../native/strict-models';

let pair: ModelSummary; // a [n, 4], b [n, 4]

beforeAll(async () => {
  pair = await readModel(NAMED_PAIR);
});

const range = (min: number, opt: number, max: number) => ({ min: [min, 4], opt: [opt, 4], max: [max, 4] });

describe('validateProfiles and named dimensions', () => {
  test('one range for both inputs of a name is accepted', () => {
    expect(validateProfiles({ a: range(1, 2, 8), b: range(1, 2, 8) }, pair)).toHaveLength(1);
  });

  test('BAD CALL - a profile giving n two sizes names both inputs, the selector and the name', () => {
    const e = caught(() => validateProfiles([{ a: range(1, 2, 8), b: range(1, 2, 8) }, { a: range(1, 2, 4), b: range(5, 6, 8) }], pair));
    expect(e).toBeInstanceOf(ShapeError);
    expect(e.message).toMatch(/^profiles\[1\]\["a"\]\.min gives dimension 'n' \(axis 0 of input "a"\) the size 1, but profiles\[1\]\["b"\]\.min gives it 5/);
    expect(e.message).toContain('must be equal');
    expect((e as ShapeError).details).toMatchObject({ dimension: 'n', inputs: ['a', 'b'] });
  });

  test('BAD CALL - only max differs: still refused (the range of n is one range)', () => {
    const e = caught(() => validateProfiles({ a: range(1, 2, 8), b: range(1, 2, 9) }, pair));
    expect(e.message).toMatch(/\["a"\]\.max .*'n'.*\["b"\]\.max gives it 9/);
  });
});

describe('prepareFeeds and named dimensions', () => {
  const tensors: NativeTensorInfo[] = ['a', 'b'].map((name) => ({
    name,
    mode: 'input',
    type: 'float32',
    dims: [-1, 4],
    location: 'device',
    profiles: [range(1, 2, 8)],
  }));
  const feed = (n: number) => ({ type: 'float32', dims: [n, 4], data: new Float32Array(n * 4) });

  test('the names come from the model summary', () => {
    expect(dimensionNames(pair.inputs)).toEqual({ a: ['n', null], b: ['n', null] });
  });

  test('BAD CALL - feeds giving n two sizes, with the model known: a ShapeError naming both feeds', () => {
    const e = caught(() => prepareFeeds({ a: feed(3), b: feed(5) }, tensors, 1, undefined, dimensionNames(pair.inputs)));
    expect(e).toBeInstanceOf(ShapeError);
    expect(e.message).toMatch(/^feeds\["a"\] gives dimension 'n' .* the size 3, but feeds\["b"\] gives it 5/);
  });

  test('without the model the check is TensorRT\'s (its engine does not keep the names)', () => {
    expect(prepareFeeds({ a: feed(3), b: feed(5) }, tensors, 1, undefined).dims).toEqual([3, 4, 5, 4]);
    expect(prepareFeeds({ a: feed(3), b: feed(3) }, tensors, 1, undefined, dimensionNames(pair.inputs)).profile).toBe(0);
  });
});
