/**
 * Fortran-order arrays (numpy writes `fortran_order: True` for a transpose, fancy indexing or np.asfortranarray, and
 * np.savez keeps the order) are read as numpy reads them: the same values at the same indices, delivered in C order.
 * new-user report 2026-12-07, P8: they used to be refused with advice (np.save) that did not fit an .npz.
 */
import { zipSync } from 'fflate';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { check } from '../../lib/check/run-check';
import { readNpz, writeNpz } from '../../lib/tensor/npz';
import { encodeNpy, parseNpy, readNpy } from '../../lib/tensor/npy';
import { MemoryBudgetError } from '../../lib/errors';
import { caught, fixture, fixtureBytes } from './helpers';

/** A .npy (version 1.0) with `fortran_order: True` and these bytes, as numpy writes it. */
function fortranNpy(descr: string, shape: string, data: Uint8Array): Uint8Array {
  let dict = `{'descr': '${descr}', 'fortran_order': True, 'shape': ${shape}, }`;
  dict = dict.padEnd(Math.ceil((10 + dict.length + 1) / 64) * 64 - 11, ' ') + '\n';
  const out = new Uint8Array(10 + dict.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, dict.length & 0xff, dict.length >> 8]);
  out.set(Buffer.from(dict, 'latin1'), 10);
  out.set(data, 10 + dict.length);
  return out;
}

describe('Fortran-order arrays read as numpy reads them', () => {
  it("np.save(np.asfortranarray(a)): a (3, 4) float32 .npy comes back in C order (a[i, j] at i * 4 + j)", async () => {
    const t = await readNpy(fixture('fortran_float32.npy'));
    expect(t.type).toBe('float32');
    expect(t.dims).toEqual([3, 4]);
    const bytes = fixtureBytes('fortran_float32.npy');
    const stored = new Float32Array(bytes.slice(bytes.length - 48).buffer); // column-major: a[i, j] at j * 3 + i
    const data = t.data as Float32Array;
    for (let i = 0; i < 3; i++) for (let j = 0; j < 4; j++) expect(data[i * 4 + j]).toBe(stored[j * 3 + i]);
  });

  it('np.savez keeps the order of a transpose: int32, big-endian float64 and <U text arrays of an .npz', async () => {
    const z = await readNpz(fixture('fortran.npz'));
    const expected: number[] = [];
    for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 4; k++) expected.push(6 * k + 2 * j + i);
    expect(z.transposed.dims).toEqual([2, 3, 4]);
    expect(Array.from(z.transposed.data as Int32Array)).toEqual(expected);
    expect(z.big_endian.type).toBe('float64');
    expect(Array.from(z.big_endian.data as Float64Array)).toEqual(expected);
    expect(z.names.dims).toEqual([3, 2]);
    expect(z.names.data).toEqual(['a', 'd', 'bb', 'ee', 'ccc', 'fff']);
  });

  it('a rank-4 array (an image batch) and an empty one', () => {
    const dims = [2, 3, 4, 5];
    const n = 120;
    // Column-major storage of a[i0, i1, i2, i3] = i0 * 60 + i1 * 20 + i2 * 5 + i3 (its C-order index).
    const stored = new Float32Array(n);
    for (let i0 = 0; i0 < 2; i0++) for (let i1 = 0; i1 < 3; i1++) for (let i2 = 0; i2 < 4; i2++) for (let i3 = 0; i3 < 5; i3++) {
      stored[i0 + 2 * i1 + 6 * i2 + 24 * i3] = i0 * 60 + i1 * 20 + i2 * 5 + i3;
    }
    const t = parseNpy(fortranNpy('<f4', '(2, 3, 4, 5)', new Uint8Array(stored.buffer)), 'image.npy');
    expect(t.dims).toEqual(dims);
    expect(Array.from(t.data as Float32Array)).toEqual(Array.from({ length: n }, (_, i) => i));
    const empty = parseNpy(fortranNpy('<f4', '(0, 3)', new Uint8Array(0)), 'empty.npy');
    expect(empty.dims).toEqual([0, 3]);
    expect((empty.data as Float32Array).length).toBe(0);
  });

  it('the reordered copy counts against the memory budget', () => {
    const fortran = fortranNpy('<f4', '(16, 16)', new Uint8Array(1024));
    const c = encodeNpy({ type: 'float32', dims: [16, 16], data: new Float32Array(256) });
    // Read in place, the C-order array needs nothing more; the Fortran-order one needs its 1024-byte C-order copy.
    expect(parseNpy(c, 'c.npy', { maxTensorBytes: 1000 }).dims).toEqual([16, 16]);
    expect(caught(() => parseNpy(fortran, 'f.npy', { maxTensorBytes: 1000 }))).toBeInstanceOf(MemoryBudgetError);
    expect(parseNpy(fortran, 'f.npy', { maxTensorBytes: 1024 }).dims).toEqual([16, 16]);
  });

  it('check compares with a reference numpy saved in Fortran order (np.savez of a transposed array) as with the C-order one', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trt-node-fortran-'));
    try {
      const sr = path.join(__dirname, '..', 'fixtures', 'super_resolution');
      const ref = await readNpz(path.join(sr, 'reference_1x1x64x64.npz'));
      const [name] = Object.keys(ref);
      const t = ref[name];
      // The same values, stored column-major in an .npz (numpy: np.savez(f, output=np.asfortranarray(ref))).
      const c = t.data as Float32Array;
      const f = new Float32Array(c.length);
      const [n0, n1, n2, n3] = t.dims;
      for (let a = 0; a < n0; a++) for (let b = 0; b < n1; b++) for (let y = 0; y < n2; y++) for (let x = 0; x < n3; x++) {
        f[a + n0 * (b + n1 * (y + n2 * x))] = c[((a * n1 + b) * n2 + y) * n3 + x];
      }
      await writeNpz(path.join(dir, 'c.npz'), { [name]: t });
      fs.writeFileSync(path.join(dir, 'f.npz'), zipSync({ [`${name}.npy`]: fortranNpy('<f4', `(${t.dims.join(', ')})`, new Uint8Array(f.buffer)) }, { level: 0 }));
      const inputs = path.join(sr, 'inputs_1x1x64x64.npz');
      const model = path.join(sr, 'model.onnx');
      const fromC = await check(model, { samples: [{ inputs, reference: path.join(dir, 'c.npz') }], probe: false });
      const fromF = await check(model, { samples: [{ inputs, reference: path.join(dir, 'f.npz') }], probe: false });
      expect(fromF.pass).toBe(true);
      expect(fromF.runs[0]!.outputs[0]!.maxAbsError).toBe(fromC.runs[0]!.outputs[0]!.maxAbsError);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
