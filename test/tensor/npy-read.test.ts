/**
 * .npy files written by numpy (test/fixtures/numpy, from scripts/fixtures/export_fixtures.py) read back exactly:
 * type and shape as the generator made them, data bytes equal to the file's bytes after the header, values with the
 * properties the generator guarantees, and numpy's bytes reproduced exactly when written again.
 */
import * as fs from 'fs';
import { encodeNpy, parseNpy, readNpy } from '../../lib/tensor/npy';
import { NUMPY_ARRAYS, bytesOf, byteLength, fixture, fixtureBytes } from './helpers';

function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >> 10) & 0x1f;
  const frac = bits & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

describe('numpy-written .npy files', () => {
  it('has every fixture the export script writes', () => {
    const expected = [...Object.keys(NUMPY_ARRAYS), 'fortran_float32', 'object', 'complex64'].map((n) => `${n}.npy`);
    expect(fs.readdirSync(fixture('.')).filter((f) => f.endsWith('.npy')).sort()).toEqual(expected.sort());
  });

  for (const [name, { type, dims }] of Object.entries(NUMPY_ARRAYS)) {
    it(`${name}.npy: type ${type}, dims [${dims}], data equal to the bytes numpy wrote`, async () => {
      const t = await readNpy(fixture(`${name}.npy`));
      expect(t.type).toBe(type);
      expect(t.dims).toEqual(dims);
      const n = byteLength(type, dims);
      expect(bytesOf(t.data).byteLength).toBe(n);
      const file = fixtureBytes(`${name}.npy`);
      const tail = file.subarray(file.length - n);
      if (name === 'bigendian_float32') {
        // numpy stored '>f4': our little-endian data is the file's elements with their bytes reversed.
        const swapped = new Uint8Array(n);
        for (let i = 0; i < n; i += 4) for (let k = 0; k < 4; k++) swapped[i + k] = tail[i + 3 - k];
        expect(bytesOf(t.data)).toEqual(swapped);
      } else {
        expect(bytesOf(t.data)).toEqual(tail);
      }
    });
  }

  it('values have the properties the generator guarantees', async () => {
    expect(Array.from((await readNpy(fixture('bigendian_float32.npy'))).data as Float32Array)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(Array.from((await readNpy(fixture('scalar_float32.npy'))).data as Float32Array)).toEqual([3.5]);
    expect((await readNpy(fixture('empty_float32.npy'))).data).toHaveLength(0);
    const i8 = (await readNpy(fixture('int8.npy'))).data as Int8Array;
    expect(i8).toBeInstanceOf(Int8Array);
    expect(Array.from(i8).some((v) => v < 0)).toBe(true); // sign kept: integers(-128, 127)
    const u8 = Array.from((await readNpy(fixture('uint8.npy'))).data as Uint8Array);
    expect(u8.every((v) => v >= 0 && v < 255)).toBe(true);
    const i64 = Array.from((await readNpy(fixture('int64.npy'))).data as BigInt64Array);
    expect(i64.every((v) => v >= -(2n ** 40n) && v < 2n ** 40n)).toBe(true);
    expect(i64.some((v) => v > 2n ** 32n || v < -(2n ** 32n))).toBe(true); // not truncated to 32 bits
    const i32 = Array.from((await readNpy(fixture('int32.npy'))).data as Int32Array);
    expect(i32.some((v) => v < 0)).toBe(true);
    const b = Array.from((await readNpy(fixture('bool.npy'))).data as Uint8Array);
    expect(b.every((v) => v === 0 || v === 1)).toBe(true);
    // standard normal samples: finite, mostly within a few units, not all equal.
    for (const name of ['float32', 'float64']) {
      const v = Array.from((await readNpy(fixture(`${name}.npy`))).data as Float32Array | Float64Array);
      expect(v.every((x) => Number.isFinite(x) && Math.abs(x) < 8)).toBe(true);
      expect(new Set(v).size).toBe(v.length);
    }
    const h = Array.from((await readNpy(fixture('float16.npy'))).data as Uint16Array).map(halfToFloat);
    expect(h.every((x) => Number.isFinite(x) && Math.abs(x) < 8)).toBe(true);
    expect(new Set(h).size).toBeGreaterThan(10);
  });

  it('writing what was read reproduces numpy\'s file byte for byte', async () => {
    for (const name of Object.keys(NUMPY_ARRAYS).filter((n) => n !== 'bigendian_float32')) {
      const bytes = fixtureBytes(`${name}.npy`);
      expect({ name, bytes: Buffer.from(encodeNpy(parseNpy(bytes, name))) }).toEqual({ name, bytes: Buffer.from(bytes) });
    }
    // The big-endian file comes back as numpy writes the same array little-endian: only descr and byte order differ.
    const big = fixtureBytes('bigendian_float32.npy');
    const ours = encodeNpy(await readNpy(fixture('bigendian_float32.npy')));
    expect(ours.length).toBe(big.length);
    const header = (b: Uint8Array) => Buffer.from(b.subarray(0, b.length - 24)).toString('latin1');
    expect(header(ours)).toBe(header(big).replace("'>f4'", "'<f4'"));
  });

  it('returns a view on aligned bytes and a copy when the data start is unaligned', () => {
    const file = fixtureBytes('float64.npy');
    const aligned = parseNpy(file, 'float64.npy');
    expect((aligned.data as Float64Array).buffer).toBe(file.buffer);

    const shifted = new Uint8Array(file.length + 1);
    shifted.set(file, 1);
    const unalignedBytes = shifted.subarray(1);
    const copied = parseNpy(unalignedBytes, 'float64.npy');
    expect((copied.data as Float64Array).buffer).not.toBe(shifted.buffer);
    expect(Array.from(copied.data as Float64Array)).toEqual(Array.from(aligned.data as Float64Array));
  });

  it('reads format versions 2.0 and 3.0 (4-byte header length; 3.0 header in UTF-8)', () => {
    const v1 = fixtureBytes('int32.npy');
    const hlen = v1[8] | (v1[9] << 8);
    const expected = parseNpy(v1, 'int32.npy');
    for (const major of [2, 3]) {
      const out = new Uint8Array(v1.length + 2);
      out.set(v1.subarray(0, 6));
      out[6] = major;
      new DataView(out.buffer).setUint32(8, hlen, true);
      out.set(v1.subarray(10), 12);
      const t = parseNpy(out, `v${major}.npy`);
      expect(t.type).toBe('int32');
      expect(t.dims).toEqual(expected.dims);
      expect(Array.from(t.data as Int32Array)).toEqual(Array.from(expected.data as Int32Array));
    }
  });
});
