/**
 * An exclusive lock between processes, as a lock file: created with O_EXCL ('wx'), holding its owner's pid, host
 * and a random token, and kept fresh (its mtime touched) while held. Node has no flock(); the timing cache's lock is
 * a native flock held inside the addon's own read-merge-write (native/trt/timing_cache.cc), so it cannot serve a
 * lock held in JavaScript around a build of minutes, which is what the engine cache needs.
 *
 * A lock whose owner is gone is taken over: its pid is dead (same host), or it has not been refreshed for
 * `staleMs` (a hung holder, or one on another host sharing the folder). Taking over removes the file only if it is
 * still the one judged stale (same inode), then competes for it again with 'wx'. Two waiters judging the same file
 * stale at the same instant can in the worst case both end up holding it; every user of this lock must therefore
 * stay correct (only slower) when that happens — the engine cache does: both build, and each writes its entry
 * atomically.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import { AbortError, FileError, LockTimeoutError } from '../errors';

export interface FileLockOptions {
  /** How long to wait for a lock held by a live process, ms. */
  timeoutMs: number;
  /** A lock not refreshed for this long is stale, ms. Default 120 000 (the holder refreshes it every staleMs / 8). */
  staleMs?: number;
  /** Stops the wait: rejects with AbortError naming `what`. */
  signal?: AbortSignal;
  /** For messages: 'the engine cache entry 3fa2…'. */
  what: string;
}

/** What a lock file holds. */
interface LockOwner {
  pid: number;
  host: string;
  token: string;
  /** ISO time the lock was taken. */
  since: string;
}

export interface HeldLock {
  readonly file: string;
  /** Stops refreshing and removes the lock file (when it is still this holder's). Never throws. */
  release(): Promise<void>;
}

const DEFAULT_STALE_MS = 120_000;
/** The wait between attempts grows from the first to the last (bounded: a freed lock is seen within a second). */
const POLL_FIRST_MS = 25;
const POLL_LAST_MS = 1000;

/** Tokens of the locks this process holds now: a lock file with our pid but another token was left by a dead process. */
const heldTokens = new Set<string>();

/** Whether process `pid` exists on this host. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

function readOwner(file: string): LockOwner | null {
  try {
    const o = JSON.parse(fs.readFileSync(file, 'utf8')) as LockOwner;
    return typeof o.pid === 'number' && typeof o.token === 'string' ? o : null;
  } catch {
    return null; // gone, or being written this instant
  }
}

/** Why the lock file's owner is gone, or null while it holds the lock. */
function staleness(owner: LockOwner | null, ageMs: number, staleMs: number): string | null {
  if (owner && owner.host === os.hostname()) {
    if (owner.pid === process.pid && !heldTokens.has(owner.token)) return `left by an earlier process with this pid (${owner.pid})`;
    if (!processAlive(owner.pid)) return `its process ${owner.pid} is gone`;
  }
  if (ageMs > staleMs) return `not refreshed for ${Math.round(ageMs / 1000)} s`;
  return null;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Who holds the lock `file` now ('process 123 on host, since …'), or null when nobody does: no file, or a stale
 * one (`staleMs` as acquireFileLock's).
 */
export function lockHolder(file: string, staleMs = DEFAULT_STALE_MS): string | null {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(file);
  } catch {
    return null;
  }
  const owner = readOwner(file);
  return staleness(owner, Date.now() - st.mtimeMs, staleMs) === null ? describeOwner(owner) : null;
}

function describeOwner(owner: LockOwner | null): string {
  return owner ? `process ${owner.pid} on ${owner.host}, since ${owner.since}` : 'a process that has not written its name yet';
}

/** Creates the lock file if nobody holds it; returns the owner record written, or null when it exists. */
function tryCreate(file: string): LockOwner | null {
  const owner: LockOwner = { pid: process.pid, host: os.hostname(), token: crypto.randomBytes(8).toString('hex'), since: new Date().toISOString() };
  let fd: number;
  try {
    fd = fs.openSync(file, 'wx');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return null;
    throw new FileError(file, `the lock file cannot be created: ${(err as Error).message}`, { cause: err });
  }
  try {
    fs.writeFileSync(fd, JSON.stringify(owner));
  } finally {
    fs.closeSync(fd);
  }
  return owner;
}

/**
 * Removes `file` if it is still the file `st` describes (a new holder's file is left alone). False when that file
 * is still there (it could not be removed): then it is waited for like a held lock, not retried at once.
 */
function removeIfSame(file: string, st: fs.Stats): boolean {
  try {
    const now = fs.lstatSync(file);
    if (now.ino === st.ino && now.dev === st.dev) fs.unlinkSync(file);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT';
  }
}

function hold(file: string, owner: LockOwner, staleMs: number): HeldLock {
  heldTokens.add(owner.token);
  const refresh = setInterval(() => {
    const now = new Date();
    fs.utimes(file, now, now, () => undefined);
  }, Math.max(10, Math.floor(staleMs / 8)));
  refresh.unref();
  let released = false;
  return {
    file,
    async release() {
      if (released) return;
      released = true;
      clearInterval(refresh);
      heldTokens.delete(owner.token);
      // Only our own file: had it been taken over as stale, it is now someone else's.
      if (readOwner(file)?.token === owner.token) await fs.promises.rm(file, { force: true }).catch(() => undefined);
    },
  };
}

/**
 * Takes the lock `file`, waiting (with a bounded poll) while a live process holds it, and taking over a stale one.
 * @throws LockTimeoutError naming the holder after `timeoutMs`; AbortError when `signal` aborts; FileError when the
 *   lock file cannot be created (the folder is missing or read-only).
 */
export async function acquireFileLock(file: string, options: FileLockOptions): Promise<HeldLock> {
  const staleMs = options.staleMs ?? DEFAULT_STALE_MS;
  const deadline = Date.now() + options.timeoutMs;
  let pause = POLL_FIRST_MS;
  for (;;) {
    if (options.signal?.aborted) throw new AbortError(`waiting for the lock of ${options.what}`);
    const owner = tryCreate(file);
    if (owner) return hold(file, owner, staleMs);
    let st: fs.Stats;
    try {
      st = fs.lstatSync(file);
    } catch {
      continue; // released between the two calls: try again at once
    }
    const holder = readOwner(file);
    if (staleness(holder, Date.now() - st.mtimeMs, staleMs) !== null && removeIfSame(file, st)) continue;
    if (Date.now() >= deadline) {
      throw new LockTimeoutError(
        file,
        `${options.what} is locked by ${describeOwner(holder)} (${file}); waited ${Math.round(options.timeoutMs / 1000)} s. ` +
          'If that process is stuck, stop it: the lock of a process that has exited is taken over at once',
        { holder },
      );
    }
    await sleep(Math.min(pause, Math.max(0, deadline - Date.now())), options.signal);
    pause = Math.min(POLL_LAST_MS, pause * 2);
  }
}
