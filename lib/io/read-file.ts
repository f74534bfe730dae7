/**
 * Whole-file reads with a size limit, for regular files and for pipes and devices alike. A regular file's size is
 * known from stat, so one over the limit is refused before a byte is read. A pipe (`--inputs <(…)`, /dev/stdin) or a
 * character device reports size 0: it is read in chunks until end of file, stopping as soon as it passes the limit
 * (a pipe that never ends, /dev/zero, costs the limit at most, never all memory).
 */
import * as fs from 'fs';
import type { FileHandle } from 'fs/promises';

const CHUNK = 1 << 20;

/** What a too-large file turns into: the caller's error (a budget error naming its option, a format error...). */
export type TooLarge = (bytes: number, streamed: boolean) => Error;

function joined(chunks: Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** Reads an open file to its end from its current position, up to `limit` bytes; more throws `tooLarge`. */
export async function readStreamed(handle: FileHandle, limit: number, tooLarge: TooLarge): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const chunk = new Uint8Array(CHUNK);
    const { bytesRead } = await handle.read(chunk, 0, CHUNK, null);
    if (bytesRead === 0) break;
    total += bytesRead;
    if (total > limit) throw tooLarge(total, true);
    chunks.push(chunk.subarray(0, bytesRead));
  }
  return joined(chunks, total);
}

/** Synchronous twin of readStreamed, over a file descriptor. */
export function readStreamedSync(fd: number, limit: number, tooLarge: TooLarge): Uint8Array {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const chunk = new Uint8Array(CHUNK);
    let bytesRead: number;
    try {
      bytesRead = fs.readSync(fd, chunk, 0, CHUNK, null);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EAGAIN') continue; // a non-blocking pipe with nothing yet
      throw err;
    }
    if (bytesRead === 0) break;
    total += bytesRead;
    if (total > limit) throw tooLarge(total, true);
    chunks.push(chunk.subarray(0, bytesRead));
  }
  return joined(chunks, total);
}

/**
 * The bytes of `file` (a regular file, a pipe or a device), at most `limit`.
 * @throws the fs error of open/read as is (callers word it), or `tooLarge(bytes)` past the limit.
 */
export async function readFileLimited(file: string, limit: number, tooLarge: TooLarge): Promise<Uint8Array> {
  const handle = await fs.promises.open(file, 'r');
  try {
    const st = await handle.stat();
    if (st.isDirectory()) throw Object.assign(new Error(`EISDIR: illegal operation on a directory, read '${file}'`), { code: 'EISDIR' });
    if (st.isFile() && st.size > limit) throw tooLarge(st.size, false);
    if (!st.isFile() || st.size === 0) return await readStreamed(handle, limit, tooLarge);
    const buf = await handle.readFile();
    if (buf.length > limit) throw tooLarge(buf.length, false); // it grew since stat
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  } finally {
    await handle.close();
  }
}
