/**
 * Writes a file atomically: to a uniquely named temporary file in the same folder (so the rename stays on one file
 * system), flushed to disk, then renamed over the target. Readers never see a half-written engine plan, timing cache
 * or .npz, and a crash or a full disk leaves the old file intact and no temporary file behind.
 *
 * Outputs are regular files, or refused: a rename replaces whatever the path names, so renaming over `/dev/null`
 * (as root), a FIFO or a symbolic link would destroy it instead of writing to it. Every writer checks the target's
 * kind with lstat before it starts, and again just before the rename. (Between that last check and the rename another
 * process could still swap the path; only a process that can already write that folder can.)
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { FileError, InvalidTypeError, TrtNodeError } from '../errors';
import * as v from '../validate';
import { forTerminal } from '../util/terminal';

/**
 * Temporary files of writes in progress. A process that ends mid-write by process.exit, or by the CLI's second
 * Ctrl-C (which ends it by the signal, at once), removes them first: the target keeps its old content (or stays
 * absent), and no `.name.<pid>.<hex>.tmp` is left beside it (a plan-sized one, for an engine).
 */
const inProgress = new Set<string>();
let exitHooked = false;

/** Removes the temporary files of writes still in progress (synchronous: for exit paths). */
export function removeTemporaryFiles(): void {
  for (const tmp of inProgress) {
    try {
      fs.rmSync(tmp, { force: true });
    } catch {
      // best effort: the process is ending
    }
  }
  inProgress.clear();
}

function tempPathFor(file: string): string {
  const dir = path.dirname(path.resolve(file));
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${crypto.randomBytes(6).toString('hex')}.tmp`);
  if (!exitHooked) {
    exitHooked = true;
    process.on('exit', removeTemporaryFiles);
  }
  inProgress.add(tmp);
  return tmp;
}

/** The temporary file is gone (renamed over the target, or removed). */
function settled(tmp: string): void {
  inProgress.delete(tmp);
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

/** What a non-regular file is, in words; undefined for a regular file. */
function kindOf(st: fs.Stats): string | undefined {
  if (st.isFile()) return undefined;
  if (st.isDirectory()) return 'a folder';
  if (st.isSymbolicLink()) return 'a symbolic link';
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** Thrown (and mapped by reason()) when the target exists and is not a regular file. */
class NotRegularFile extends Error {
  constructor(readonly kind: string, readonly linkTarget?: string) {
    super(kind);
  }
}

/**
 * Refuses an existing target that is not a regular file. A symbolic link is refused even when it points to a regular
 * file: the rename would replace the link itself, not update the file it points to, and a link planted in an output
 * folder must not redirect what trt-node writes. The user gives the real path instead.
 */
function refuseNonRegular(st: fs.Stats | null, linkTarget?: () => string | undefined): void {
  if (st === null) return;
  const kind = kindOf(st);
  if (kind === undefined) return;
  if (kind === 'a folder') throw Object.assign(new Error('is a folder'), { code: 'EISDIR' });
  throw new NotRegularFile(kind, st.isSymbolicLink() ? linkTarget?.() : undefined);
}

function lstatOrNull(file: string): fs.Stats | null {
  try {
    return fs.lstatSync(file);
  } catch {
    return null;
  }
}

function readLinkOrUndefined(file: string): string | undefined {
  try {
    return fs.readlinkSync(file);
  } catch {
    return undefined;
  }
}

function folderExists(dir: string): boolean {
  try {
    return fs.statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

/**
 * What went wrong, in words that say what to do. Node's own text would name the hidden temporary file instead of
 * the file the user asked for ("EISDIR: illegal operation on a directory, rename '/x/.out.npz.123.tmp' -> 'out.npz'").
 */
function reason(file: string, err: unknown): string {
  const dir = path.dirname(path.resolve(file));
  if (err instanceof NotRegularFile) {
    const link = err.linkTarget !== undefined ? ` (to ${forTerminal(err.linkTarget)})` : '';
    return `it is ${err.kind}${link}; trt-node writes only regular files (it replaces them whole, which would destroy ${err.kind === 'a symbolic link' ? 'the link' : 'it'}): give the path of a file`;
  }
  switch ((err as NodeJS.ErrnoException).code) {
    case 'ENOENT':
      // The folder may exist yet refuse new files (/proc, /sys): say which.
      return folderExists(dir)
        ? `no file can be created in the folder ${dir} (a virtual file system such as /proc or /sys?); choose another folder`
        : `the folder ${dir} does not exist; create it first or choose another path`;
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
 * The one guard every writer calls before it spends minutes computing what it will write (library and CLI alike):
 * `file` can be written — its folder exists (or is created) and accepts a new file (a probe file is created and
 * removed, so /proc or a read-only mount is caught now, not after the run) — and `file` is not one of the command's
 * own inputs (the same file by device and inode: through symbolic and hard links too; `--save-outputs` onto
 * `--reference` would silently replace the reference), nor anything but a regular file (a folder, FIFO, device
 * node, socket or symbolic link). Writing stays writeFileAtomic's job, which checks the kind again.
 * @param option names the output in messages: a CLI option ('--save-outputs') or a library option ('saveOutputs').
 * @throws FileError naming `file` and `option`; TrtNodeError 'ERR_TRT_NODE_USAGE' for an output onto an input.
 */
export async function checkOutputFile(file: string, option: string, options: CheckOutputOptions = {}): Promise<void> {
  if (typeof file !== 'string' || file === '' || file.includes('\0')) {
    throw new TrtNodeError('ERR_TRT_NODE_USAGE', `${option} needs a file path; received ${typeof file === 'string' ? JSON.stringify(forTerminal(file)) : typeof file}`, { option });
  }
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
  for (const input of options.inputs ?? []) {
    if (input.file !== undefined && sameFile(file, input.file)) {
      throw new TrtNodeError(
        'ERR_TRT_NODE_USAGE',
        `${option} ${file} is the same file as ${input.option} ${input.file}: writing it would replace that file. Give ${option} another path.`,
        { option, file },
      );
    }
  }
  try {
    refuseNonRegular(await fs.promises.lstat(file).catch(() => null), () => readLinkOrUndefined(file));
    // Prove that a file can be created there: the temporary file writeFileAtomic will use, created and removed.
    const probe = tempPathFor(file);
    try {
      await (await fs.promises.open(probe, 'wx')).close();
    } finally {
      await fs.promises.rm(probe, { force: true });
      settled(probe);
    }
  } catch (err) {
    throw fail(err);
  }
}

function checkWriteArgs(file: unknown, data: unknown): void {
  v.filePath(file, 'file');
  if (typeof data !== 'string' && !(data instanceof Uint8Array)) throw new InvalidTypeError('data', 'a Uint8Array or a string', data);
}

/**
 * Writes `data` to `file` atomically (temp file in the same folder, fsync, rename).
 * @throws FileError naming `file` when any step fails; the temporary file is removed.
 */
export async function writeFileAtomic(file: string, data: Uint8Array | string): Promise<void> {
  checkWriteArgs(file, data);
  const tmp = tempPathFor(file);
  let handle: fs.promises.FileHandle | undefined;
  try {
    refuseNonRegular(lstatOrNull(file), () => readLinkOrUndefined(file));
    // 'wx': fail rather than clobber should the random name ever collide.
    handle = await fs.promises.open(tmp, 'wx', modeOf(file));
    await handle.writeFile(data);
    await handle.sync();
    await handle.close();
    handle = undefined;
    refuseNonRegular(lstatOrNull(file), () => readLinkOrUndefined(file)); // it may have changed meanwhile
    await fs.promises.rename(tmp, file);
    settled(tmp);
  } catch (err) {
    await handle?.close().catch(() => undefined);
    await fs.promises.rm(tmp, { force: true }).catch(() => undefined);
    settled(tmp);
    throw failure(file, err);
  }
  syncFolder(file);
}

/** Synchronous twin of {@link writeFileAtomic}, for exit handlers and other places that cannot await. */
export function writeFileAtomicSync(file: string, data: Uint8Array | string): void {
  checkWriteArgs(file, data);
  const tmp = tempPathFor(file);
  let fd: number | undefined;
  try {
    refuseNonRegular(lstatOrNull(file), () => readLinkOrUndefined(file));
    fd = fs.openSync(tmp, 'wx', modeOf(file));
    fs.writeFileSync(fd, data);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    refuseNonRegular(lstatOrNull(file), () => readLinkOrUndefined(file));
    fs.renameSync(tmp, file);
    settled(tmp);
  } catch (err) {
    if (fd !== undefined) {
      try {
        fs.closeSync(fd);
      } catch {
        // already failing; the original error is the one worth reporting
      }
    }
    fs.rmSync(tmp, { force: true });
    settled(tmp);
    throw failure(file, err);
  }
  syncFolder(file);
}
