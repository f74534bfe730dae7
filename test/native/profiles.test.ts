import * as path from 'path';
import { InvalidTypeError, InvalidValueError, ShapeError } from '../../lib/errors';
import { readModel } from '../../lib/onnx/reader';
import type { ModelSummary } from '../../lib/onnx/types';
import { profileFromSamples, validateProfiles } from '../../lib/shapes/profiles';
import { caught } from '../helpers/errors';

const fixtures = path.join(__dirname, '..', 'fixtures');
let dynamic: ModelSummary; // super_resolution: input [batch, 1, height, width]
let fixed: ModelSummary; // super_resolution_static: input [1, 1, 96, 64]

beforeAll(async () => {
  dynamic = await readModel(path.join(fixtures, 'super_resolution', 'model.onnx'));
  fixed = await readModel(path.join(fixtures, 'super_resolution_static', 'model.onnx'));
});

const good = { input: { min: [1, 1, 64, 64], opt: [1, 1, 256, 256], max: [4, 1, 960, 640] } };

describe('validateProfiles against the model', () => {
  it('accepts a range over the dynamic axes and returns copies', () => {
    const [p] = validateProfiles(good, dynamic);
    expect(p).toEqual(good);
    expect(p.input.min).not.toBe(good.input.min);
  });

  it('accepts several profiles, and none for a fully static model', () => {
    expect(validateProfiles([good, { input: { min: [1, 1, 8, 8], opt: [1, 1, 8, 8], max: [1, 1, 8, 8] } }], dynamic)).toHaveLength(2);
    expect(validateProfiles(undefined, fixed)).toEqual([]);
  });

  it('BAD CALL - a profile that leaves out a dynamic input named like an Object.prototype member', () => {
    const model = { ...dynamic, inputs: dynamic.inputs.map((i) => ({ ...i, name: 'toString' })) };
    const e = caught(() => validateProfiles({}, model));
    expect(e).toBeInstanceOf(ShapeError);
    expect(e.message).toMatch(/does not cover dynamic input "toString"/);
  });

  it('BAD CALL - a dynamic model without profiles: names the input and its dims', () => {
    const e = caught(() => validateProfiles([], dynamic));
    expect(e).toBeInstanceOf(ShapeError);
    expect(e.code).toBe('ERR_TRT_NODE_SHAPE');
    expect(e.message).toMatch(/dynamic inputs \(input \[batch, 1, height, width\]\)/);
    // The example it suggests is itself a valid profile for the model.
    const example = JSON.parse(e.message.slice(e.message.indexOf('e.g. ') + 5));
    expect(validateProfiles(example, dynamic)).toEqual([example]);
    expect(example.input.min).toEqual([1, 1, 64, 64]);
  });

  it('BAD CALL - a fixed axis that does not match: names input, axis and selector', () => {
    const e = caught(() => validateProfiles({ input: { min: [1, 3, 64, 64], opt: [1, 1, 64, 64], max: [1, 1, 64, 64] } }, dynamic));
    expect(e).toBeInstanceOf(ShapeError);
    expect(e.message).toBe('profiles[0]["input"]: axis 1 of input "input" is fixed at 1 in the model, but min is 3');
    expect(e.details).toMatchObject({ input: 'input', axis: 1, selector: 'min' });
  });

  it('BAD CALL - min > opt on a symbolic axis: names the axis by its dim_param', () => {
    const e = caught(() => validateProfiles({ input: { min: [1, 1, 300, 64], opt: [1, 1, 256, 64], max: [1, 1, 960, 64] } }, dynamic));
    expect(e.message).toBe('profiles[0]["input"]: axis 2 (height) of input "input" needs min ≤ opt ≤ max, got 300, 256, 960');
  });

  it('BAD CALL - wrong rank', () => {
    const e = caught(() => validateProfiles({ input: { min: [1, 64, 64], opt: [1, 64, 64], max: [1, 64, 64] } }, dynamic));
    expect(e).toBeInstanceOf(ShapeError);
    expect(e.message).toMatch(/min has 3 dimensions but input "input" has 4 \[batch, 1, height, width\]/);
  });

  it('BAD CALL - a profile that misses a dynamic input', () => {
    const e = caught(() => validateProfiles([good, {}], dynamic));
    expect(e).toBeInstanceOf(ShapeError);
    expect(e.message).toMatch(/profiles\[1\] does not cover dynamic input "input"/);
  });

  it('BAD CALL - an unknown input name lists the real ones', () => {
    const e = caught(() => validateProfiles({ ...good, image: good.input }, dynamic));
    expect(e).toBeInstanceOf(InvalidValueError);
    expect(e.message).toMatch(/Expected an input of the model \("input"\) for profiles\[0\] but received "image"/);
  });

  it('BAD CALL - a static model: its fixed dims must be met exactly', () => {
    const e = caught(() => validateProfiles({ input: { min: [1, 1, 96, 64], opt: [1, 1, 96, 64], max: [1, 1, 192, 64] } }, fixed));
    expect(e.message).toMatch(/axis 2 of input "input" is fixed at 96 in the model, but max is 192/);
  });

  it.each([
    [{ input: { min: [1, 1, 64, 0], opt: [1, 1, 64, 64], max: [1, 1, 64, 64] } }, InvalidValueError, /profiles\[0\]\["input"\]\.min\[3\]/],
    [{ input: { min: [1, 1, 64, 1.5], opt: [1, 1, 64, 64], max: [1, 1, 64, 64] } }, InvalidValueError, /an integer ≥ 1/],
    [{ input: { min: '1x1', opt: [1], max: [1] } }, InvalidTypeError, /Expected an array of dimensions for profiles\[0\]\["input"\]\.min/],
    [{ input: [1, 1, 64, 64] }, InvalidTypeError, /an object \{min, opt, max\}/],
    ['input:1x1', InvalidTypeError, /Expected an object mapping input names/],
  ])('BAD CALL - malformed %j', (profile, cls, message) => {
    const e = caught(() => validateProfiles(profile, dynamic));
    expect(e).toBeInstanceOf(cls);
    expect(e.message).toMatch(message);
  });
});

describe('profileFromSamples', () => {
  it('takes min and max over the samples and the median as opt, per axis', () => {
    const p = profileFromSamples([
      { input: [1, 1, 64, 64] },
      { input: [1, 1, 96, 80] },
      { input: [2, 1, 37, 53] },
    ]);
    expect(p).toEqual({ input: { min: [1, 1, 37, 53], opt: [1, 1, 64, 64], max: [2, 1, 96, 80] } });
    // and it validates against the model it came from
    expect(validateProfiles(p, dynamic)).toEqual([p]);
  });

  it('BAD CALL - an input missing from some samples, or changing rank', () => {
    expect(() => profileFromSamples([{ a: [1, 2] }, { b: [1, 2] }])).toThrow(/input "a" is missing from 1 of the 2 samples/);
    expect(() => profileFromSamples([{ a: [1, 2] }, { a: [1, 2, 3] }])).toThrow(ShapeError);
    expect(() => profileFromSamples([])).toThrow(InvalidValueError);
  });
});
