/**
 * `trt-node cache ls [--cache-dir D] [--json [file]]` and `trt-node cache clear [--cache-dir D]`: the engine cache
 * that `--cache` / `--cache-dir` fill (lib/cache). Exit 0 done, 2 a folder that cannot be read.
 */
import type { Command } from 'commander';
import { addJsonOption } from '../options';
import type { CliContext } from '../output';

export interface CacheCliOptions {
  cacheDir?: string;
  json?: string | boolean;
}

const DIR_HELP = 'the engine cache folder (default: $TRT_NODE_CACHE_DIR, else $XDG_CACHE_HOME/trt-node/engines or ~/.cache/trt-node/engines)';

export function defineCache(program: Command, ctx: CliContext): void {
  const cache = program.command('cache').description('list or empty the engine cache that build, check, bench and export fill with --cache or --cache-dir');
  const run = () => require('../run/cache') as typeof import('../run/cache');
  const ls = cache.command('ls').description('list the cached engines, least recently used first').option('--cache-dir <dir>', DIR_HELP);
  addJsonOption(ls, 'the entries');
  ls.action(async (cli: CacheCliOptions) => {
    ctx.exitCode = await run().runCacheLs(ctx, cli);
  });
  const clear = cache.command('clear').description('remove every cached engine (entries being built now are left)').option('--cache-dir <dir>', DIR_HELP);
  addJsonOption(clear, 'what was removed');
  clear.action(async (cli: CacheCliOptions) => {
    ctx.exitCode = await run().runCacheClear(ctx, cli);
  });
}
