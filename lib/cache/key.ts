/**
 * The engine cache's key: sha256 over one canonical JSON document of everything a plan depends on — the model's
 * bytes and those of its external-data files, the build settings (normalized: defaults applied), the profiles in
 * order, the TensorRT version text (which names trt-node's stand-in when that runs) and the GPU (name and compute
 * capability). Where the model lives, its name and which device number built it are not in it: the same model
 * built the same way for the same kind of GPU is the same plan.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import { FileError } from '../errors';

/** Bumped when the key's document or the entry's layout changes: older entries are then never matched. */
export const CACHE_FORMAT = 1;

/** The model's fingerprint: its bytes' sha256 and each external-data file's, by location as the model writes it. */
export interface ModelFingerprint {
  sha256: string;
  externalData: { location: string; sha256: string }[];
}

export interface CacheKeyParts {
  model: ModelFingerprint;
  /** The build settings that shape the plan, defaults applied (JSON-able). */
  settings: Record<string, unknown>;
  /** The optimization profiles, in order (JSON-able). */
  profiles: readonly unknown[];
  /** TensorRT's version text: '10.16.0'. */
  tensorrt: string;
  /** The GPU the plan is built for. */
  device: { name: string; computeCapability: string };
}

/** JSON with object keys sorted at every level and undefined members left out: equal values, equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The key of `parts`: 64 hex digits. */
export function cacheKey(parts: CacheKeyParts): string {
  return crypto.createHash('sha256').update(canonicalJson({ format: CACHE_FORMAT, ...parts })).digest('hex');
}

/** sha256 of a file, streamed (external data can be gigabytes). */
export async function sha256File(file: string): Promise<string> {
  const hash = crypto.createHash('sha256');
  try {
    for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  } catch (err) {
    throw new FileError(file, `cannot be read: ${(err as Error).message}`, { cause: err });
  }
  return hash.digest('hex');
}

/**
 * The fingerprint of a model given as a path or as bytes, with its external data (`location` as written in the
 * model, `path` where it was found; a file several tensors share is read once). Whole files are hashed: a byte
 * outside the ranges the model names cannot change the plan, but reading ranges would not save the read.
 */
export async function modelFingerprint(model: string | Uint8Array, externalData: readonly { location: string; path: string }[]): Promise<ModelFingerprint> {
  const sha256 = typeof model === 'string' ? await sha256File(model) : crypto.createHash('sha256').update(model).digest('hex');
  const byLocation = new Map<string, string>();
  for (const ref of externalData) if (!byLocation.has(ref.location)) byLocation.set(ref.location, ref.path);
  const files = [...byLocation].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const hashed: ModelFingerprint['externalData'] = [];
  for (const [location, file] of files) hashed.push({ location, sha256: await sha256File(file) }); // one file open at a time
  return { sha256, externalData: hashed };
}
