import { InvalidTypeError, InvalidValueError, ShapeError } from '../../lib/errors';
import type { NativeTensorInfo } from '../../lib/native/binding';
import { chooseProfile, prepareFeeds, toTensor } from '../../lib/trt/feeds';
import { caught } from '../helpers/errors';

// What NativeEngine.info() reports for super_resolution built with two profiles (the shape of the native data).
const tensors: NativeTensorInfo[] = [
  {
    name: 'input',
    mode: 'input',
    type: 'float32',
    dims: [-1, 1, -1, -1],
    location: 'device',
    profiles: [
      { min: [1, 1, 32, 32], opt: [1, 1, 64, 64], max: [1, 1, 128, 128] },
      { min: [1, 1, 129, 129], opt: [2, 1, 256, 256], max: [4, 1, 512, 512] },
    ],
  },
  { name: 'output', mode: 'output', type: 'float32', dims: [-1, 1, -1, -1], location: 'device', profiles: [] },
];
const staticTensors: NativeTensorInfo[] = [
  { name: 'x', mode: 'input', type: 'int64', dims: [2, 3], location: 'device', profiles: [{ min: [2, 3], opt: [2, 3], max: [2, 3] }] },
];

const tensor = (dims: number[]) => ({ type: 'float32' as const, dims, data: new Float32Array(dims.reduce((a, b) => a * b, 1)) });

describe('prepareFeeds', () => {
  it('picks the first profile whose ranges contain the shapes', () => {
    expect(prepareFeeds({ input: tensor([1, 1, 64, 64]) }, tensors, 2, undefined).profile).toBe(0);
    expect(prepareFeeds({ input: tensor([3, 1, 300, 200]) }, tensors, 2, undefined).profile).toBe(1);
    expect(chooseProfile(tensors.slice(0, 1), { input: [8, 1, 64, 64] }, 2)).toBe(-1);
  });

  it('passes the data through without copying', () => {
    const feed = tensor([1, 1, 32, 40]);
    const prepared = prepareFeeds({ input: feed }, tensors, 2, 0);
    expect(prepared).toEqual({ profile: 0, data: [feed.data], dims: [1, 1, 32, 40] });
    expect(prepared.data[0]).toBe(feed.data);
  });

  it('accepts a bare typed array for a fully static input', () => {
    const data = new BigInt64Array(6);
    expect(prepareFeeds({ x: data }, staticTensors, 1, undefined)).toEqual({ profile: 0, data: [data], dims: [2, 3] });
  });

  it('BAD CALL - outside the chosen profile: names input, axis, range and the fix', () => {
    const e = caught(() => prepareFeeds({ input: tensor([1, 1, 200, 64]) }, tensors, 2, 0));
    expect(e).toBeInstanceOf(ShapeError);
    expect(e.message).toBe(
      'feeds["input"] axis 2 is 200, outside profile 0\'s range 32..128 (min [1, 1, 32, 32], max [1, 1, 128, 128]). ' +
        'Pick another profile or rebuild the engine with a wider range',
    );
  });

  it('BAD CALL - no profile fits', () => {
    expect(() => prepareFeeds({ input: tensor([8, 1, 64, 64]) }, tensors, 2, undefined)).toThrow(/axis 0 is 8, outside profile 0's range 1..1/);
  });

  it('BAD CALL - a fixed axis, the rank, the element count', () => {
    expect(() => prepareFeeds({ input: tensor([1, 3, 64, 64]) }, tensors, 2, 0)).toThrow('feeds["input"] axis 1 is 3; the engine fixes it at 1');
    expect(() => prepareFeeds({ input: tensor([1, 64, 64]) }, tensors, 2, 0)).toThrow(/has 3 dimensions \[1, 64, 64\]; the engine input has 4/);
    const wrongLength = { type: 'float32', dims: [1, 1, 64, 64], data: new Float32Array(10) };
    expect(() => prepareFeeds({ input: wrongLength }, tensors, 2, 0)).toThrow('feeds["input"].data has 10 elements; dims [1, 1, 64, 64] need 4096');
  });

  it.each([
    [{ input: { type: 'float16', dims: [1, 1, 64, 64], data: new Uint16Array(4096) } }, InvalidValueError, /Expected 'float32' \(the engine input's type\) for feeds\["input"\]\.type but received "float16"\. Convert the data first/],
    [{ input: { type: 'float32', dims: [1, 1, 64, 64], data: new Float64Array(4096) } }, InvalidTypeError, /a Float32Array for float32 for feeds\["input"\]\.data/],
    [{ input: new Float32Array(4096) }, ShapeError, /bare typed array, but the engine input has dynamic dims/],
    [{ input: [1, 2, 3] }, InvalidTypeError, /a tensor \{type, dims, data\}/],
    [{}, InvalidValueError, /a tensor for input "input"/],
    [{ input: tensor([1, 1, 64, 64]), extra: tensor([1]) }, InvalidValueError, /"extra" is not an input of this engine/],
  ])('BAD CALL - %#', (feeds, cls, message) => {
    const e = caught(() => prepareFeeds(feeds, tensors, 2, undefined));
    expect(e).toBeInstanceOf(cls);
    expect(e.message).toMatch(message);
  });

  it('BAD CALL - a missing feed for an input named like an Object.prototype member', () => {
    const named = [{ ...staticTensors[0], name: 'constructor' }];
    const e = caught(() => prepareFeeds({}, named, 1, undefined));
    expect(e).toBeInstanceOf(InvalidValueError);
    expect(e.message).toMatch(/a tensor for input "constructor"/);
  });

  it('BAD CALL - a profile index that does not exist', () => {
    expect(() => prepareFeeds({ input: tensor([1, 1, 64, 64]) }, tensors, 2, 2)).toThrow(
      "Expected an integer 0..1 (this engine's profiles) for options.profile but received 2",
    );
  });
});

describe('toTensor', () => {
  it('views the output bytes with the type\'s typed array', () => {
    const buffer = new Float32Array([1, 2, 3, 4, 5, 6]).buffer;
    const t = toTensor('output', 'float32', [1, 2, 3], buffer);
    expect(t.type).toBe('float32');
    expect(t.data).toBeInstanceOf(Float32Array);
    expect(Array.from(t.data as Float32Array)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(toTensor('mask', 'bool', [2], new Uint8Array([1, 0]).buffer).data).toBeInstanceOf(Uint8Array);
  });

  it('BAD CALL - an output type trt-node cannot return', () => {
    expect(() => toTensor('o', 'bfloat16', [1], new ArrayBuffer(2))).toThrow(InvalidValueError);
  });
});
