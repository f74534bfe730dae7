/**
 * Writes a file atomically: to a uniquely named temporary file in the same folder (so the rename stays on one file
 * system), flushed to disk, then renamed over the target. Readers never see a half-written engine plan, timing cache
 * or .npz, and a crash or a full disk leaves the old file intact and no temporary file behind.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { FileError, TrtNodeError } from '../errors';

function tempPathFor(file: string): string {
  const dir = path.dirname(path.resolve(file));
  return path.join(dir, `.${path.basename(file)}.${process.pid}.${crypto.randomBytes(6).toString('hex')}.tmp`);
}

/** Keep an existing target's permission bits (a plain write would keep them too); new files get the umask default. */
function modeOf(file: string): number | undefined {
  try {
    return fs.statSync(file).mode & 0o7777;
  } catch {
    return undefined;
  }
}

/** Best effort: makes the rename itself durable on Linux; not supported everywhere (Windows), so failures are ignored. */
function syncFolder(file: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(path.dirname(path.resolve(file)), 'r');
    fs.fsyncSync(fd);
  } catch {
    // ignored: the data itself was already flushed before the rename
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/**
 * What went wrong, in words that say what to do. Node's own text would name the hidden temporary file instead of
 * the file the user asked for ("EISDIR: illegal operation on a directory, rename '/x/.out.npz.123.tmp' -> 'out.npz'").
 */
function reason(file: string, err: unknown): string {
  const dir = path.dirname(path.resolve(file));
  switch ((err as NodeJS.ErrnoException).code) {
    case 'ENOENT':
      return `the folder ${dir} does not exist; create it first or choose another path`;
    case 'ENOTDIR':
    case 'EEXIST': // from mkdir -p: a file where a folder of the path should be
      return `part of the path ${dir} is a file, not a folder`;
    case 'EISDIR':
      return 'it is a folder; give the path of a file';
    case 'EACCES':
    case 'EPERM':
      return `permission denied: the folder ${dir} is not writable; choose a folder you can write to`;
    case 'EROFS':
      return `the folder ${dir} is on a read-only file system; choose another folder`;
    case 'ENOSPC':
    case 'EDQUOT':
      return 'no space left on the device (an existing file was left as it was)';
    default:
      return (err as Error).message;
  }
}

function failure(file: string, err: unknown): FileError {
  return new FileError(file, `cannot be written: ${reason(file, err)}`, { cause: err });
}

/** Whether two paths are the same file (also through symbolic or hard links, when both exist). */
function sameFile(a: string, b: string): boolean {
  if (path.resolve(a) === path.resolve(b)) return true;
  try {
    const sa = fs.statSync(a);
    const sb = fs.statSync(b);
    return sa.dev === sb.dev && sa.ino === sb.ino;
  } catch {
    return false;
  }
}

export interface CheckOutputOptions {
  /** Create the folder (and its parents) when missing, as for a default output folder. Default false. */
  createFolder?: boolean;
  /** Files this command reads (model, inputs, references...): writing over one of them is a usage error. */
  inputs?: readonly { file: string | undefined; option: string }[];
}

/**
 * Checks, before a command spends minutes computing what it will write, that `file` can be written: its folder
 * exists (or is created) and is writable, the path is not a folder, and it is not one of the command's own inputs
 * (`--save-outputs` onto `--reference` would silently replace the reference). Writing stays writeFileAtomic's job.
 * @throws FileError naming `file` and `option`; TrtNodeError 'ERR_TRT_NODE_USAGE' for an output onto an input.
 */
export async function checkOutputFile(file: string, option: string, options: CheckOutputOptions = {}): Promise<void> {
  const dir = path.dirname(path.resolve(file));
  const fail = (err: unknown) => new FileError(file, `cannot be written (${option}): ${reason(file, err)}`, { cause: err });
  try {
    if (options.createFolder) await fs.promises.mkdir(dir, { recursive: true });
    const st = await fs.promises.stat(dir);
    if (!st.isDirectory()) throw Object.assign(new Error(`${dir} is not a folder`), { code: 'ENOTDIR' });
    await fs.promises.access(dir, fs.constants.W_OK);
  } catch (err) {
    throw fail(err);
  }
  const target = await fs.promises.stat(file).catch(() => null);
  if (target?.isDirectory()) throw fail(Object.assign(new Error('is a folder'), { code: 'EISDIR' }));
  for (const input of options.inputs ?? []) {
    if (input.file !== undefined && sameFile(file, input.file)) {
      throw new TrtNodeError(
        'ERR_TRT_NODE_USAGE',
        `${option} ${file} is the same file as ${input.option} ${input.file}: writing it would replace that file. Give ${option} another path.`,
        { option, file },
      );
    }
  }
}

/**
 * Writes `data` to `file` atomically (temp file in the same folder, fsync, rename).
 * @throws FileError naming `file` when any step fails; the temporary file is removed.
 */
export async function writeFileAtomic(file: string, data: Uint8Array | string): Promise<void> {
  const tmp = tempPathFor(file);
  let handle: fs.promises.FileHandle | undefined;
  try {
    // 'wx': fail rather than clobber should the random name ever collide.
    handle = await fs.promises.open(tmp, 'wx', modeOf(file));
    await handle.writeFile(data);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await fs.promises.rename(tmp, file);
  } catch (err) {
    await handle?.close().catch(() => undefined);
    await fs.promises.rm(tmp, { force: true }).catch(() => undefined);
    throw failure(file, err);
  }
  syncFolder(file);
}

/** Synchronous twin of {@link writeFileAtomic}, for exit handlers and other places that cannot await. */
export function writeFileAtomicSync(file: string, data: Uint8Array | string): void {
  const tmp = tempPathFor(file);
  let fd: number | undefined;
  try {
    fd = fs.openSync(tmp, 'wx', modeOf(file));
    fs.writeFileSync(fd, data);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(tmp, file);
  } catch (err) {
    if (fd !== undefined) {
      try {
        fs.closeSync(fd);
      } catch {
        // already failing; the original error is the one worth reporting
      }
    }
    fs.rmSync(tmp, { force: true });
    throw failure(file, err);
  }
  syncFolder(file);
}
