/**
 * Answers a walker's read requests (./protowire.ts) from bytes in memory or from a file, sync or async.
 *
 * Files are read through a small window, like an OS read-ahead: a miss that continues the window (sequential
 * header reads, e.g. thousands of small nodes) reads a block twice as large as the last, up to 256 KiB; a miss after
 * a seek (past a skipped weight payload) reads a small block again, since what follows a payload is usually one
 * short tensor header and then the next payload.
 */
import * as fs from 'fs';
import type { FileHandle } from 'fs/promises';
import type { ReadRequest, Walk, WalkContext } from './protowire';
import { formatError } from './protowire';

const MIN_BLOCK = 16 * 1024;
const MAX_BLOCK = 256 * 1024;

/** Bytes actually read from the source, for the benchmark and for tests that prove weights are skipped. */
export interface ReadStats {
  bytesRead: number;
  reads: number;
}

/** Drives a walk to completion, answering its requests synchronously. */
export function runSync<T>(walk: Walk<T>, read: (req: ReadRequest) => Uint8Array): T {
  let step = walk.next();
  while (!step.done) step = walk.next(read(step.value));
  return step.value;
}

/** Drives a walk to completion, answering its requests asynchronously. */
export async function runAsync<T>(walk: Walk<T>, read: (req: ReadRequest) => Promise<Uint8Array>): Promise<T> {
  let step = walk.next();
  while (!step.done) step = walk.next(await read(step.value));
  return step.value;
}

/** In memory, every read is answered with the rest of the bytes: the walker then never needs to ask again. */
export function bytesReader(bytes: Uint8Array, stats: ReadStats): (req: ReadRequest) => Uint8Array {
  // A plain Uint8Array view: subarrays of a Node Buffer are Buffers, slower to create.
  const plain = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return ({ pos, len }) => {
    stats.reads++;
    stats.bytesRead += len;
    return plain.subarray(pos);
  };
}

/** The read window's bookkeeping, shared by the sync and async file readers. */
class Window {
  private buf: Uint8Array = new Uint8Array(0);
  private start = 0;
  private block = MIN_BLOCK / 2;

  constructor(
    private readonly ctx: WalkContext,
    readonly stats: ReadStats,
  ) {}

  /** The window from `pos` on, if it holds the requested bytes. */
  hit({ pos, len }: ReadRequest): Uint8Array | undefined {
    if (pos >= this.start && pos + len <= this.start + this.buf.length) return this.buf.subarray(pos - this.start);
    return undefined;
  }

  /** How many bytes to read for a miss at `pos`: growing while reads continue, small again after a seek. */
  blockSize({ pos, len }: ReadRequest): number {
    const continuing = pos >= this.start && pos <= this.start + this.buf.length;
    this.block = continuing ? Math.min(this.block * 2, MAX_BLOCK) : MIN_BLOCK;
    return Math.min(Math.max(len, this.block), this.ctx.size - pos);
  }

  /** Installs a freshly read block (a new buffer each time: views handed out earlier stay valid). */
  fill(pos: number, block: Uint8Array, bytesRead: number): Uint8Array {
    this.stats.reads++;
    this.stats.bytesRead += bytesRead;
    if (bytesRead < block.length) {
      throw formatError(this.ctx, `the file shrank while being read (expected ${this.ctx.size} bytes, ended at byte ${pos + bytesRead})`, pos + bytesRead);
    }
    this.buf = block;
    this.start = pos;
    return block;
  }
}

export function fileReaderSync(fd: number, ctx: WalkContext, stats: ReadStats): (req: ReadRequest) => Uint8Array {
  const win = new Window(ctx, stats);
  return (req) => {
    const hit = win.hit(req);
    if (hit) return hit;
    const block = new Uint8Array(win.blockSize(req));
    let got = 0;
    while (got < block.length) {
      const n = fs.readSync(fd, block, got, block.length - got, req.pos + got);
      if (n === 0) break;
      got += n;
    }
    return win.fill(req.pos, block, got);
  };
}

export function fileReaderAsync(handle: FileHandle, ctx: WalkContext, stats: ReadStats): (req: ReadRequest) => Promise<Uint8Array> {
  const win = new Window(ctx, stats);
  return async (req) => {
    const hit = win.hit(req);
    if (hit) return hit;
    const block = new Uint8Array(win.blockSize(req));
    let got = 0;
    while (got < block.length) {
      const { bytesRead } = await handle.read(block, got, block.length - got, req.pos + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return win.fill(req.pos, block, got);
  };
}
