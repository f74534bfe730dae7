import { InvalidValueError } from '../../lib/errors';
/** Profiles in the shape grammar (lib/shapes/spec.ts): min..opt..max ranges, trtexec's three lists, and back to text. */
import { combineMinOptMax, formatProfile, parseShapeList, parseShapesSpec } from '../../lib/shapes/spec';

describe('parseShapesSpec', () => {
  it('reads min..opt..max of one input', () => {
    expect(parseShapesSpec('input:1x1x64x64..1x1x256x256..1x1x960x640')).toEqual({
      input: { min: [1, 1, 64, 64], opt: [1, 1, 256, 256], max: [1, 1, 960, 640] },
    });
  });

  it('reads several inputs, a fixed one giving min = opt = max', () => {
    expect(parseShapesSpec('image:1x3x32x32..1x3x64x64..1x3x128x128, scale:1')).toEqual({
      image: { min: [1, 3, 32, 32], opt: [1, 3, 64, 64], max: [1, 3, 128, 128] },
      scale: { min: [1], opt: [1], max: [1] },
    });
  });

  it('keeps ":" inside an input name (the shape follows the last one)', () => {
    expect(parseShapesSpec('input:0:2x3')).toEqual({ 'input:0': { min: [2, 3], opt: [2, 3], max: [2, 3] } });
  });

  it('round-trips through formatProfile', () => {
    const spec = 'input:1x1x64x64..1x1x256x256..1x1x960x640,mask:1x64';
    expect(formatProfile(parseShapesSpec(spec))).toBe(spec);
  });

  it.each([
    ['', /--shapes/],
    ['input', /"input" is not a dimension/],
    ['input:1x1x64x64..1x1x960x640', /three shapes/],
    ['input:1xax3', /"a" is not a dimension/],
    ['input:1x0x3', /not a usable dimension/],
    ['input:', /empty/],
    ['a:1,a:2', /"a" is given twice/],
    ['1x2..1x3..1x4', /has no ':'/],
  ])('BAD CALL - %j is rejected naming the flag', (spec, message) => {
    let error: unknown;
    try {
      parseShapesSpec(spec);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidValueError);
    expect((error as InvalidValueError).code).toBe('ERR_TRT_NODE_INVALID_VALUE');
    expect((error as Error).message).toMatch(/--shapes/);
    expect((error as Error).message).toMatch(message);
  });
});

describe('parseShapeList', () => {
  it('reads fixed shapes by input name', () => {
    expect(parseShapeList('input:1x1x256x256,other:2x3')).toEqual({ input: [1, 1, 256, 256], other: [2, 3] });
  });
  it('BAD CALL - rejects ranges', () => {
    expect(() => parseShapeList('input:1x1..2x2..3x3')).toThrow(/ranges are optimization profiles/);
  });
});

describe('combineMinOptMax (trtexec --minShapes/--optShapes/--maxShapes)', () => {
  it('combines three lists into one profile', () => {
    expect(combineMinOptMax('input:1x1x64x64', 'input:1x1x256x256', 'input:1x1x960x640')).toEqual({
      input: { min: [1, 1, 64, 64], opt: [1, 1, 256, 256], max: [1, 1, 960, 640] },
    });
  });
  it('BAD CALL - an input missing from one list is named with the flag', () => {
    expect(() => combineMinOptMax('input:1x1x64x64', 'input:1x1x256x256', 'other:1')).toThrow(
      'Expected a shape for input "input" for --maxShapes but received undefined. Every input named in one of --minShapes/--optShapes/--maxShapes must be in all three',
    );
  });
});

describe('inputs named like Object.prototype members', () => {
  it('__proto__ and toString are inputs like any other, in every parser', () => {
    expect(Object.keys(parseShapeList('__proto__:1x2,toString:3'))).toEqual(['__proto__', 'toString']);
    expect(parseShapesSpec('__proto__:1x2..1x3..1x4')['__proto__']).toEqual({ min: [1, 2], opt: [1, 3], max: [1, 4] });
    expect(combineMinOptMax('toString:1', 'toString:2', 'toString:3')['toString']).toEqual({ min: [1], opt: [2], max: [3] });
  });
  it('BAD CALL - an input named toString missing from one list is named with the flag', () => {
    expect(() => combineMinOptMax('x:1,toString:1', 'x:2', 'x:3')).toThrow(/a shape for input "toString" for --optShapes/);
  });
});
