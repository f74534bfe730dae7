/**
 * .npz safety against the fuzz report's crafted archives (../shared/reports/2026-11-29-fuzz.md): CRC-32 verified
 * (defect 4), names checked and the .npy header and sizes checked against the budget before anything is inflated
 * (7), only the arrays asked for inflated, traversal names refused on reading and writing (13), and raw bytes of
 * names escaped in messages (6).
 */
import * as fs from 'fs';
import * as path from 'path';
import { zipSync } from 'fflate';
import { MemoryBudgetError, NpyFormatError } from '../../lib/errors';
import { encodeNpy, parseNpy, readNpy } from '../../lib/tensor/npy';
import { encodeNpz, parseNpz, readNpz, writeNpz } from '../../lib/tensor/npz';
import { caught, caughtAsync, tempDir } from './helpers';
import { craftZip, deflatedNpy, npyHeader } from './zip-builder';

const REFERENCE = path.join(__dirname, '..', 'fixtures', 'super_resolution', 'reference_1x1x64x64.npz');
const small = (n = 4) => encodeNpy({ type: 'float32', dims: [n], data: Float32Array.from({ length: n }, (_, i) => i) });

describe('CRC-32 is verified (defect 4)', () => {
  it('a flipped bit in the middle of a stored reference: NpyFormatError "corrupt", not a silent wrong value', async () => {
    const bytes = new Uint8Array(fs.readFileSync(REFERENCE));
    expect(Object.keys(parseNpz(bytes, 'ok.npz'))).toEqual(['output']);
    bytes[bytes.length >> 1] ^= 0x40; // the fuzz report's reproducer
    const e = caught(() => parseNpz(bytes, 'flip.npz'));
    expect(e).toBeInstanceOf(NpyFormatError);
    expect(e.message).toMatch(/^flip\.npz: array 'output': is corrupt: its CRC-32 is 0x[0-9a-f]{8} but the archive records 0x[0-9a-f]{8}/);
  });

  it('a wrong CRC in the directory of a deflated entry', () => {
    const npy = small();
    const e = caught(() => parseNpz(craftZip([{ name: 'x.npy', data: npy, deflate: true, crc: 12345 }]), 'c.npz'));
    expect(e.message).toMatch(/array 'x': is corrupt: its CRC-32/);
  });
});

describe('sizes and budget are checked before inflating (defect 7)', () => {
  it('a declared 4 GiB float32 array in a few hundred bytes is refused by the budget without inflating, naming file, array and option', () => {
    const header = npyHeader('<f4', '(1073741760,)'); // the fuzz report's bomb_4g.npz
    const size = header.length + 4 * 1073741760;
    const zip = craftZip([{ name: 'x.npy', data: header, compressed: deflatedNpy(header, 1024), size, crc: 0 }]);
    expect(zip.length).toBeLessThan(1000);
    const e = caught(() => parseNpz(zip, 'bomb_4g.npz'));
    expect(e).toBeInstanceOf(MemoryBudgetError);
    expect(e.code).toBe('ERR_TRT_NODE_MEMORY_BUDGET');
    expect(e.message).toMatch(
      /^bomb_4g\.npz: array 'x' \(shape \(1073741760,\) of float32, dtype '<f4'\) needs 4\.0 GiB, which with the .* already held is more than the memory budget of .* maxTensorBytes \(CLI: --max-tensor-bytes\)$/,
    );
    expect(e.details).toMatchObject({ file: 'bomb_4g.npz', array: 'x', bytes: size });
  });

  it('a real bomb (64 MiB of zeros in 64 KiB) within the sizes it declares, with a smaller budget: refused before inflating', () => {
    const header = npyHeader('<f4', '(16777216,)');
    const compressed = deflatedNpy(header, 64 << 20);
    expect(compressed.length).toBeLessThan(100 << 10);
    const zip = craftZip([{ name: 'x.npy', data: header, compressed, size: header.length + (64 << 20), crc: 0 }]);
    expect(caught(() => parseNpz(zip, 'b.npz', { maxTensorBytes: 16 << 20 }))).toBeInstanceOf(MemoryBudgetError);
  });

  it('a stream that inflates to more than it declares stops at once (lying sizes)', () => {
    const header = npyHeader('<f4', '(4,)');
    const compressed = deflatedNpy(header, 64 << 20); // 64 MiB of zeros behind a 16-byte array
    const zip = craftZip([{ name: 'x.npy', data: header, compressed, size: header.length + 16, crc: 0 }]);
    const e = caught(() => parseNpz(zip, 'lie.npz'));
    expect(e).toBeInstanceOf(NpyFormatError);
    expect(e.message).toMatch(/array 'x': is not a valid \.npz entry: it inflates to more than the 144 bytes it declares/);
  });

  it('a header that disagrees with the declared size, a stored entry whose sizes differ, an entry past the end', () => {
    const npy = small();
    let e = caught(() => parseNpz(craftZip([{ name: 'x.npy', data: npy, size: npy.length + 8 }]), 'a.npz'));
    expect(e.message).toMatch(/array 'x': is not a valid \.npz entry: it is stored uncompressed but declares/);
    e = caught(() => parseNpz(craftZip([{ name: 'x.npy', data: npy, deflate: true, size: npy.length - 4 }]), 'b.npz'));
    expect(e.message).toMatch(/array 'x': is truncated: its \.npy header describes 144 bytes \(shape \(4,\) of float32\) but the zip entry holds 140/);
    e = caught(() => parseNpz(craftZip([{ name: 'x.npy', data: npy, deflate: true, size: npy.length + 4 }]), 'c.npz'));
    expect(e.message).toMatch(/has 4 unexpected bytes after the data/);
    const zip = craftZip([{ name: 'x.npy', data: npy }]);
    new DataView(zip.buffer).setUint32(zip.length - 22 - (46 + 5) + 20, 1e6, true); // compressed size in the directory
    new DataView(zip.buffer).setUint32(zip.length - 22 - (46 + 5) + 24, 1e6, true);
    expect(caught(() => parseNpz(zip, 'd.npz')).message).toMatch(/past the end of the archive's data/);
  });

  it('beforeRead sees name, dtype and dims from the header and can refuse before the data is touched', () => {
    const header = npyHeader('<f4', '(1073741760,)');
    const zip = craftZip([
      { name: 'x.npy', data: header, compressed: deflatedNpy(header, 16), size: header.length + 4 * 1073741760, crc: 0 },
    ]);
    const seen: unknown[] = [];
    expect(() =>
      parseNpz(zip, 'bomb.npz', {
        beforeRead: (array, info) => {
          seen.push({ array, ...info });
          throw new Error(`input '${array}' has rank 4 but the array has rank ${info.dims.length}`);
        },
      }),
    ).toThrow("input 'x' has rank 4 but the array has rank 1");
    expect(seen).toEqual([{ array: 'x', type: 'float32', dims: [1073741760] }]);
  });

  it('the budget counts the archive and every array read, and readNpz refuses a file larger than it before reading', async () => {
    const zip = encodeNpz({ a: { type: 'float32', dims: [1000], data: new Float32Array(1000) }, b: { type: 'float32', dims: [1000], data: new Float32Array(1000) } }, { compress: true });
    const arrayBytes = 128 + 4000; // header and data of each deflated entry, inflated
    expect(Object.keys(parseNpz(zip, 'z.npz', { maxTensorBytes: zip.length + 2 * arrayBytes }))).toEqual(['a', 'b']);
    const e = caught(() => parseNpz(zip, 'z.npz', { maxTensorBytes: zip.length + 2 * arrayBytes - 1 }));
    expect(e.message).toMatch(/array 'b' .* needs 4\.0 KiB, which with the .* already held is more than the memory budget/);
    const dir = tempDir();
    const file = path.join(dir, 'z.npz');
    fs.writeFileSync(file, zip);
    expect((await caughtAsync(() => readNpz(file, { maxTensorBytes: 100 }))).code).toBe('ERR_TRT_NODE_MEMORY_BUDGET');
    fs.writeFileSync(path.join(dir, 'big.npy'), encodeNpy({ type: 'uint8', dims: [5000], data: new Uint8Array(5000) }));
    expect((await caughtAsync(() => readNpy(path.join(dir, 'big.npy'), { maxTensorBytes: 1000 }))).message).toMatch(/big\.npy needs .* memory budget of 1000 B/);
    fs.rmSync(dir, { recursive: true });
  });
});

describe('only the arrays asked for are inflated', () => {
  it('names: a corrupt entry not asked for is neither inflated nor decoded', () => {
    const good = small();
    const zip = craftZip([
      { name: 'good.npy', data: good, deflate: true },
      { name: 'bad.npy', data: good, deflate: true, crc: 1 },
    ]);
    expect(caught(() => parseNpz(zip, 'm.npz')).message).toMatch(/array 'bad': is corrupt/);
    const only = parseNpz(zip, 'm.npz', { names: ['good', 'absent'] });
    expect(Object.keys(only)).toEqual(['good']);
    expect(only.good.data).toEqual(Float32Array.of(0, 1, 2, 3));
  });
});

describe('entry names (defect 13, and 6 for their bytes in messages)', () => {
  it.each([
    ['../evil.npy', /entry '\.\.\/evil\.npy' is not an array name \(it has a '\.\.', '\.' or empty path segment\)/],
    ['a/../../b.npy', /'\.\.'/],
    ['/etc/x.npy', /it is an absolute path/],
    ['C:x.npy', /it is an absolute path/],
    ['a\\b.npy', /it contains a backslash/],
    ['x\u0000y.npy', /entry 'x\\x00y\.npy' .*it contains a NUL character/],
  ])('the reader refuses %j by name', (name, message) => {
    const e = caught(() => parseNpz(craftZip([{ name, data: small() }]), 't.npz'));
    expect(e).toBeInstanceOf(NpyFormatError);
    expect(e.message).toMatch(message);
  });

  it("a name with '/' inside (numpy keys may have one) reads; one that is raw control bytes is escaped in the message", () => {
    expect(Object.keys(parseNpz(zipSync({ 'model/out.npy': small() }), 'ok.npz'))).toEqual(['model/out']);
    const e = caught(() => parseNpz(craftZip([{ name: 'PK\x05\x06\x1b[2J', data: small() }]), 'bad_name.npz'));
    expect(e.message).toContain("entry 'PK\\x05\\x06\\x1b[2J' is not a .npy array");
    expect(e.message).not.toMatch(/[\x00-\x1f]/);
  });

  it('encodeNpz / writeNpz refuse output names that would climb out of a folder; nothing is written', async () => {
    const t = { type: 'float32' as const, dims: [1], data: Float32Array.of(1) };
    for (const name of ['../../evil', '/abs', 'a\0b', 'a\\b', 'x/./y', '']) {
      const e = caught(() => encodeNpz({ [name]: t }));
      expect(e.code).toBe('ERR_TRT_NODE_INVALID_VALUE');
      expect(e.message).toMatch(/tensor name in npz/);
    }
    expect(caught(() => encodeNpz({ '../../evil': t }, {}, 'out.npz')).message).toMatch(/the zip entry '\.\.\/\.\.\/evil\.npy'/);
    const dir = tempDir();
    await expect(writeNpz(path.join(dir, 'o.npz'), { '../../evil': t })).rejects.toMatchObject({ code: 'ERR_TRT_NODE_INVALID_VALUE' });
    expect(fs.readdirSync(dir)).toEqual([]);
    expect(Object.keys(parseNpz(encodeNpz({ 'model/out': t }), 'x'))).toEqual(['model/out']);
    fs.rmSync(dir, { recursive: true });
  });

  it("a descr with a NUL is named escaped: '<f4\\x00'", () => {
    const bytes = Buffer.concat([npyHeader('<f4\\x00', '(1,)'), Buffer.alloc(4)]);
    const e = caught(() => parseNpy(bytes, 'nul.npy'));
    expect(e.message).toContain("has dtype '<f4\\x00'");
    expect(e.message).not.toMatch(/\x00/);
  });
});

describe('BAD CALL: wrong arguments are TrtNodeErrors naming the parameter (defect 9)', () => {
  it.each([
    ['parseNpz(null)', () => parseNpz(null as never, 'x'), 'ERR_TRT_NODE_INVALID_TYPE', /Uint8Array .* for bytes but received null/],
    ['parseNpy(null)', () => parseNpy(null as never, 'x'), 'ERR_TRT_NODE_INVALID_TYPE', /for bytes but received null/],
    ['parseNpz options null', () => parseNpz(new Uint8Array(1), 'x', null as never), 'ERR_TRT_NODE_INVALID_TYPE', /for options/],
    ['parseNpz names "a"', () => parseNpz(new Uint8Array(1), 'x', { names: 'a' as never }), 'ERR_TRT_NODE_INVALID_TYPE', /options\.names/],
    ['parseNpz budget NaN', () => parseNpz(new Uint8Array(1), 'x', { maxTensorBytes: NaN }), 'ERR_TRT_NODE_INVALID_VALUE', /options\.maxTensorBytes/],
    ['encodeNpz(null)', () => encodeNpz(null as never), 'ERR_TRT_NODE_INVALID_TYPE', /tensors for npz/],
  ])('%s', (_label, call, code, message) => {
    const e = caught(call);
    expect(e.code).toBe(code);
    expect(e.message).toMatch(message);
  });

  it('readNpz(42), readNpy(undefined)', async () => {
    expect((await caughtAsync(() => readNpz(42 as never))).code).toBe('ERR_TRT_NODE_INVALID_TYPE');
    expect((await caughtAsync(() => readNpy(undefined as never))).code).toBe('ERR_TRT_NODE_INVALID_TYPE');
  });
});
