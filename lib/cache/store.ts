/**
 * The engine cache's folder: one entry per key, `<key>.plan` (the serialized engine) and `<key>.json` (its record:
 * size and sha256 of the plan, what the key was made of, and the build's own record), each written atomically,
 * the plan first, so a record always describes a whole plan. `<key>.lock` is the entry's build lock (lib/io/file-lock).
 * The record's mtime is the entry's last use (touched on every hit), which pruning goes by.
 *
 * Only names this module writes are ever read or removed (64 hex digits, then .plan, .json or .lock; the atomic
 * writer's hidden temporary files of them): a cache folder pointed at a folder of other files leaves those alone.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { FileError } from '../errors';
import { writeFileAtomic } from '../io/atomic-write';
import { lockHolder, processAlive } from '../io/file-lock';
import { CACHE_FORMAT } from './key';

/** What the key was made of, kept for people (`trt-node cache ls`); the key itself is the hash. */
export interface CacheEntryDescription {
  /** The model file built from (the first time), or null for bytes. */
  model: string | null;
  tensorrt: string;
  device: { name: string; computeCapability: string };
  settings: Record<string, unknown>;
  profiles: readonly unknown[];
}

/** `<key>.json`. */
export interface CacheEntryRecord {
  format: number;
  key: string;
  /** ISO time the entry was written. */
  created: string;
  planBytes: number;
  planSha256: string;
  describes: CacheEntryDescription;
  /** The builder's own JSON-able record, handed back on a hit (buildEngine: warnings, build time...). */
  build: unknown;
}

/** One entry as `cache ls` shows it. */
export interface CacheEntryInfo {
  key: string;
  /** The plan's path. */
  plan: string;
  /** Plan and record together. */
  bytes: number;
  created: string | null;
  lastUsed: string;
  describes: CacheEntryDescription | null;
  /** Why the entry cannot be used as it is (a later build of its key rebuilds it), or null. */
  problem: string | null;
  /** A process is building it now. */
  locked: boolean;
}

const ENTRY_FILE = /^([0-9a-f]{64})\.(plan|json|lock)$/;
/** The atomic writer's temporary files of entry files: `.<name>.<pid>.<random>.tmp`. */
const TEMP_FILE = /^\.[0-9a-f]{64}\.(?:plan|json)\.(\d+)\.[0-9a-f]+\.tmp$/;

export function entryFiles(dir: string, key: string): { plan: string; record: string; lock: string } {
  return { plan: path.join(dir, `${key}.plan`), record: path.join(dir, `${key}.json`), lock: path.join(dir, `${key}.lock`) };
}

/** Creates the cache folder (and its parents) if missing. */
export async function ensureCacheDir(dir: string): Promise<void> {
  try {
    await fs.promises.mkdir(dir, { recursive: true });
  } catch (err) {
    throw new FileError(dir, `the engine cache folder cannot be created: ${(err as Error).message}`, { cause: err });
  }
}

export type LoadedEntry = { plan: Buffer; record: CacheEntryRecord } | { absent: true } | { unusable: string };

function isRecord(value: unknown, key: string): value is CacheEntryRecord {
  const r = value as CacheEntryRecord;
  return typeof r === 'object' && r !== null && r.key === key && Number.isSafeInteger(r.planBytes) && typeof r.planSha256 === 'string' && typeof r.describes === 'object';
}

/** The file's bytes, null when it does not exist, or why it cannot be read. */
async function readEntryFile(file: string): Promise<Buffer | null | { error: string }> {
  try {
    return await fs.promises.readFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    return { error: (err as Error).message };
  }
}

/**
 * The entry of `key`, checked: its record reads, is of this format and this key, and the plan has the size and
 * sha256 it records. `unusable` says why not, in words for the rebuild's note.
 */
export async function loadEntry(dir: string, key: string): Promise<LoadedEntry> {
  const files = entryFiles(dir, key);
  const recordBytes = await readEntryFile(files.record);
  const plan = await readEntryFile(files.plan);
  if (recordBytes === null && plan === null) return { absent: true };
  for (const [what, got] of [['record (.json)', recordBytes], ['plan', plan]] as const) {
    if (got !== null && !Buffer.isBuffer(got)) return { unusable: `its ${what} cannot be read: ${got.error}` };
  }
  if (!Buffer.isBuffer(recordBytes)) return { unusable: 'its record (.json) is missing (a write that did not finish)' };
  let record: unknown;
  try {
    record = JSON.parse(recordBytes.toString('utf8'));
  } catch {
    return { unusable: 'its record (.json) is not valid JSON' };
  }
  if (typeof record === 'object' && record !== null && (record as CacheEntryRecord).format !== CACHE_FORMAT) {
    return { unusable: `it was written in cache format ${String((record as CacheEntryRecord).format)} (this trt-node writes ${CACHE_FORMAT})` };
  }
  if (!isRecord(record, key)) return { unusable: 'its record (.json) is not a record of this entry' };
  if (!Buffer.isBuffer(plan)) return { unusable: 'its plan is missing' };
  if (plan.byteLength !== record.planBytes) {
    return { unusable: `its plan is ${plan.byteLength} bytes, but ${record.planBytes} were written${plan.byteLength < record.planBytes ? ' (truncated)' : ''}` };
  }
  if (crypto.createHash('sha256').update(plan).digest('hex') !== record.planSha256) return { unusable: "its plan's checksum (sha256) differs from the one recorded (corrupted)" };
  return { plan, record };
}

/** Marks the entry used now (pruning removes the least recently used first). Best effort: a read-only cache still serves. */
export async function touchEntry(dir: string, key: string): Promise<void> {
  const now = new Date();
  await fs.promises.utimes(entryFiles(dir, key).record, now, now).catch(() => undefined);
}

/** Writes an entry: the plan, then its record (a reader finding the record finds the whole plan). */
export async function writeEntry(dir: string, key: string, plan: Uint8Array, describes: CacheEntryDescription, build: unknown): Promise<CacheEntryRecord> {
  const files = entryFiles(dir, key);
  const record: CacheEntryRecord = {
    format: CACHE_FORMAT,
    key,
    created: new Date().toISOString(),
    planBytes: plan.byteLength,
    planSha256: crypto.createHash('sha256').update(plan).digest('hex'),
    describes,
    build,
  };
  await writeFileAtomic(files.plan, plan);
  await writeFileAtomic(files.record, `${JSON.stringify(record, null, 2)}\n`);
  return record;
}

/**
 * Removes an entry: its record first (so no reader trusts a plan being removed), then its plan. Best effort: what
 * cannot be removed (a folder in its place) stays, and is reported unusable by the next lookup.
 */
export async function removeEntry(dir: string, key: string): Promise<void> {
  const files = entryFiles(dir, key);
  await fs.promises.rm(files.record, { force: true }).catch(() => undefined);
  await fs.promises.rm(files.plan, { force: true }).catch(() => undefined);
}

async function statOrNull(file: string): Promise<fs.Stats | null> {
  return fs.promises.stat(file).catch(() => null);
}

async function readDirOrEmpty(dir: string): Promise<string[]> {
  try {
    return await fs.promises.readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new FileError(dir, `the engine cache folder cannot be read: ${(err as Error).message}`, { cause: err });
  }
}

/** Every entry in `dir` (none when it does not exist), least recently used first. Plans are not re-hashed here. */
export async function listEngineCache(dir: string): Promise<CacheEntryInfo[]> {
  const keys = new Set<string>();
  for (const name of await readDirOrEmpty(dir)) {
    const m = ENTRY_FILE.exec(name);
    if (m && m[2] !== 'lock') keys.add(m[1]);
  }
  const out: CacheEntryInfo[] = [];
  for (const key of keys) {
    const files = entryFiles(dir, key);
    const [planSt, recordSt] = await Promise.all([statOrNull(files.plan), statOrNull(files.record)]);
    if (!planSt && !recordSt) continue; // removed meanwhile
    let record: CacheEntryRecord | null = null;
    let problem: string | null = null;
    try {
      const parsed = recordSt ? (JSON.parse(await fs.promises.readFile(files.record, 'utf8')) as unknown) : null;
      if (isRecord(parsed, key) && parsed.format === CACHE_FORMAT) record = parsed;
    } catch {
      // reported below
    }
    if (!recordSt) problem = 'no record (.json): a write that did not finish';
    else if (!record) problem = 'its record is unreadable or of another format';
    else if (!planSt) problem = 'its plan is missing';
    else if (planSt.size !== record.planBytes) problem = `its plan is ${planSt.size} bytes, ${record.planBytes} were written`;
    out.push({
      key,
      plan: files.plan,
      bytes: (planSt?.size ?? 0) + (recordSt?.size ?? 0),
      created: record?.created ?? null,
      lastUsed: (recordSt ?? planSt)!.mtime.toISOString(),
      describes: record?.describes ?? null,
      problem,
      locked: lockHolder(files.lock) !== null,
    });
  }
  return out.sort((a, b) => (a.lastUsed < b.lastUsed ? -1 : a.lastUsed > b.lastUsed ? 1 : a.key < b.key ? -1 : 1));
}

/**
 * Removes the least recently used entries until the cache holds at most `maxBytes`, never `keep` (the entry just
 * written) nor one being built. Returns the entries removed.
 */
export async function pruneCache(dir: string, maxBytes: number, keep: string): Promise<CacheEntryInfo[]> {
  const entries = await listEngineCache(dir);
  let total = entries.reduce((sum, e) => sum + e.bytes, 0);
  const removed: CacheEntryInfo[] = [];
  for (const e of entries) {
    if (total <= maxBytes) break;
    if (e.key === keep || e.locked) continue;
    await removeEntry(dir, e.key);
    total -= e.bytes;
    removed.push(e);
  }
  return removed;
}

/**
 * Empties the cache: every entry, stale lock and temporary file left by a process that is gone. Entries being built
 * now (their lock held) and the temporary files of live writers are left. Returns what was removed.
 */
export async function clearEngineCache(dir: string): Promise<{ entries: number; bytes: number; busy: number }> {
  const entries = await listEngineCache(dir);
  let bytes = 0;
  let busy = 0;
  for (const e of entries) {
    if (e.locked) {
      busy++;
      continue;
    }
    await removeEntry(dir, e.key);
    bytes += e.bytes;
  }
  for (const name of await readDirOrEmpty(dir)) {
    const file = path.join(dir, name);
    const temp = TEMP_FILE.exec(name);
    const lock = ENTRY_FILE.exec(name)?.[2] === 'lock';
    if ((temp && !processAlive(Number(temp[1]))) || (lock && lockHolder(file) === null)) await fs.promises.rm(file, { force: true });
  }
  return { entries: entries.length - busy, bytes, busy };
}
