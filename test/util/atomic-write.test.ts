/**
 * writeFileAtomic / writeFileAtomicSync: the target holds either the old or the new content, never a mix; failures
 * are FileErrors naming the path and leave no temporary file behind.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FileError } from '../../lib/errors';
import { checkOutputFile, writeFileAtomic, writeFileAtomicSync } from '../../lib/io/atomic-write';

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
    // Says what is wrong in words, not Node's text about the hidden temporary file ("EISDIR ... rename '.out.npz.123.tmp'").
    await expect(write(target, 'data')).rejects.toThrow(/out\.npz: cannot be written: it is a folder; give the path of a file$/);
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

describe('checkOutputFile: before a command runs, its output can be written and is not one of its inputs', () => {
  it('accepts a new or existing file in an existing folder, and writes nothing', async () => {
    await checkOutputFile(path.join(dir, 'new.npz'), '--save-outputs');
    fs.writeFileSync(path.join(dir, 'old.npz'), 'old');
    await checkOutputFile(path.join(dir, 'old.npz'), '--save-outputs');
    expect(fs.readdirSync(dir)).toEqual(['old.npz']);
    expect(fs.readFileSync(path.join(dir, 'old.npz'), 'utf8')).toBe('old');
  });

  it('a missing folder, a file in the path, a folder as target: FileError naming the file and the option', async () => {
    const missing = path.join(dir, 'no', 'out.json');
    await expect(checkOutputFile(missing, '--json')).rejects.toMatchObject({ code: 'ERR_TRT_NODE_FILE', details: { file: missing } });
    await expect(checkOutputFile(missing, '--json')).rejects.toThrow(/cannot be written \(--json\): the folder .*no does not exist/);
    fs.writeFileSync(path.join(dir, 'afile'), '');
    const through = path.join(dir, 'afile', 'out.json');
    await expect(checkOutputFile(through, '--json')).rejects.toThrow(/\(--json\): part of the path .*afile is a file, not a folder/);
    await expect(checkOutputFile(through, '--json', { createFolder: true })).rejects.toThrow(/part of the path .* is a file, not a folder/);
    fs.mkdirSync(path.join(dir, 'folder'));
    await expect(checkOutputFile(path.join(dir, 'folder'), '--report')).rejects.toThrow(/\(--report\): it is a folder/);
  });

  it('createFolder makes the missing folders', async () => {
    const file = path.join(dir, 'a', 'b', 'bench.json');
    await checkOutputFile(file, '--json', { createFolder: true });
    expect(fs.statSync(path.dirname(file)).isDirectory()).toBe(true);
    expect(fs.existsSync(file)).toBe(false);
  });

  it('an output that is one of the inputs (also through a symbolic link) is a usage error', async () => {
    const reference = path.join(dir, 'reference.npz');
    fs.writeFileSync(reference, 'ref');
    fs.symlinkSync(reference, path.join(dir, 'link.npz'));
    const inputs = [{ file: undefined, option: '--inputs' }, { file: reference, option: '--reference' }];
    for (const out of [reference, path.join(dir, '.', 'reference.npz'), path.join(dir, 'link.npz')]) {
      await expect(checkOutputFile(out, '--save-outputs', { inputs })).rejects.toMatchObject({ code: 'ERR_TRT_NODE_USAGE' });
    }
    await expect(checkOutputFile(reference, '--save-outputs', { inputs })).rejects.toThrow(/--save-outputs .* is the same file as --reference/);
    await checkOutputFile(path.join(dir, 'outputs.npz'), '--save-outputs', { inputs });
    expect(fs.readFileSync(reference, 'utf8')).toBe('ref');
  });
});

describe('outputs are regular files or refused (fuzz report defect 1): a FIFO, device node or symbolic link is never replaced', () => {
  const isRoot = process.getuid?.() === 0;

  /** Special files made in the test folder (a device node needs root; the fuzz run made /dev/full's twin). */
  function specials(): { file: string; kind: RegExp; check: (file: string) => void }[] {
    const out: { file: string; kind: RegExp; check: (file: string) => void }[] = [];
    const fifo = path.join(dir, 'fifo.npz');
    execFileSync('mkfifo', [fifo]);
    out.push({ file: fifo, kind: /it is a named pipe \(FIFO\)/, check: (f) => expect(fs.lstatSync(f).isFIFO()).toBe(true) });
    const stdoutLink = path.join(dir, 'stdout.npz');
    fs.symlinkSync('/proc/self/fd/1', stdoutLink);
    out.push({ file: stdoutLink, kind: /it is a symbolic link \(to \/proc\/self\/fd\/1\)/, check: (f) => expect(fs.readlinkSync(f)).toBe('/proc/self/fd/1') });
    const regular = path.join(dir, 'real.html');
    fs.writeFileSync(regular, 'keep');
    const link = path.join(dir, 'link.html');
    fs.symlinkSync(regular, link);
    out.push({ file: link, kind: /it is a symbolic link \(to .*real\.html\)/, check: (f) => expect(fs.readFileSync(fs.realpathSync(f), 'utf8')).toBe('keep') });
    if (isRoot) {
      const dev = path.join(dir, 'full.html');
      execFileSync('mknod', [dev, 'c', '1', '7']);
      out.push({ file: dev, kind: /it is a character device/, check: (f) => expect(fs.lstatSync(f).isCharacterDevice()).toBe(true) });
    }
    return out;
  }

  if (!isRoot) it.todo('a character device (mknod needs root; the FIFO and links are tested here)');

  it.each(variants)('%s refuses them with a FileError saying what to do, and leaves them and no temporary file', async (_name, write) => {
    for (const { file, kind, check } of specials()) {
      const err = await write(file, 'data').then(
        () => undefined,
        (e: unknown) => e as FileError,
      );
      expect(err).toBeInstanceOf(FileError);
      expect(err!.message).toMatch(kind);
      expect(err!.message).toMatch(/trt-node writes only regular files .*: give the path of a file$/);
      check(file);
    }
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('checkOutputFile refuses them up front, naming the option', async () => {
    for (const { file, kind, check } of specials()) {
      await expect(checkOutputFile(file, '--save-outputs')).rejects.toThrow(new RegExp(`cannot be written \\(--save-outputs\\): ${kind.source}`));
      check(file);
    }
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('an output that is an input by inode (a hard link) is refused, as by path', async () => {
    const model = path.join(dir, 'model.onnx');
    fs.writeFileSync(model, 'model');
    fs.linkSync(model, path.join(dir, 'hard.npz'));
    await expect(checkOutputFile(path.join(dir, 'hard.npz'), 'saveOutputs', { inputs: [{ file: model, option: 'the model' }] })).rejects.toThrow(
      /saveOutputs .*hard\.npz is the same file as the model .*model\.onnx/,
    );
    expect(fs.readFileSync(model, 'utf8')).toBe('model');
  });

  it('a folder that exists but takes no new files (/proc) is said so, before the work (fuzz report defect 12)', async () => {
    if (!fs.existsSync('/proc/self')) return;
    const err = await checkOutputFile('/proc/x.npz', '--save-outputs').then(
      () => undefined,
      (e: unknown) => e as FileError,
    );
    expect(err).toBeInstanceOf(FileError);
    expect(err!.message).toMatch(/^\/proc\/x\.npz: cannot be written \(--save-outputs\): (no file can be created in the folder \/proc|permission denied)/);
    expect(err!.message).not.toMatch(/does not exist/);
    await expect(writeFileAtomic('/proc/x.npz', 'x')).rejects.toThrow(/no file can be created in the folder \/proc|permission denied/);
  });
});
