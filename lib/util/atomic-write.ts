/**
 * Writes a file atomically: to a uniquely named temporary file in the same folder (so the rename stays on one file
 * system), flushed to disk, then renamed over the target. Readers never see a half-written engine plan, timing cache
 * or .npz, and a crash or a full disk leaves the old file intact and no temporary file behind.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { FileError } from '../errors';

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

function failure(file: string, err: unknown): FileError {
  return new FileError(file, `cannot be written: ${(err as Error).message}`, { cause: err });
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
