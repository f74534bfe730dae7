/**
 * .npz files: numpy.savez / savez_compressed / positional savez archives read back with the same arrays as the
 * separate .npy files (numpy's zip64 local headers included); ours round-trip; broken archives give NpyFormatError
 * naming the file (and the array).
 */
import * as fs from 'fs';
import * as path from 'path';
import { zipSync } from 'fflate';
import { NpyFormatError } from '../../lib/errors';
import { encodeNpy, parseNpy } from '../../lib/tensor/npy';
import { encodeNpz, parseNpz, readNpz, writeNpz } from '../../lib/tensor/npz';
import { NUMERIC_TENSOR_TYPES, NamedTensors, TENSOR_TYPES, TensorLike } from '../../lib/tensor/types';
import { ARRAY_OF, bytesOf, caught, caughtAsync, fixture, fixtureBytes, prng, tempDir } from './helpers';

const SAVEZ_KEYS = ['float32', 'int64', 'uint8', 'bool']; // the order export_fixtures.py passes them to savez

function expectSameTensor(actual: TensorLike, expected: TensorLike) {
  expect(actual.type).toBe(expected.type);
  expect(actual.dims).toEqual(expected.dims);
  expect(bytesOf(actual.data)).toEqual(bytesOf(expected.data));
}

function expectNpzError(fn: () => unknown, file: string, ...mentions: (string | RegExp)[]) {
  const e = caught(fn);
  expect(e).toBeInstanceOf(NpyFormatError);
  expect(e.code).toBe('ERR_TRT_NODE_NPY_FORMAT');
  expect(e.message.startsWith(`${file}: `)).toBe(true);
  for (const m of mentions) expect(e.message).toMatch(m);
  return e;
}

const u32 = (b: Uint8Array, at: number) => new DataView(b.buffer, b.byteOffset).getUint32(at, true);
const u16 = (b: Uint8Array, at: number) => new DataView(b.buffer, b.byteOffset).getUint16(at, true);

describe('numpy-written .npz files', () => {
  it('numpy.savez writes zip64 local headers (sizes 0xFFFFFFFF + zip64 extra) and they read correctly', async () => {
    const bytes = fixtureBytes('savez.npz');
    expect(u32(bytes, 0)).toBe(0x04034b50);
    expect(u16(bytes, 8)).toBe(0); // STORED
    expect(u32(bytes, 18)).toBe(0xffffffff); // compressed size: see the zip64 extra
    expect(u32(bytes, 22)).toBe(0xffffffff);
    expect(u16(bytes, 30 + u16(bytes, 26))).toBe(0x0001); // zip64 extended information extra field
    const z = await readNpz(fixture('savez.npz'));
    expect(Object.keys(z)).toEqual(SAVEZ_KEYS);
    for (const key of SAVEZ_KEYS) expectSameTensor(z[key], parseNpy(fixtureBytes(`${key}.npy`), key));
  });

  it('numpy.savez_compressed (DEFLATE) holds the same arrays', async () => {
    const bytes = fixtureBytes('savez_compressed.npz');
    expect(u16(bytes, 8)).toBe(8); // DEFLATE
    const z = await readNpz(fixture('savez_compressed.npz'));
    expect(Object.keys(z)).toEqual(SAVEZ_KEYS);
    for (const key of SAVEZ_KEYS) expectSameTensor(z[key], parseNpy(fixtureBytes(`${key}.npy`), key));
  });

  it('positional arrays are arr_0, arr_1', async () => {
    const z = await readNpz(fixture('positional.npz'));
    expect(Object.keys(z)).toEqual(['arr_0', 'arr_1']);
    expectSameTensor(z.arr_0, parseNpy(fixtureBytes('float32.npy'), 'float32'));
    expectSameTensor(z.arr_1, parseNpy(fixtureBytes('int8.npy'), 'int8'));
  });

  it('each entry we write is byte for byte the entry numpy wrote for the same array', () => {
    const ours = parseNpz(encodeNpz(parseNpz(fixtureBytes('savez.npz'), 'savez.npz')), 'ours.npz');
    const zipEntries = (b: Uint8Array) => Object.keys(parseNpz(b, 'x'));
    expect(zipEntries(encodeNpz(ours))).toEqual(SAVEZ_KEYS);
    for (const key of SAVEZ_KEYS) {
      expect(Buffer.from(encodeNpy(ours[key]))).toEqual(fs.readFileSync(fixture(`${key}.npy`)));
    }
  });
});

describe('encodeNpz / writeNpz', () => {
  const tensors: NamedTensors = {
    input: { type: 'float32', dims: [1, 3, 2], data: Float32Array.of(1, 2, 3, 4, 5, -0) },
    mask: { type: 'bool', dims: [2], data: Uint8Array.of(1, 0) },
    ids: { type: 'int64', dims: [], data: BigInt64Array.of(-(2n ** 63n)) },
    half: { type: 'float16', dims: [0], data: new Uint16Array(0) },
  };

  it.each([false, true])('round trip with compress=%s keeps names, order and bits', (compress) => {
    const bytes = encodeNpz(tensors, { compress });
    expect(u16(bytes, 8)).toBe(compress ? 8 : 0);
    const back = parseNpz(bytes, 'rt.npz');
    expect(Object.keys(back)).toEqual(Object.keys(tensors));
    for (const key of Object.keys(tensors)) expectSameTensor(back[key], tensors[key]);
  });

  it('every dtype survives a trip through an .npz', () => {
    const r = prng(3);
    const all: NamedTensors = {};
    for (const type of NUMERIC_TENSOR_TYPES) {
      const bytes = new Uint8Array(48).map(() => Math.floor(r() * 256));
      const data = type === 'bool' ? bytes.map((b) => b & 1) : new ARRAY_OF[type](bytes.buffer);
      all[type] = { type, dims: [2, data.length / 2], data };
    }
    all.string = { type: 'string', dims: [2, 2], data: ['a', 'bcd', '', 'é名'] };
    const back = parseNpz(encodeNpz(all, { compress: true }), 'all.npz');
    for (const type of TENSOR_TYPES) expectSameTensor(back[type], all[type]);
  });

  it('writes the same bytes every time (fixed entry time)', () => {
    expect(Buffer.from(encodeNpz(tensors))).toEqual(Buffer.from(encodeNpz(tensors)));
  });

  it("tensors named '__proto__', 'toString', 'valueOf'... are ordinary keys of a null-prototype record", () => {
    const odd: NamedTensors = {};
    const names = ['__proto__', 'toString', 'valueOf', 'hasOwnProperty', 'constructor'];
    for (const n of names) Object.defineProperty(odd, n, { value: tensors.mask, enumerable: true });
    const back = parseNpz(encodeNpz(odd), 'odd.npz');
    expect(Object.keys(back)).toEqual(names);
    expect(Object.getPrototypeOf(back)).toBeNull();
    for (const n of names) expectSameTensor(Object.getOwnPropertyDescriptor(back, n)!.value, tensors.mask);
  });

  it('writeNpz is atomic and readNpz reads it back', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'feeds.npz');
    await writeNpz(file, tensors, { compress: true });
    expect(fs.readdirSync(dir)).toEqual(['feeds.npz']);
    expect(Object.keys(await readNpz(file))).toEqual(Object.keys(tensors));
    fs.rmSync(dir, { recursive: true });
  });

  it('a bad tensor is named in the error', () => {
    const e = caught(() => encodeNpz({ ok: tensors.mask, broken: { type: 'int32', dims: [3], data: new Int32Array(2) } }));
    expect(e.code).toBe('ERR_TRT_NODE_SHAPE');
    expect(e.message).toContain("'broken'");
  });
});

describe('broken .npz files', () => {
  it('empty, random bytes and a .npy given as .npz', () => {
    expectNpzError(() => parseNpz(new Uint8Array(0), 'e.npz'), 'e.npz', /empty/);
    const r = prng(9);
    for (let i = 0; i < 100; i++) {
      const bytes = new Uint8Array(1 + Math.floor(r() * 400)).map(() => Math.floor(r() * 256));
      expectNpzError(() => parseNpz(bytes, 'r.npz'), 'r.npz');
    }
    expectNpzError(() => parseNpz(fixtureBytes('float32.npy'), 'a.npz'), 'a.npz', /readNpy/);
  });

  it('truncated at every length: an error naming the file', () => {
    for (const name of ['savez.npz', 'savez_compressed.npz']) {
      const whole = fixtureBytes(name);
      for (let n = 1; n < whole.length; n++) expectNpzError(() => parseNpz(whole.subarray(0, n), name), name);
    }
  });

  it('an invalid DEFLATE stream', () => {
    const bytes = fixtureBytes('savez_compressed.npz');
    const dataStart = 30 + u16(bytes, 26) + u16(bytes, 28);
    bytes[dataStart] = 0x07; // final block of type 3, which does not exist
    expectNpzError(() => parseNpz(bytes, 'c.npz'), 'c.npz', /not a valid .npz/);
  });

  it('a broken array inside is named, with the file', () => {
    const npy = encodeNpy({ type: 'float32', dims: [4], data: new Float32Array(4) });
    const bytes = zipSync({ 'good.npy': encodeNpy(tensorsOk()), 'bad.npy': npy.subarray(0, npy.length - 2) });
    const e = expectNpzError(() => parseNpz(bytes, 'in.npz'), 'in.npz', /array 'bad': is truncated/);
    expect(e.details).toMatchObject({ file: 'in.npz', array: 'bad' });
    const object = zipSync({ 'obj.npy': fixtureBytes('object.npy') });
    expectNpzError(() => parseNpz(object, 'o.npz'), 'o.npz', /array 'obj'/, /allow_pickle/);
  });

  it('an entry that is not a .npy array', () => {
    const bytes = zipSync({ 'a.npy': encodeNpy(tensorsOk()), 'meta.json': Buffer.from('{}') });
    expectNpzError(() => parseNpz(bytes, 'm.npz'), 'm.npz', /'meta.json' is not a .npy array/);
  });

  it('a directory claiming billions of entries fails at once instead of looping', () => {
    // zip64 end-of-central-directory record + locator + classic EOCD, claiming 2^32-1 entries at offset 0.
    const out = new Uint8Array(56 + 20 + 22);
    const v = new DataView(out.buffer);
    v.setUint32(0, 0x06064b50, true);
    v.setUint32(32, 0xffffffff, true);
    v.setUint32(56, 0x07064b50, true);
    v.setUint32(56 + 8, 0, true);
    v.setUint32(76, 0x06054b50, true);
    v.setUint16(76 + 8, 0xffff, true);
    v.setUint16(76 + 10, 0xffff, true);
    expectNpzError(() => parseNpz(out, 'bomb.npz'), 'bomb.npz', /more entries than the file can hold|a zip entry has no name/);
    // A bare end record claiming 65535 entries in a 22-byte file.
    const eocd = new Uint8Array(22);
    new DataView(eocd.buffer).setUint32(0, 0x06054b50, true);
    new DataView(eocd.buffer).setUint16(8, 0xffff, true);
    new DataView(eocd.buffer).setUint16(10, 0xffff, true);
    expectNpzError(() => parseNpz(eocd, 'bomb.npz'), 'bomb.npz', /more entries than the file can hold/);
  });

  it('missing file: FileError naming the path', async () => {
    const e = await caughtAsync(() => readNpz('/nonexistent/feeds.npz'));
    expect(e.code).toBe('ERR_TRT_NODE_FILE');
    expect(e.message).toContain('/nonexistent/feeds.npz');
  });
});

function tensorsOk(): TensorLike {
  return { type: 'int8', dims: [2], data: Int8Array.of(1, -1) };
}
