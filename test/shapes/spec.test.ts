/** trtexec's shape syntax (lib/shapes/spec.ts): dims, shape lists, the name:value splitter, and errors naming the token. */
import { InvalidValueError } from '../../lib/errors';
import { formatShapeList, parseDims, parseShapeList, splitNamedList } from '../../lib/shapes/spec';
import { caught } from '../helpers/errors';

describe('parseDims', () => {
  it('reads dims joined by x', () => {
    expect(parseDims('1x1x64x64')).toEqual([1, 1, 64, 64]);
    expect(parseDims('7')).toEqual([7]);
    expect(parseDims('0x3', { allowZero: true })).toEqual([0, 3]);
  });

  it.each([
    ['1x1xax64', /"a" is not a dimension/],
    ['1xx64', /empty dimension/],
    ['1x64x', /empty dimension/],
    ['1x-3', /"-3" is not a dimension/],
    ['1x2.5', /"2.5" is not a dimension/],
    ['0x3', /"0" is not a usable dimension/],
    ['', /empty/],
  ])('BAD CALL %j names the bad token', (text, why) => {
    expect(() => parseDims(text, { option: '--shapes', entry: `input:${text}` })).toThrow(InvalidValueError);
    expect(() => parseDims(text, { option: '--shapes', entry: `input:${text}` })).toThrow(why);
    expect(() => parseDims(text, { option: '--shapes', entry: `input:${text}` })).toThrow(/--shapes/);
  });
});

describe('parseShapeList', () => {
  it("reads trtexec's --shapes, in order; names may hold ':' or be quoted", () => {
    const s = parseShapeList('input:1x1x256x256, other:2x3');
    expect(s).toEqual({ input: [1, 1, 256, 256], other: [2, 3] });
    expect(Object.keys(s)).toEqual(['input', 'other']);
    expect(parseShapeList('input:0:1x3')).toEqual({ 'input:0': [1, 3] });
    expect(parseShapeList("'my input':4x4")).toEqual({ 'my input': [4, 4] });
    expect(formatShapeList(s)).toBe('input:1x1x256x256,other:2x3');
  });

  it.each([
    ['', /entries like/],
    ['1x3x224x224', /has no ':'/],
    [':1x3', /name before ':'/],
    ['input:1x3,input:1x4', /"input" is given twice/],
    ['input:1x3..1x4..1x5', /ranges are optimization profiles/],
    ['input:1xbx3', /"b" is not a dimension/],
  ])('BAD CALL --shapes %j says what is wrong', (spec, why) => {
    expect(() => parseShapeList(spec)).toThrow(why);
    expect(() => parseShapeList(spec, { option: '--minShapes' })).toThrow(/--minShapes/);
  });
});

describe('splitNamedList', () => {
  it('splits name:value entries at the last colon, skipping empty entries', () => {
    expect(splitNamedList('a:1,,b:c:2,', { option: '--x' })).toEqual([
      { name: 'a', value: '1', entry: 'a:1' },
      { name: 'b:c', value: '2', entry: 'b:c:2' },
    ]);
    expect(splitNamedList('0..1,m:2..3', { allowUnnamed: true }).map((e) => e.name)).toEqual(['', 'm']);
  });
});

describe('hardening (fuzz report defects 5 and 9)', () => {
  it("'__proto__:1x2' gives an entry (it gave {}), as do 'toString' and 'constructor'", () => {
    const s = parseShapeList('__proto__:1x2,toString:3,constructor:4x5');
    expect(Object.getPrototypeOf(s)).toBeNull();
    expect(Object.entries(s)).toEqual([
      ['__proto__', [1, 2]],
      ['toString', [3]],
      ['constructor', [4, 5]],
    ]);
    expect(JSON.parse(JSON.stringify(s))).toEqual(JSON.parse('{"__proto__": [1, 2], "toString": [3], "constructor": [4, 5]}'));
  });

  it('non-strings and bad options are TrtNodeErrors naming the option', () => {
    expect(caught(() => parseShapeList(42)).code).toBe('ERR_TRT_NODE_INVALID_TYPE');
    expect(caught(() => parseShapeList(['input:1x2'])).message).toMatch(/for --shapes but received an array/);
    expect(caught(() => parseShapeList('x:1', null as never)).message).toMatch(/for options but received null/);
    expect(caught(() => parseDims(null as never, { option: '--probes' })).message).toMatch(/for --probes but received null/);
    expect(caught(() => parseShapeList(';;;')).message).toMatch(/Repeat --shapes for several sets/);
    expect(caught(() => parseShapeList(',,,')).message).toMatch(/entries like 'input:1x3x224x224' for --shapes but received ",,,"/);
  });
});
