/**
 * A build through the engine cache: the entry of the key when there is a sound one; otherwise the build runs under
 * the entry's lock, so that processes asking for the same key build once (the others wait, then load what it
 * wrote), and its plan is written as the entry, after which the cache is pruned to its size bound. The build itself
 * is handed in (buildEngine hands in the TensorRT build; tests hand in their own), so none of this needs TensorRT.
 */
import * as path from 'path';
import { formatByteSize } from '../io/budget';
import { acquireFileLock } from '../io/file-lock';
import { ensureCacheDir, entryFiles, loadEntry, pruneCache, removeEntry, touchEntry, writeEntry, type CacheEntryDescription } from './store';

export interface EngineCacheSettings {
  dir: string;
  /** The bound pruning keeps the folder under, bytes. */
  maxBytes: number;
  /** How long to wait for another process building the same key, ms. Default two hours. */
  lockTimeoutMs?: number;
  /** A lock not refreshed for this long is taken over, ms (lib/io/file-lock's default when left out). */
  staleLockMs?: number;
  signal?: AbortSignal;
}

/** What a build hands back: the plan, and its JSON-able record, kept in the entry and returned on later hits. */
export interface BuiltPlan<R> {
  plan: Buffer;
  record: R;
}

export interface CachedBuildResult<R> extends BuiltPlan<R> {
  /** The plan came from the cache (nothing was built). */
  cached: boolean;
  /** The entry's plan file (also when the entry could not be written: then `notes` says why). */
  entry: string;
  /** What the cache did that a caller should hear of: an entry rebuilt and why, one that could not be written. */
  notes: string[];
}

const DEFAULT_LOCK_TIMEOUT_MS = 2 * 60 * 60 * 1000;

/**
 * The plan of `key` from the cache in `settings.dir`, or built by `build` and stored there.
 * @param describes what the key was made of, recorded for `trt-node cache ls`
 */
export async function cachedBuild<R>(
  settings: EngineCacheSettings,
  key: string,
  describes: CacheEntryDescription,
  build: () => Promise<BuiltPlan<R>>,
): Promise<CachedBuildResult<R>> {
  const dir = path.resolve(settings.dir);
  const files = entryFiles(dir, key);
  const notes: string[] = [];
  const hit = async (): Promise<CachedBuildResult<R> | null> => {
    const loaded = await loadEntry(dir, key);
    if ('plan' in loaded) {
      await touchEntry(dir, key);
      return { plan: loaded.plan, record: loaded.record.build as R, cached: true, entry: files.plan, notes };
    }
    if ('unusable' in loaded) notes.push(`engine cache entry ${files.plan} is rebuilt: ${loaded.unusable}`);
    return null;
  };

  await ensureCacheDir(dir);
  const early = await hit(); // a hit needs no lock (and works in a cache folder this process cannot write)
  if (early) return early;
  const lock = await acquireFileLock(files.lock, {
    timeoutMs: settings.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS,
    staleMs: settings.staleLockMs,
    signal: settings.signal,
    what: `the engine cache entry ${key.slice(0, 12)}… (${dir})`,
  });
  try {
    notes.length = 0; // judged again: whoever held the lock may have written it meanwhile
    const late = await hit();
    if (late) return late;
    await removeEntry(dir, key); // an unusable entry is not left behind should this build fail
    const built = await build();
    try {
      await writeEntry(dir, key, built.plan, describes, built.record);
    } catch (err) {
      notes.push(`the engine could not be stored in the cache: ${(err as Error).message}`);
      return { ...built, cached: false, entry: files.plan, notes };
    }
    const entryBytes = built.plan.byteLength;
    if (entryBytes > settings.maxBytes) notes.push(`the engine (${formatByteSize(entryBytes)}) alone is larger than the cache's size bound (${formatByteSize(settings.maxBytes)}); it is kept until the next entry is written`);
    return { ...built, cached: false, entry: files.plan, notes };
  } finally {
    await lock.release();
    await pruneCache(dir, settings.maxBytes, key).catch(() => undefined); // a prune that fails leaves a larger cache, nothing worse
  }
}
