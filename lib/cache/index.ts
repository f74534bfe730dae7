export { cachedBuild } from './cached-build';
export type { BuiltPlan, CachedBuildResult, EngineCacheSettings } from './cached-build';
export { DEFAULT_CACHE_MAX_BYTES, cacheDirOf, defaultCacheDir } from './dir';
export { CACHE_FORMAT, cacheKey, canonicalJson, modelFingerprint } from './key';
export type { CacheKeyParts, ModelFingerprint } from './key';
export { clearEngineCache, listEngineCache } from './store';
export type { CacheEntryDescription, CacheEntryInfo } from './store';
