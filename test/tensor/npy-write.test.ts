/**
 * Our .npy writer follows numpy's format rules (numpy/lib/format.py): magic, version, little-endian header length,
 * a Python dict literal with exactly 'descr', 'fortran_order', 'shape' in numpy's repr, padded so the data starts on
 * a 64-byte boundary. Round trips per dtype keep every bit (NaN payloads, -0, extremes).
 */
import * as fs from 'fs';
import * as path from 'path';
import { encodeNpy, parseNpy, readNpy, writeNpy } from '../../lib/tensor/npy';
import { NUMERIC_TENSOR_TYPES, NumericTensorData, NumericTensorType, TensorLike } from '../../lib/tensor/types';
import { bytesOf, caught, caughtAsync, prng, tempDir } from './helpers';

/** Random data of each type, with the values that are easy to get wrong. */
function sample(type: NumericTensorType, n: number, seed = 1): NumericTensorData {
  const r = prng(seed);
  const size = { float32: 4, float16: 2, float64: 8, int64: 8, int32: 4, int16: 2, int8: 1, uint64: 8, uint32: 4, uint16: 2, uint8: 1, bool: 1 }[type];
  const bytes = new Uint8Array(n * size);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(r() * 256);
  switch (type) {
    case 'float32': {
      const a = new Float32Array(bytes.buffer);
      a.set([NaN, -0, Infinity, -Infinity, 3.4028234663852886e38, 1e-45].slice(0, n));
      return a;
    }
    case 'float64': {
      const a = new Float64Array(bytes.buffer);
      a.set([NaN, -0, Infinity, Number.MIN_VALUE, Number.MAX_VALUE].slice(0, n));
      return a;
    }
    case 'float16':
      return new Uint16Array(bytes.buffer); // raw bits, including NaN and subnormal patterns
    case 'int64': {
      const a = new BigInt64Array(bytes.buffer);
      a.set([-(2n ** 63n), 2n ** 63n - 1n, 0n].slice(0, n));
      return a;
    }
    case 'int32':
      return new Int32Array(bytes.buffer);
    case 'int16':
      return new Int16Array(bytes.buffer);
    case 'uint64': {
      const a = new BigUint64Array(bytes.buffer);
      a.set([2n ** 64n - 1n, 2n ** 63n, 0n].slice(0, n));
      return a;
    }
    case 'uint32':
      return new Uint32Array(bytes.buffer);
    case 'uint16':
      return new Uint16Array(bytes.buffer);
    case 'int8':
      return new Int8Array(bytes.buffer);
    case 'uint8':
      return bytes;
    case 'bool':
      return bytes.map((b) => b & 1);
  }
}

const DESCR: Record<NumericTensorType, string> = {
  float32: '<f4',
  float16: '<f2',
  float64: '<f8',
  int64: '<i8',
  int32: '<i4',
  int16: '<i2',
  uint64: '<u8',
  uint32: '<u4',
  uint16: '<u2',
  int8: '|i1',
  uint8: '|u1',
  bool: '|b1',
};

/** Splits a .npy file the way numpy's read_magic / read_array_header_1_0 do, independently of our reader. */
function layout(file: Uint8Array) {
  const major = file[6];
  const hlen = major === 1 ? file[8] | (file[9] << 8) : new DataView(file.buffer, file.byteOffset).getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  return {
    magic: Buffer.from(file.subarray(0, 6)).toString('latin1'),
    major,
    minor: file[7],
    dataStart: start + hlen,
    header: Buffer.from(file.subarray(start, start + hlen)).toString('latin1'),
  };
}

describe('encodeNpy: numpy format rules', () => {
  it.each([
    [[3], '(3,)'],
    [[], '()'],
    [[2, 3], '(2, 3)'],
    [[1, 0, 5], '(1, 0, 5)'],
    [[2, 1, 3, 1, 2], '(2, 1, 3, 1, 2)'],
  ])('dims %j: version 1.0 header with shape %s, data on a 64-byte boundary', (dims, shape) => {
    const count = (dims as number[]).reduce((a, b) => a * b, 1);
    for (const type of NUMERIC_TENSOR_TYPES) {
      const file = encodeNpy({ type, dims: dims as number[], data: sample(type, count) });
      const l = layout(file);
      expect(l.magic).toBe('\x93NUMPY');
      expect([l.major, l.minor]).toEqual([1, 0]);
      expect(l.dataStart % 64).toBe(0);
      expect(l.header.endsWith('\n')).toBe(true);
      const dict = `{'descr': '${DESCR[type]}', 'fortran_order': False, 'shape': ${shape}, }`;
      expect(l.header.startsWith(dict)).toBe(true);
      expect(l.header.slice(dict.length)).toMatch(/^ *\n$/);
      expect(file.length - l.dataStart).toBe(count * (sample(type, 1).BYTES_PER_ELEMENT));
    }
  });

  it('switches to version 2.0 when the header outgrows 65535 bytes, as numpy does', () => {
    const dims = new Array(22000).fill(1); // "1, " x 22000: a header of ~66000 bytes
    const file = encodeNpy({ type: 'int8', dims, data: Int8Array.of(-5) });
    const l = layout(file);
    expect([l.major, l.minor]).toEqual([2, 0]);
    expect(l.dataStart % 64).toBe(0);
    expect(l.header.length).toBeGreaterThan(0xffff);
    const back = parseNpy(file, 'v2.npy');
    expect(back.dims).toEqual(dims);
    expect(Array.from(back.data as Int8Array)).toEqual([-5]);
  });
});

describe('round trips per dtype', () => {
  for (const type of NUMERIC_TENSOR_TYPES) {
    it(`${type}: every bit survives encode -> parse, for 1-d, n-d, scalar and empty`, () => {
      for (const dims of [[7], [2, 3, 4], [], [0, 3]]) {
        const data = sample(type, dims.reduce((a, b) => a * b, 1), dims.length + 3);
        const back = parseNpy(encodeNpy({ type, dims, data }), `${type}.npy`);
        expect(back.type).toBe(type);
        expect(back.dims).toEqual(dims);
        expect(back.data.constructor).toBe(data.constructor);
        expect(bytesOf(back.data)).toEqual(bytesOf(data));
      }
    });
  }

  it("string: written as numpy's '<U' of the longest string's width, read back the same (any script, empty strings)", () => {
    for (const [dims, data] of [
      [[3], ['a', 'naïve', '']],
      [[2, 2], ['名前', '🙂x', 'tab\t', 'z']],
      [[], ['only']],
      [[0], []],
    ] as [number[], string[]][]) {
      const file = encodeNpy({ type: 'string', dims, data });
      const l = layout(file);
      const width = Math.max(1, ...data.map((s) => [...s].length));
      expect(l.header.startsWith(`{'descr': '<U${width}', 'fortran_order': False,`)).toBe(true);
      expect(file.length - l.dataStart).toBe(data.length * width * 4);
      const back = parseNpy(file, 's.npy');
      expect(back).toEqual({ type: 'string', dims, data });
    }
  });

  it('writes the data of a typed array that is a window on a larger buffer', () => {
    const big = new Float32Array([9, 1, 2, 3, 9]);
    const back = parseNpy(encodeNpy({ type: 'float32', dims: [3], data: big.subarray(1, 4) }), 'window.npy');
    expect(Array.from(back.data as Float32Array)).toEqual([1, 2, 3]);
  });

  it('writeNpy writes atomically and readNpy reads it back; no temporary file is left', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'x.npy');
    const t: TensorLike = { type: 'int64', dims: [2, 2], data: BigInt64Array.of(1n, -2n, 3n, 2n ** 62n) };
    await writeNpy(file, t);
    await writeNpy(file, t); // replacing an existing file
    expect(fs.readdirSync(dir)).toEqual(['x.npy']);
    const back = await readNpy(file);
    expect(Array.from(back.data as BigInt64Array)).toEqual([1n, -2n, 3n, 2n ** 62n]);
    fs.rmSync(dir, { recursive: true });
  });

  it('refuses invalid tensors with errors naming the tensor or file', async () => {
    let e = caught(() => encodeNpy({ type: 'float32', dims: [2, 2], data: new Float32Array(3) }, 'logits'));
    expect(e.code).toBe('ERR_TRT_NODE_SHAPE');
    expect(e.message).toContain("'logits'");
    e = caught(() => encodeNpy({ type: 'float32', dims: [2], data: new Float64Array(2) }, 'logits'));
    expect(e.code).toBe('ERR_TRT_NODE_INVALID_TYPE');
    expect(e.message).toContain('logits.data');
    e = caught(() => encodeNpy({ type: 'string', dims: [1], data: new Uint8Array(1) }, 'names'));
    expect(e.code).toBe('ERR_TRT_NODE_INVALID_TYPE');
    expect(e.message).toMatch(/an array of strings/);
    e = caught(() => encodeNpy({ type: 'complex64' as never, dims: [1], data: new Float32Array(2) }, 'c'));
    expect(e.code).toBe('ERR_TRT_NODE_INVALID_VALUE');
    const dir = tempDir();
    const file = path.join(dir, 'bad.npy');
    e = await caughtAsync(() => writeNpy(file, { type: 'int8', dims: [-1], data: new Int8Array(0) }));
    expect(e.message).toContain(file);
    expect(fs.readdirSync(dir)).toEqual([]);
    fs.rmSync(dir, { recursive: true });
  });
});
