/**
 * Where the engine cache lives when asked for without a folder (`cacheDir: true`, `--cache`, `trt-node cache`):
 * TRT_NODE_CACHE_DIR, else $XDG_CACHE_HOME/trt-node/engines, else ~/.cache/trt-node/engines. Nothing is cached
 * unless asked for.
 */
import * as os from 'os';
import * as path from 'path';

/** The default size bound: the least recently used entries go beyond it. */
export const DEFAULT_CACHE_MAX_BYTES = 10 * 1024 ** 3;

export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.TRT_NODE_CACHE_DIR) return path.resolve(env.TRT_NODE_CACHE_DIR);
  const base = env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : path.join(os.homedir(), '.cache');
  return path.join(base, 'trt-node', 'engines');
}

/** The folder `cacheDir` names: itself, or the default for `true`. */
export function cacheDirOf(cacheDir: string | true, env: NodeJS.ProcessEnv = process.env): string {
  return cacheDir === true ? defaultCacheDir(env) : path.resolve(cacheDir);
}
