/**
 * Feeds: generated values (determinism, dtypes, ranges, float16 rounding), shapes from the model summary and a
 * shapes spec, .npz files (named and positional), and buildFeeds putting the sources together.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { InvalidValueError, MemoryBudgetError, ShapeError } from '../../lib/errors';
import { caught } from '../helpers/errors';
import { readModel } from '../../lib/onnx/reader';
import type { InputSummary } from '../../lib/onnx/types';
import {
  buildFeeds,
  feedableInputs,
  feedsFromNpz,
  floatToHalfBits,
  generateFeeds,
  generateProbeFeeds,
  mulberry32,
  parseValueRanges,
  resolveInputShapes,
  toFeeds,
} from '../../lib/data';
import { parseShapeList } from '../../lib/shapes/spec';
import { writeNpz } from '../../lib/tensor/npz';
import type { TensorLike } from '../../lib/tensor/types';
import { fixture, fixtureFile, modelPath } from '../check/fixtures';

const fixed = (...values: number[]) => values.map((value) => ({ kind: 'fixed' as const, value }));
function input(name: string, elemType: string, dims: InputSummary['dims'] = fixed(2, 3)): InputSummary {
  return { name, elemType, dims, isInitializer: false };
}
const bytesOf = (t: TensorLike) => {
  const d = t.data as Exclude<TensorLike['data'], string[]>;
  return Buffer.from(d.buffer, d.byteOffset, d.byteLength);
};

describe('generateFeeds', () => {
  const inputs = [input('image', 'float32', fixed(1, 3, 16, 16)), input('ids', 'int64', fixed(4)), input('mask', 'bool', fixed(8))];
  const shapes = { image: [1, 3, 16, 16], ids: [4], mask: [8] };

  it('same seed, same values; another seed, other values', () => {
    const a = generateFeeds(inputs, shapes, { seed: 7 });
    const b = generateFeeds(inputs, shapes, { seed: 7 });
    const c = generateFeeds(inputs, shapes, { seed: 8 });
    for (const name of Object.keys(shapes)) expect(bytesOf(a[name]).equals(bytesOf(b[name]))).toBe(true);
    expect(bytesOf(a.image).equals(bytesOf(c.image))).toBe(false);
    // seeds beyond 32 bits still differ
    expect(bytesOf(generateFeeds(inputs, shapes, { seed: 2 ** 40 }).image).equals(bytesOf(generateFeeds(inputs, shapes, { seed: 2 ** 40 + 1 }).image))).toBe(false);
  });

  it("an input's values do not depend on the other inputs' shapes, and inputs differ from each other", () => {
    const a = generateFeeds(inputs, shapes, { seed: 3 });
    const b = generateFeeds(inputs, { ...shapes, image: [1, 3, 32, 32] }, { seed: 3 });
    expect(bytesOf(a.ids).equals(bytesOf(b.ids))).toBe(true);
    const two = generateFeeds([input('x', 'float32', fixed(64)), input('y', 'float32', fixed(64))], { x: [64], y: [64] }, { seed: 3 });
    expect(bytesOf(two.x).equals(bytesOf(two.y))).toBe(false);
  });

  it('gives every dtype its array, dims and range', () => {
    const all = ['float32', 'float64', 'float16', 'int64', 'int32', 'int8', 'uint8', 'bool'].map((t) => input(t, t, fixed(1000)));
    const feeds = generateFeeds(all, Object.fromEntries(all.map((i) => [i.name, [1000]])), { seed: 1, range: [-2, 5] });
    const tags = Object.fromEntries(Object.entries(feeds).map(([n, t]) => [n, Object.prototype.toString.call(t.data).slice(8, -1)]));
    expect(tags).toEqual({
      float32: 'Float32Array',
      float64: 'Float64Array',
      float16: 'Uint16Array',
      int64: 'BigInt64Array',
      int32: 'Int32Array',
      int8: 'Int8Array',
      uint8: 'Uint8Array',
      bool: 'Uint8Array',
    });
    for (const [name, t] of Object.entries(feeds)) {
      expect(t.type).toBe(name);
      expect(t.dims).toEqual([1000]);
    }
    const f = Array.from(feeds.float32.data as Float32Array);
    expect(Math.min(...f)).toBeGreaterThanOrEqual(-2);
    expect(Math.max(...f)).toBeLessThan(5);
    expect(Math.min(...f)).toBeLessThan(-1.5); // spread over the range
    expect(Math.max(...f)).toBeGreaterThan(4.5);
    // integers from a global range never go below 0 (indices); they cover 0..5
    for (const name of ['int32', 'int8', 'uint8']) {
      const v = Array.from(feeds[name].data as Int32Array);
      expect(new Set(v)).toEqual(new Set([0, 1, 2, 3, 4, 5]));
    }
    expect(new Set(Array.from(feeds.int64.data as BigInt64Array))).toEqual(new Set([0n, 1n, 2n, 3n, 4n, 5n]));
    expect(new Set(Array.from(feeds.bool.data as Uint8Array))).toEqual(new Set([0, 1]));
    // float16 bits decode into the range: 0x4500 = 5.0 is the upper bound
    const half = feeds.float16.data as Uint16Array;
    for (const h of half) {
      const negative = (h & 0x8000) !== 0;
      expect(negative ? (h & 0x7fff) <= 0x4000 : h < 0x4500).toBe(true); // -2.0 is 0xc000
    }
  });

  it('applies a per-input range as given (integers may be negative), the global one elsewhere', () => {
    const ins = [input('a', 'int32', fixed(500)), input('b', 'int32', fixed(500)), input('c', 'float32', fixed(500))];
    const feeds = generateFeeds(ins, { a: [500], b: [500], c: [500] }, { seed: 2, range: [-3, 3], ranges: { a: [-3, -1], c: [10, 11] } });
    expect(new Set(feeds.a.data as Int32Array)).toEqual(new Set([-3, -2, -1]));
    expect(new Set(feeds.b.data as Int32Array)).toEqual(new Set([0, 1, 2, 3]));
    const c = Array.from(feeds.c.data as Float32Array);
    expect(c.every((x) => x >= 10 && x < 11)).toBe(true);
  });

  it('keeps float32 values below hi where rounding would reach it', () => {
    const hi = 1 + 2 ** -30; // rounds to 1.0 in float32
    const feeds = generateFeeds([input('x', 'float32', fixed(5000))], { x: [5000] }, { range: [1, hi] });
    expect(Array.from(feeds.x.data as Float32Array).every((v) => v >= 1 - 2 ** -23 && v < hi)).toBe(true);
  });

  it('generateProbeFeeds is generateFeeds with seed and range', () => {
    const a = generateProbeFeeds(inputs, shapes, 5, [0, 2]);
    const b = generateFeeds(inputs, shapes, { seed: 5, range: [0, 2] });
    expect(bytesOf(a.image).equals(bytesOf(b.image))).toBe(true);
  });

  it('BAD CALL types it cannot generate, missing shapes, bad ranges and seeds', () => {
    expect(() => generateFeeds([input('s', 'string')], { s: [2] })).toThrow(/input 's'.*string.*\.npz/s);
    expect(() => generateFeeds([input('x', 'float32')], {})).toThrow(ShapeError);
    expect(() => generateFeeds([input('x', 'float32')], { x: [2] }, { range: [1, 0] })).toThrow(/range/);
    expect(() => generateFeeds([input('x', 'float32')], { x: [2] }, { ranges: { x: [0, NaN] } })).toThrow(/ranges\["x"\]/);
    expect(() => generateFeeds([input('x', 'float32')], { x: [2] }, { seed: 1.5 })).toThrow(/seed/);
  });

  it('BAD CALL a shape over the memory budget (defect 7): MemoryBudgetError before allocating, naming input, shape and option', () => {
    // The fuzz report's generateFeeds at [65536, 65536] allocated 16 GiB for 132 s.
    const e = caught(() => generateFeeds([input('x', 'float32', fixed(65536, 65536))], { x: [65536, 65536] }));
    expect(e).toBeInstanceOf(MemoryBudgetError);
    expect(e.message).toMatch(/^Input 'x' at shape 65536x65536 \(float32\) needs 16\.0 GiB, more than the memory budget of .*maxTensorBytes \(CLI: --max-tensor-bytes\)$/);
    expect(e.details).toMatchObject({ input: 'x', dims: [65536, 65536], bytes: 2 ** 34 });
    // All inputs together: two that fit alone but not both.
    const two = [input('a', 'float32', fixed(256)), input('b', 'float64', fixed(256))];
    expect(Object.keys(generateFeeds(two, { a: [256], b: [256] }, { maxTensorBytes: 3072 }))).toEqual(['a', 'b']);
    expect(caught(() => generateFeeds(two, { a: [256], b: [256] }, { maxTensorBytes: 3071 })).message).toMatch(/Input 'b' .* which with the 1\.0 KiB already held/);
    expect(caught(() => generateProbeFeeds(two, { a: [256], b: [256] }, 0, [0, 1], 100)).code).toBe('ERR_TRT_NODE_MEMORY_BUDGET');
  });

  it('BAD CALL a shape too large to allocate even within a raised budget: ShapeError naming the input and shape, not a bare RangeError', () => {
    const err = (() => {
      try {
        generateFeeds([input('image', 'float32', fixed(1, 1, 100000, 100000))], { image: [1, 1, 100000, 100000] }, { maxTensorBytes: Number.MAX_SAFE_INTEGER });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ShapeError);
    expect((err as ShapeError).message).toMatch(/Input 'image' at shape 1x1x100000x100000 has 10000000000 elements.*smaller/);
    expect((err as ShapeError).details).toMatchObject({ input: 'image', dims: [1, 1, 100000, 100000] });
  });
});

describe('mulberry32 and float16 rounding', () => {
  it('mulberry32 is uniform-looking in [0, 1) and repeatable', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    let sum = 0;
    for (let i = 0; i < 10000; i++) {
      const x = a();
      expect(x).toBe(b());
      expect(x >= 0 && x < 1).toBe(true);
      sum += x;
    }
    expect(sum / 10000).toBeCloseTo(0.5, 1);
  });

  it.each([
    [1, 0x3c00],
    [-2, 0xc000],
    [65504, 0x7bff], // largest half
    [65520, 0x7c00], // rounds up to Inf
    [2 ** -24, 0x0001], // smallest subnormal
    [2 ** -25, 0x0000], // halfway to 0: ties to even
    [3 * 2 ** -25, 0x0002], // halfway between 1 and 2 subnormal steps: ties to even
    [1 + 2 ** -11, 0x3c00], // halfway between 1 and the next half: ties to even
    [1 + 3 * 2 ** -11, 0x3c02],
    [Infinity, 0x7c00],
  ])('floatToHalfBits(%p) = %p (IEEE round to nearest even, as numpy)', (v, bits) => {
    expect(floatToHalfBits(v)).toBe(bits);
  });

  it('floatToHalfBits keeps NaN a NaN', () => {
    const h = floatToHalfBits(NaN);
    expect((h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0).toBe(true);
  });
});

describe('resolveInputShapes on the fixtures', () => {
  it('fills dynamic dims from the spec; fixed models need none', async () => {
    const dynamic = await readModel(modelPath('super_resolution'));
    expect(resolveInputShapes(feedableInputs(dynamic), parseShapeList('input:2x1x40x30'))).toEqual({ input: [2, 1, 40, 30] });
    const stat = await readModel(modelPath('super_resolution_static'));
    expect(resolveInputShapes(feedableInputs(stat))).toEqual({ input: fixture('super_resolution_static').export.example_shape });
  });

  it('the spec wins over a fixed dim (onnxruntime then reports the conflict)', async () => {
    const stat = await readModel(modelPath('super_resolution_static'));
    expect(resolveInputShapes(feedableInputs(stat), { input: [1, 1, 500, 500] })).toEqual({ input: [1, 1, 500, 500] });
  });

  it('BAD CALL dynamic dims without a spec name the dims and the entry to add; unknown names list the inputs', async () => {
    const dynamic = await readModel(modelPath('super_resolution'));
    expect(() => resolveInputShapes(feedableInputs(dynamic))).toThrow(/Input 'input' has dynamic dims .*axis 0.*axis 2.*axis 3.*--shapes input:1x1x1x1/);
    expect(() => resolveInputShapes(feedableInputs(dynamic), { image: [1] })).toThrow(InvalidValueError);
    expect(() => resolveInputShapes(feedableInputs(dynamic), { image: [1] })).toThrow(/'input'.*"image"/);
    expect(() => resolveInputShapes([{ name: 'x', elemType: 'float32', dims: null, isInitializer: false }])).toThrow(/no recorded shape.*--shapes x:/);
  });

  it('feedableInputs leaves out initializer-backed inputs and keeps the weights of an export_params=False model', async () => {
    const noParams = await readModel(modelPath('super_resolution_no_params'));
    const feedable = feedableInputs(noParams);
    expect(feedable.length).toBe(noParams.inputs.length);
    expect(feedable.length).toBeGreaterThan(1);
    expect(feedableInputs([{ ...input('w', 'float32'), isInitializer: true }, input('x', 'float32')]).map((i) => i.name)).toEqual(['x']);
  });
});

describe('value ranges', () => {
  it('parses a global range and per-input ranges, negative and exponent bounds included', () => {
    expect(parseValueRanges('-1..1,mask:0..1,ids:0..1e3,a:b:-0.5..0.5')).toEqual({
      global: [-1, 1],
      perInput: { mask: [0, 1], ids: [0, 1000], 'a:b': [-0.5, 0.5] },
    });
  });

  it.each(['', '1', '1..', 'x:1..0', 'x:a..b', '0..1..2', 'x:0..1,x:0..2', '0..1,0..2'])('BAD CALL --range %j names the option', (spec) => {
    expect(() => parseValueRanges(spec)).toThrow(/--range/);
  });
});

describe('feeds from .npz and from the caller', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trt-node-feeds-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("reads a fixture's numpy-written inputs against the model's inputs", async () => {
    const model = await readModel(modelPath('super_resolution'));
    const sample = fixture('super_resolution').samples[0];
    const feeds = await feedsFromNpz(fixtureFile(sample.inputs), model.inputs);
    expect(Object.keys(feeds)).toEqual(['input']);
    expect(feeds.input.dims).toEqual(sample.shape);
  });

  it('maps positional arrays (numpy.savez(file, x)) to the inputs in order', async () => {
    const model = await readModel(modelPath('super_resolution'));
    const file = path.join(dir, 'positional.npz');
    await writeNpz(file, { arr_0: { type: 'float32', dims: [1, 1, 4, 4], data: new Float32Array(16) } });
    expect(Object.keys(await feedsFromNpz(file, model.inputs))).toEqual(['input']);
    // numpy's own positional archive has two arrays: more than this model's inputs
    await expect(feedsFromNpz(fixtureFile('numpy/positional.npz'), model.inputs)).rejects.toThrow(/positional\.npz: array 'arr_1' has no input.*2 positional arrays.*1 inputs/s);
  });

  it('BAD CALL an array named after no input, or of the wrong dtype, names the file and array', async () => {
    const model = await readModel(modelPath('super_resolution'));
    const wrongName = path.join(dir, 'wrong-name.npz');
    await writeNpz(wrongName, { image: { type: 'float32', dims: [1, 1, 4, 4], data: new Float32Array(16) } });
    await expect(feedsFromNpz(wrongName, model.inputs)).rejects.toThrow(/wrong-name\.npz: array 'image' is not an input of the model \(its inputs: 'input'\)/);
    const wrongType = path.join(dir, 'wrong-type.npz');
    await writeNpz(wrongType, { input: { type: 'float64', dims: [1, 1, 4, 4], data: new Float64Array(16) } });
    await expect(feedsFromNpz(wrongType, model.inputs)).rejects.toThrow(/wrong-type\.npz: array 'input' is float64 but the model's input 'input' takes float32.*astype\(numpy\.float32\)/);
  });

  it('toFeeds infers types from typed arrays (bool where the model says so) and validates dims', () => {
    const f = toFeeds({ a: { data: new Uint8Array(2), dims: [2] }, m: { data: new Uint8Array(2), dims: [2] }, h: { data: new Uint16Array(1), dims: [1] } }, { m: 'bool' });
    expect([f.a.type, f.m.type, f.h.type]).toEqual(['uint8', 'bool', 'float16']);
    expect(() => toFeeds({ a: { data: new Float32Array(3), dims: [2] } })).toThrow(/feeds\["a"\]/);
    expect(() => toFeeds({ a: { data: new Uint8ClampedArray(3), dims: [3] } as never })).toThrow(/feeds\["a"\]\.data/);
    const g = toFeeds(
      { u: { data: new Uint16Array(1), dims: [1] }, w: { data: new Uint32Array(1), dims: [1] }, s: { data: ['a'], dims: [1] } as never },
      { u: 'uint16', s: 'string' },
    );
    expect([g.u.type, g.w.type, g.s.type]).toEqual(['uint16', 'uint32', 'string']);
  });

  it('buildFeeds: caller tensors, then the .npz, then generated values, and says which', async () => {
    const noParams = await readModel(modelPath('super_resolution_no_params'));
    const sample = fixture('super_resolution').samples[0];
    const w = noParams.inputs.find((i) => i.name !== 'input')!;
    const wDims = w.dims!.map((d) => (d.kind === 'fixed' ? d.value : 1));
    const given = new Float32Array(wDims.reduce((a, b) => a * b, 1)).fill(0.25);
    const { feeds, sources } = await buildFeeds(noParams, { npz: fixtureFile(sample.inputs), tensors: { [w.name]: { data: given, dims: wDims } }, seed: 4 });
    expect(sources.input).toBe('npz');
    expect(sources[w.name]).toBe('tensor');
    expect(feeds[w.name].data).toBe(given);
    const generated = Object.keys(sources).filter((n) => sources[n] === 'generated');
    expect(generated.length).toBe(noParams.inputs.length - 2);
    // generate: false leaves the rest out (as a run that must show missing-inputs)
    const only = await buildFeeds(noParams, { npz: fixtureFile(sample.inputs), generate: false });
    expect(Object.keys(only.feeds)).toEqual(['input']);
  });

  it('BAD CALL buildFeeds names dynamic inputs without shapes and unknown names', async () => {
    const model = await readModel(modelPath('super_resolution'));
    await expect(buildFeeds(model)).rejects.toThrow(/dynamic dims.*--shapes input:/);
    await expect(buildFeeds(model, { shapes: { inputs: [1, 1, 8, 8] } })).rejects.toThrow(/--shapes.*"inputs"/);
    await expect(buildFeeds(model, { inputs: ['nope'] })).rejects.toThrow(/inputs.*"nope"/);
    const ok = await buildFeeds(model, { shapes: parseShapeList('input:1x1x8x8') });
    expect(ok.feeds.input.dims).toEqual([1, 1, 8, 8]);
  });
});

describe('hardening (fuzz report defects 5, 7, 9; conformance 3b)', () => {
  const NAMES = ['toString', '__proto__', 'valueOf', 'hasOwnProperty', 'constructor'];
  const inputs = NAMES.map((n) => input(n, 'float32', fixed(2)));

  it('inputs named like Object.prototype members: generated, resolved, converted and read from .npz as ordinary names', async () => {
    const shapes = resolveInputShapes(inputs, parseShapeList(NAMES.map((n) => `${n}:2`).join(',')));
    expect(Object.entries(shapes)).toEqual(NAMES.map((n) => [n, [2]]));
    const feeds = generateFeeds(inputs, shapes, { seed: 1 });
    expect(Object.keys(feeds)).toEqual(NAMES);
    expect(Object.getPrototypeOf(feeds)).toBeNull();
    const given = toFeeds(feeds);
    expect(Object.keys(given)).toEqual(NAMES);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trt-node-feeds-'));
    try {
      const file = path.join(dir, 'odd.npz');
      await writeNpz(file, feeds);
      const back = await feedsFromNpz(file, inputs);
      expect(Object.keys(back)).toEqual(NAMES);
      const model = { inputs } as never;
      const built = await buildFeeds(model, { npz: file });
      expect(Object.entries(built.sources)).toEqual(NAMES.map((n) => [n, 'npz']));
      // A caller's plain object with no 'toString' feed: generated, not mistaken for Object.prototype.toString.
      const gen = await buildFeeds(model, { tensors: { valueOf: { type: 'float32' as const, dims: [2], data: Float32Array.of(1, 2) } } });
      expect(Object.entries(gen.sources).sort()).toEqual(NAMES.map((n) => [n, n === 'valueOf' ? 'tensor' : 'generated']).sort());
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('BAD CALL generateFeeds / buildFeeds / toFeeds arguments are TrtNodeErrors naming the parameter (defect 9)', async () => {
    expect(caught(() => generateFeeds(null as never, {})).message).toMatch(/an array for inputs but received null/);
    expect(caught(() => generateFeeds([null] as never, {})).message).toMatch(/for inputs\[0\]/);
    expect(caught(() => generateFeeds([input('x', 'float32')], null as never)).message).toMatch(/for shapes but received null/);
    expect(caught(() => generateFeeds([input('x', 'float32')], { x: '1x2' } as never)).message).toMatch(/for shapes\["x"\]/);
    expect(caught(() => generateFeeds([input('x', 'float32')], { x: [2] }, null as never)).message).toMatch(/for options/);
    expect(caught(() => generateFeeds([input('x', 'float32')], { x: [2] }, { seed: 1e30 })).message).toMatch(/safe integer .* for seed but received 1e\+30/);
    expect(caught(() => toFeeds(null as never)).message).toMatch(/for feeds but received null/);
    await expect(buildFeeds(null as never)).rejects.toMatchObject({ code: 'ERR_TRT_NODE_INVALID_TYPE' });
    await expect(buildFeeds({} as never)).rejects.toMatchObject({ code: 'ERR_TRT_NODE_INVALID_TYPE', message: expect.stringMatching(/model\.inputs/) });
    await expect(buildFeeds({ inputs: [] } as never, { npz: 42 } as never)).rejects.toMatchObject({ code: 'ERR_TRT_NODE_INVALID_TYPE' });
    await expect(feedsFromNpz(null as never)).rejects.toMatchObject({ code: 'ERR_TRT_NODE_INVALID_TYPE' });
  });

  it('int16, uint16, uint32, uint64 inputs are generated; string and bfloat16 inputs get a message saying what to do', () => {
    const types = ['int16', 'uint16', 'uint32', 'uint64'];
    const feeds = generateFeeds(types.map((t) => input(t, t, fixed(500))), Object.fromEntries(types.map((t) => [t, [500]])), { range: [0, 70000] });
    const tags = Object.values(feeds).map((t) => Object.prototype.toString.call(t.data).slice(8, -1));
    expect(tags).toEqual(['Int16Array', 'Uint16Array', 'Uint32Array', 'BigUint64Array']);
    expect(Math.max(...(feeds.int16.data as Int16Array))).toBeLessThanOrEqual(32767);
    expect(Math.max(...(feeds.uint32.data as Uint32Array))).toBeGreaterThan(65535);
    expect(() => generateFeeds([input('s', 'string')], { s: [2] })).toThrow(/Strings have no meaningful random values: feed this input from an \.npz file/);
    expect(() => generateFeeds([input('b', 'bfloat16')], { b: [2] })).toThrow(/onnxruntime-node cannot carry bfloat16/);
  });

  it('feedsFromNpz checks names and dtypes before inflating: a wrong-dtype bomb is refused by its dtype, not read', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trt-node-feeds-'));
    try {
      const file = path.join(dir, 'bomb.npz');
      const { craftZip, deflatedNpy, npyHeader } = await import('../tensor/zip-builder');
      const header = npyHeader('<f8', '(536870895,)'); // 4 GiB of float64 declared, 1 KiB stored
      fs.writeFileSync(file, craftZip([{ name: 'x.npy', data: header, compressed: deflatedNpy(header, 1024), size: header.length + 8 * 536870895, crc: 0 }]));
      await expect(feedsFromNpz(file, [input('x', 'float32', fixed(2))])).rejects.toThrow(/array 'x' is float64 but the model's input 'x' takes float32/);
      await expect(feedsFromNpz(file, [input('x', 'float64', fixed(2))])).rejects.toMatchObject({ code: 'ERR_TRT_NODE_MEMORY_BUDGET' });
      const seen: unknown[] = [];
      await expect(
        feedsFromNpz(file, [input('x', 'float64', fixed(2))], {
          beforeRead: (name, info) => {
            seen.push([name, info.dims]);
            throw new ShapeError(`input '${name}' has rank 1 but ...`);
          },
        }),
      ).rejects.toThrow(ShapeError);
      expect(seen).toEqual([['x', [536870895]]]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
