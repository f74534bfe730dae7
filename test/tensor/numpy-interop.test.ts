/**
 * Checks against numpy itself, when `python3 -c "import numpy"` works here (skipped, with the reason printed,
 * otherwise): numpy loads what we write (and would write the very same bytes), we read what numpy loads, including
 * format versions 2.0/3.0 and big-endian files numpy writes on request.
 */
import * as fs from 'fs';
import * as path from 'path';
import { DESCR } from '../../lib/tensor/npy-header';
import { parseNpy, readNpy, writeNpy } from '../../lib/tensor/npy';
import { readNpz, writeNpz } from '../../lib/tensor/npz';
import { NUMERIC_TENSOR_TYPES, NamedTensors, NumericTensorType, TensorLike } from '../../lib/tensor/types';
import { NUMPY_ARRAYS, NUMPY_DIR, bytesOf, fixture, prng, runPython, tempDir, numpyUnavailableReason } from './helpers';

const unavailable = numpyUnavailableReason();
if (unavailable) console.log(`numpy interop tests skipped: ${unavailable}`);
const itNumpy = unavailable ? it.skip : it;

/** What numpy says about an array: little-endian descr, shape, and its data as little-endian hex. */
interface NumpyView {
  descr: string;
  shape: number[];
  hex: string;
}

const PY_PRELUDE = `
import io, json, sys
import numpy as np
def view(a):
    le = a.astype(a.dtype.newbyteorder('<'), order='C')
    return {'descr': le.dtype.str, 'shape': list(a.shape), 'hex': le.tobytes().hex()}
`;

function ourView(t: TensorLike): NumpyView {
  return { descr: DESCR[t.type as NumericTensorType], shape: [...t.dims], hex: Buffer.from(bytesOf(t.data)).toString('hex') };
}

function randomTensor(type: NumericTensorType, dims: number[], seed: number): TensorLike {
  const r = prng(seed);
  const count = dims.reduce((a, b) => a * b, 1);
  const size = { float32: 4, float16: 2, float64: 8, int64: 8, int32: 4, int16: 2, int8: 1, uint64: 8, uint32: 4, uint16: 2, uint8: 1, bool: 1 }[type];
  const bytes = new Uint8Array(count * size);
  // any bit pattern: NaNs with payloads, subnormals, extremes (bool: 0 or 1)
  for (let i = 0; i < bytes.length; i++) bytes[i] = type === 'bool' ? Math.floor(r() * 2) : Math.floor(r() * 256);
  const data = {
    float32: () => new Float32Array(bytes.buffer),
    float16: () => new Uint16Array(bytes.buffer),
    float64: () => new Float64Array(bytes.buffer),
    int64: () => new BigInt64Array(bytes.buffer),
    int32: () => new Int32Array(bytes.buffer),
    int16: () => new Int16Array(bytes.buffer),
    uint64: () => new BigUint64Array(bytes.buffer),
    uint32: () => new Uint32Array(bytes.buffer),
    uint16: () => new Uint16Array(bytes.buffer),
    int8: () => new Int8Array(bytes.buffer),
    uint8: () => bytes,
    bool: () => bytes,
  }[type]();
  return { type, dims, data };
}

describe('numpy reads what trt-node writes', () => {
  itNumpy('every dtype and shape as .npy: numpy.load gives the same array, and numpy.save the same bytes', async () => {
    const dir = tempDir();
    const expected: Record<string, NumpyView> = {};
    let seed = 1;
    for (const type of NUMERIC_TENSOR_TYPES) {
      for (const dims of [[5], [2, 3, 4], [], [0, 3], [1, 1, 7]]) {
        const name = `${type}_${dims.join('x') || 'scalar'}.npy`;
        const t = randomTensor(type, dims, seed++);
        await writeNpy(path.join(dir, name), t);
        expected[name] = ourView(t);
      }
    }
    const script = `${PY_PRELUDE}
out = {}
for path in sys.argv[1:]:
    a = np.load(path, allow_pickle=False)
    buf = io.BytesIO(); np.save(buf, a)
    with open(path, 'rb') as f: same = f.read() == buf.getvalue()
    out[path.split('/')[-1]] = dict(view(a), sameBytes=same)
print(json.dumps(out))`;
    const got = runPython<Record<string, NumpyView & { sameBytes: boolean }>>(script, Object.keys(expected).map((n) => path.join(dir, n)));
    for (const [name, view] of Object.entries(expected)) {
      expect({ name, ...got[name] }).toEqual({ name, ...view, sameBytes: true });
    }
    fs.rmSync(dir, { recursive: true });
  });

  itNumpy('.npz, stored and compressed: numpy.load lists the same keys in order with the same arrays', async () => {
    const dir = tempDir();
    const tensors: NamedTensors = {};
    NUMERIC_TENSOR_TYPES.forEach((type, i) => (tensors[`t_${type}`] = randomTensor(type, [3, i + 1], 100 + i)));
    tensors['arr with spaces'] = randomTensor('float32', [], 7);
    await writeNpz(path.join(dir, 'stored.npz'), tensors);
    await writeNpz(path.join(dir, 'compressed.npz'), tensors, { compress: true });
    const script = `${PY_PRELUDE}
out = {}
for path in sys.argv[1:]:
    with np.load(path, allow_pickle=False) as z:
        out[path.split('/')[-1]] = {'keys': list(z.files), 'arrays': {k: view(z[k]) for k in z.files}}
print(json.dumps(out))`;
    const got = runPython<Record<string, { keys: string[]; arrays: Record<string, NumpyView> }>>(script, [
      path.join(dir, 'stored.npz'),
      path.join(dir, 'compressed.npz'),
    ]);
    for (const file of ['stored.npz', 'compressed.npz']) {
      expect(got[file].keys).toEqual(Object.keys(tensors));
      for (const [key, t] of Object.entries(tensors)) expect({ file, key, ...got[file].arrays[key] }).toEqual({ file, key, ...ourView(t) });
    }
    fs.rmSync(dir, { recursive: true });
  });
});

describe('trt-node reads what numpy loads', () => {
  itNumpy('every readable fixture and .npz entry equals numpy.load of it', async () => {
    const npys = Object.keys(NUMPY_ARRAYS).map((n) => `${n}.npy`);
    const npzs = ['savez.npz', 'savez_compressed.npz', 'positional.npz'];
    const script = `${PY_PRELUDE}
out = {}
for path in sys.argv[1:]:
    name = path.split('/')[-1]
    if name.endswith('.npz'):
        with np.load(path) as z: out[name] = {k: view(z[k]) for k in z.files}
    else:
        out[name] = view(np.load(path))
print(json.dumps(out))`;
    const got = runPython<Record<string, NumpyView | Record<string, NumpyView>>>(script, [...npys, ...npzs].map((n) => path.join(NUMPY_DIR, n)));
    for (const name of npys) expect({ name, ...ourView(await readNpy(fixture(name))) }).toEqual({ name, ...got[name] });
    for (const name of npzs) {
      const z = await readNpz(fixture(name));
      const views = Object.fromEntries(Object.entries(z).map(([k, t]) => [k, ourView(t)]));
      expect({ name, views }).toEqual({ name, views: got[name] });
    }
  });

  itNumpy('format versions 2.0 and 3.0 and big-endian files, as numpy writes them', () => {
    const dir = tempDir();
    const script = `${PY_PRELUDE}
from numpy.lib import format as fmt
rng = np.random.default_rng(11)
out = {}
arrays = {
    'f4': rng.standard_normal((3, 4)).astype(np.float32),
    'f2': rng.standard_normal((5,)).astype(np.float16),
    'f8': rng.standard_normal((2, 2)),
    'i8': rng.integers(-(2**62), 2**62, size=(4,), dtype=np.int64),
    'i4': rng.integers(-(2**31), 2**31 - 1, size=(2, 3), dtype=np.int32),
    'b1': rng.random((6,)) > 0.5,
    'i2': rng.integers(-(2**15), 2**15 - 1, size=(3,), dtype=np.int16),
    'u2': rng.integers(0, 2**16 - 1, size=(2, 2), dtype=np.uint16),
    'u4': rng.integers(0, 2**32 - 1, size=(3,), dtype=np.uint32),
    'u8': rng.integers(0, 2**64 - 1, size=(2,), dtype=np.uint64),
}
for key, a in arrays.items():
    for version in [(1, 0), (2, 0), (3, 0)]:
        name = '%s_v%d.npy' % (key, version[0])
        with open(sys.argv[1] + '/' + name, 'wb') as f:
            fmt.write_array(f, a, version=version)
        out[name] = view(a)
    if a.dtype.itemsize > 1:
        name = '%s_big.npy' % key
        np.save(sys.argv[1] + '/' + name, a.astype(a.dtype.newbyteorder('>')))
        out[name] = view(a)
print(json.dumps(out))`;
    const got = runPython<Record<string, NumpyView>>(script, [dir]);
    expect(Object.keys(got)).toHaveLength(10 * 3 + 9);
    for (const [name, view] of Object.entries(got)) {
      const bytes = new Uint8Array(fs.readFileSync(path.join(dir, name)));
      if (name.includes('_v')) expect(bytes[6]).toBe(Number(name.slice(-5, -4))); // the version numpy wrote
      expect({ name, ...ourView(parseNpy(bytes, name)) }).toEqual({ name, ...view });
    }
    fs.rmSync(dir, { recursive: true });
  });

  itNumpy("string arrays: numpy's '<U' (either byte order) and '|S' read as string tensors; ours load in numpy, same bytes as np.save", async () => {
    const dir = tempDir();
    const script = `${PY_PRELUDE}
d = sys.argv[1]
words = np.array([['cat', 'naïve', ''], ['名前', '🙂 x', 'tab\\t']])
np.save(d + '/u.npy', words)
np.save(d + '/u_big.npy', words.astype(words.dtype.newbyteorder('>')))
np.save(d + '/s.npy', np.array([b'ab', b'', b'xyz\\x00']))
np.savez_compressed(d + '/strings.npz', words=words, ids=np.arange(3))
print(json.dumps({'u': words.tolist(), 's': ['ab', '', 'xyz']}))`;
    const got = runPython<{ u: string[][]; s: string[] }>(script, [dir]);
    const u = await readNpy(path.join(dir, 'u.npy'));
    expect(u).toEqual({ type: 'string', dims: [2, 3], data: got.u.flat() });
    expect(await readNpy(path.join(dir, 'u_big.npy'))).toEqual(u);
    expect(await readNpy(path.join(dir, 's.npy'))).toEqual({ type: 'string', dims: [3], data: got.s });
    const z = await readNpz(path.join(dir, 'strings.npz'));
    expect(z.words).toEqual(u);
    // Ours, read by numpy: the same strings, and byte for byte what np.save writes for them.
    await writeNpy(path.join(dir, 'ours.npy'), u);
    const back = runPython<{ list: string[][]; same: boolean }>(
      `${PY_PRELUDE}
a = np.load(sys.argv[1], allow_pickle=False)
buf = io.BytesIO(); np.save(buf, a)
print(json.dumps({'list': a.tolist(), 'same': open(sys.argv[1], 'rb').read() == buf.getvalue()}))`,
      [path.join(dir, 'ours.npy')],
    );
    expect(back).toEqual({ list: got.u, same: true });
    fs.rmSync(dir, { recursive: true });
  });
});
