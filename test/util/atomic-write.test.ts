/**
 * writeFileAtomic / writeFileAtomicSync: the target holds either the old or the new content, never a mix; failures
 * are FileErrors naming the path and leave no temporary file behind.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FileError } from '../../lib/errors';
import { writeFileAtomic, writeFileAtomicSync } from '../../lib/util/atomic-write';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trt-node-atomic-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const variants: [string, (file: string, data: Uint8Array | string) => Promise<void>][] = [
  ['writeFileAtomic', writeFileAtomic],
  ['writeFileAtomicSync', async (file, data) => writeFileAtomicSync(file, data)],
];

describe.each(variants)('%s', (_name, write) => {
  it('creates, then replaces, a file; keeps its permission bits; leaves no temporary file', async () => {
    const file = path.join(dir, 'plan.engine');
    await write(file, Uint8Array.of(1, 2, 3));
    expect([...fs.readFileSync(file)]).toEqual([1, 2, 3]);
    fs.chmodSync(file, 0o600);
    await write(file, 'replaced');
    expect(fs.readFileSync(file, 'utf8')).toBe('replaced');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(dir)).toEqual(['plan.engine']);
  });

  it('a missing folder: FileError naming the path', async () => {
    const file = path.join(dir, 'no', 'such', 'x.bin');
    const err = await write(file, 'x').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(FileError);
    expect((err as FileError).code).toBe('ERR_TRT_NODE_FILE');
    expect((err as FileError).message).toContain(file);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('a folder in the way: FileError, the folder untouched, the temporary file removed', async () => {
    const target = path.join(dir, 'out.npz');
    fs.mkdirSync(target);
    fs.writeFileSync(path.join(target, 'keep'), 'k');
    await expect(write(target, 'data')).rejects.toMatchObject({ code: 'ERR_TRT_NODE_FILE', details: { file: target } });
    expect(fs.readdirSync(dir)).toEqual(['out.npz']);
    expect(fs.readdirSync(target)).toEqual(['keep']);
  });
});

it('concurrent writers: the file ends up holding one complete payload', async () => {
  const file = path.join(dir, 'cache.bin');
  const payloads = Array.from({ length: 8 }, (_, i) => new Uint8Array(1 << 16).fill(i + 1));
  await Promise.all(payloads.map((p) => writeFileAtomic(file, p)));
  const got = fs.readFileSync(file);
  expect(got.length).toBe(1 << 16);
  expect(got.every((b) => b === got[0])).toBe(true);
  expect(fs.readdirSync(dir)).toEqual(['cache.bin']);
});
