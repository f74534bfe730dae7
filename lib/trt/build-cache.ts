/**
 * buildEngine's side of the engine cache (lib/cache): the key of one build — the model's bytes and its external
 * data, the settings that shape the plan, the profiles, the TensorRT version and the GPU — and the settings of the
 * cache itself.
 */
import * as path from 'path';
import type { NativeAddon } from '../native/binding';
import type { ModelSummary } from '../onnx/types';
import type { OptimizationProfile } from '../shapes/profiles';
import { DEFAULT_CACHE_MAX_BYTES, cacheDirOf, cacheKey, modelFingerprint, type CacheEntryDescription, type EngineCacheSettings } from '../cache';
import { cacheKeySettings, type ResolvedBuildOptions } from './build-options';

/** The GPU a plan is built for, as the key names it; null when the CUDA runtime does not say (then nothing is cached). */
export function deviceIdentity(addon: NativeAddon, device: number): { name: string; computeCapability: string } | null {
  const d = addon.cudaInfo().devices.find((x) => x.index === device);
  return d?.name && d.computeCapability ? { name: d.name, computeCapability: d.computeCapability } : null;
}

export interface CacheLookup {
  settings: EngineCacheSettings;
  key: string;
  describes: CacheEntryDescription;
}

/** The cache, key and description of a build with `cacheDir`. */
export async function cacheLookup(
  model: { path?: string; bytes?: Uint8Array },
  summary: ModelSummary,
  opts: ResolvedBuildOptions & { cacheDir: string | true },
  profiles: OptimizationProfile[],
  stronglyTyped: boolean,
  tensorrt: string,
  device: { name: string; computeCapability: string },
): Promise<CacheLookup> {
  const fingerprint = await modelFingerprint(model.path ?? model.bytes!, summary.externalData);
  const settings = cacheKeySettings(opts, stronglyTyped);
  const describes: CacheEntryDescription = { model: model.path !== undefined ? path.resolve(model.path) : null, tensorrt, device, settings, profiles };
  return {
    settings: { dir: cacheDirOf(opts.cacheDir), maxBytes: opts.cacheMaxBytes ?? DEFAULT_CACHE_MAX_BYTES, signal: opts.signal },
    key: cacheKey({ model: fingerprint, settings, profiles, tensorrt, device }),
    describes,
  };
}
