/**
 * What trt-node refuses in .npy files, and how: numpy's own object and complex files, truncated,
 * empty, random and hand-broken files. Every refusal is an NpyFormatError (or FileError) naming the file.
 */
import * as fs from 'fs';
import * as path from 'path';
import { NpyFormatError } from '../../lib/errors';
import { encodeNpy, parseNpy, readNpy } from '../../lib/tensor/npy';
import { TensorLike } from '../../lib/tensor/types';
import { bytesOf, caught, caughtAsync, fixtureBytes, prng, tempDir } from './helpers';

/** A .npy file with the given header text (version 1.0, padded as numpy pads) followed by `data`. */
function npyWithHeader(dict: string, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const padded = dict + ' '.repeat(63 - ((10 + dict.length) % 64)) + '\n';
  const out = new Uint8Array(10 + padded.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, padded.length & 0xff, padded.length >> 8]);
  out.set(Buffer.from(padded, 'latin1'), 10);
  out.set(data, 10 + padded.length);
  return out;
}

function expectNpyError(fn: () => unknown, file: string, ...mentions: (string | RegExp)[]) {
  const e = caught(fn);
  expect(e).toBeInstanceOf(NpyFormatError);
  expect(e.code).toBe('ERR_TRT_NODE_NPY_FORMAT');
  expect(e.message.startsWith(`${file}: `)).toBe(true);
  expect(e.details.file).toBe(file);
  for (const m of mentions) expect(e.message).toMatch(m);
  return e;
}

describe('numpy-written files trt-node refuses', () => {
  it('object arrays: names allow_pickle and never unpickles', () => {
    expectNpyError(() => parseNpy(fixtureBytes('object.npy'), 'object.npy'), 'object.npy', /object/, /allow_pickle/);
  });

  it('complex64: names the dtype and lists the supported ones', () => {
    const e = expectNpyError(() => parseNpy(fixtureBytes('complex64.npy'), 'c.npy'), 'c.npy', /'<c8' \(complex64\)/);
    for (const t of ['float32', 'float16', 'float64', 'int64', 'int32', 'int8', 'uint8', 'bool']) expect(e.message).toContain(t);
    expect(e.details.dtype).toBe('<c8');
  });

  it.each([
    ["'<c16'", /complex128/],
    ["'<U0'", /str/],
    ["'<f16'", /float128/],
    ["'<M8[ns]'", /datetime64\[ns\]/],
  ])('unsupported dtype %s is named', (descr, name) => {
    const bytes = npyWithHeader(`{'descr': ${descr}, 'fortran_order': False, 'shape': (1,), }`, new Uint8Array(16));
    expectNpyError(() => parseNpy(bytes, 'u.npy'), 'u.npy', name, /supported: float32/);
  });

  it('structured (record) arrays are refused as such', () => {
    const bytes = npyWithHeader("{'descr': [('a', '<f4'), ('b', '<i4')], 'fortran_order': False, 'shape': (1,), }", new Uint8Array(8));
    expectNpyError(() => parseNpy(bytes, 'rec.npy'), 'rec.npy', /structured/);
  });
});

describe('broken files', () => {
  it('empty file', () => {
    expectNpyError(() => parseNpy(new Uint8Array(0), 'empty.npy'), 'empty.npy', /empty/);
  });

  it('bad magic: not a .npy file', () => {
    expectNpyError(() => parseNpy(Buffer.from('PK\x03\x04 not numpy at all'), 'a.npy'), 'a.npy', /magic/);
  });

  it('truncated at every length: always an error naming the file, never a crash', () => {
    const whole = fixtureBytes('float32.npy');
    for (let n = 1; n < whole.length; n++) {
      const e = caught(() => parseNpy(whole.subarray(0, n), 'cut.npy'));
      expect(e).toBeInstanceOf(NpyFormatError);
      expect(e.message.startsWith('cut.npy: ')).toBe(true);
      if (n >= 10) expect(e.message).toMatch(/truncated/);
    }
    expectNpyError(() => parseNpy(whole.subarray(0, whole.length - 1), 'cut.npy'), 'cut.npy', /needs 96 bytes of data but only 95/);
  });

  it('trailing bytes after the data', () => {
    const whole = fixtureBytes('int8.npy');
    const longer = new Uint8Array(whole.length + 3);
    longer.set(whole);
    expectNpyError(() => parseNpy(longer, 'long.npy'), 'long.npy', /3 unexpected bytes/);
  });

  it('random bytes, with and without a valid magic, give NpyFormatError', () => {
    const r = prng(42);
    for (let i = 0; i < 300; i++) {
      const bytes = new Uint8Array(1 + Math.floor(r() * 300)).map(() => Math.floor(r() * 256));
      if (i % 2) bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0].slice(0, bytes.length));
      const e = caught(() => parseNpy(bytes, 'random.npy'));
      expect(e.code).toBe('ERR_TRT_NODE_NPY_FORMAT');
    }
  });

  it.each([
    ['unknown version', null, /version 4.0/],
    ['not a dict', '[1, 2]', /malformed header \(not a dict\)/],
    ['missing key', "{'descr': '<f4', 'shape': (1,), }", /keys must be exactly/],
    ['extra key', "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': 1, }", /keys must be exactly/],
    ['duplicate key', "{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", /appears twice/],
    ['descr not a string', "{'descr': 4, 'fortran_order': False, 'shape': (1,), }", /'descr' is not a string/],
    ['shape not a tuple', "{'descr': '<f4', 'fortran_order': False, 'shape': [1], }", /'shape' is not a tuple/],
    ['negative dim', "{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }", /non-negative integer/],
    ['float dim', "{'descr': '<f4', 'fortran_order': False, 'shape': (1.5,), }", /malformed header/],
    ['fortran_order not a bool', "{'descr': '<f4', 'fortran_order': 0, 'shape': (1,), }", /True or False/],
    ['unclosed string', "{'descr': '<f4, 'fortran_order': False, 'shape': (1,), }", /malformed header/],
    ['code instead of a literal', "{'descr': __import__('os'), 'fortran_order': False, 'shape': (1,), }", /malformed header/],
    ['deep nesting', `{'descr': ${'('.repeat(5000)}`, /nested too deeply/],
    ['trailing text', "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), } x", /malformed header \(unexpected/],
  ])('malformed header: %s', (_what, dict, message) => {
    const bytes = dict === null ? Uint8Array.from([...fixtureBytes('int8.npy')].map((b, i) => (i === 6 ? 4 : b))) : npyWithHeader(dict, new Uint8Array(4));
    expectNpyError(() => parseNpy(bytes, 'h.npy'), 'h.npy', message);
  });

  it('header length pointing past the end of the file', () => {
    const bytes = fixtureBytes('int8.npy').slice(0, 40);
    expectNpyError(() => parseNpy(bytes, 'h.npy'), 'h.npy', /truncated: the header says it is 118 bytes long/);
  });

  it('missing file and folder give FileError naming the path', async () => {
    const dir = tempDir();
    let e = await caughtAsync(() => readNpy(path.join(dir, 'nope.npy')));
    expect(e.code).toBe('ERR_TRT_NODE_FILE');
    expect(e.message).toContain(path.join(dir, 'nope.npy'));
    e = await caughtAsync(() => readNpy(dir));
    expect(e.code).toBe('ERR_TRT_NODE_FILE');
    expect(e.message).toContain('folder');
    fs.rmSync(dir, { recursive: true });
  });
});

describe('headers numpy could write that are read anyway', () => {
  it('Fortran order is accepted where it lays out the same bytes as C order (at most one axis longer than 1)', () => {
    const data = new Uint8Array(new Float32Array([1, 2, 3]).buffer);
    const t = parseNpy(npyWithHeader("{'descr': '<f4', 'fortran_order': True, 'shape': (1, 3), }", data), 'f.npy');
    expect(Array.from(t.data as Float32Array)).toEqual([1, 2, 3]);
  });

  it("Python 2 numpy's long ints (3L) and double-quoted strings", () => {
    const data = new Uint8Array(new Int32Array([7, 8]).buffer);
    const t = parseNpy(npyWithHeader('{"descr": "<i4", "fortran_order": False, "shape": (2L,)}', data), 'py2.npy');
    expect(t.dims).toEqual([2]);
    expect(Array.from(t.data as Int32Array)).toEqual([7, 8]);
  });

  it('big-endian files of every multi-byte type are converted to little-endian', () => {
    const tensors: TensorLike[] = [
      { type: 'float32', dims: [2], data: Float32Array.of(1.5, -2) },
      { type: 'float16', dims: [2], data: Uint16Array.of(0x3c00, 0xfbff) },
      { type: 'float64', dims: [2], data: Float64Array.of(Math.PI, -0) },
      { type: 'int64', dims: [2], data: BigInt64Array.of(-(2n ** 60n), 5n) },
      { type: 'int32', dims: [2], data: Int32Array.of(-(2 ** 30), 77) },
    ];
    for (const t of tensors) {
      const little = encodeNpy(t);
      const data = t.data as Exclude<TensorLike['data'], string[]>;
      const size = data.BYTES_PER_ELEMENT;
      const start = little.length - data.byteLength;
      const big = little.slice();
      for (let e = start; e < big.length; e += size) for (let j = 0; j < size; j++) big[e + j] = little[e + size - 1 - j];
      const header = Buffer.from(big.subarray(0, start)).toString('latin1').replace("'<", "'>");
      big.set(Buffer.from(header, 'latin1'));
      const back = parseNpy(big, 'be.npy');
      expect(back.type).toBe(t.type);
      expect(bytesOf(back.data)).toEqual(bytesOf(t.data));
    }
  });
});
