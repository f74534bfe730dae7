/**
 * `trt-node cache ls` and `trt-node cache clear`: the engine cache's entries listed (least recently used first,
 * with what each was built from and any problem), or removed. A folder that does not exist is an empty cache.
 */
import * as path from 'path';
import { formatByteSize } from '../../io/budget';
import { clearEngineCache, defaultCacheDir, listEngineCache, type CacheEntryInfo } from '../../cache';
import { forTerminal } from '../../util/terminal';
import type { CacheCliOptions } from '../commands/cache';
import { EXIT_OK } from '../exit-codes';
import { emitJson, type CliContext } from '../output';

function dirOf(cli: CacheCliOptions): string {
  return cli.cacheDir !== undefined ? path.resolve(cli.cacheDir) : defaultCacheDir();
}

/** One line per entry: key, size, last use, model, TensorRT, GPU, and what is wrong with it. */
function entryLine(e: CacheEntryInfo): string {
  const d = e.describes;
  const what = d ? `${d.model ? path.basename(d.model) : '<bytes>'}  TensorRT ${d.tensorrt}  ${d.device.name} (${d.device.computeCapability})` : '?';
  const flags = [e.locked ? 'being built' : '', e.problem ? `unusable: ${e.problem}` : ''].filter(Boolean).join('; ');
  return forTerminal(`  ${e.key.slice(0, 12)}  ${formatByteSize(e.bytes).padStart(10)}  used ${e.lastUsed.slice(0, 19).replace('T', ' ')}  ${what}${flags ? `  [${flags}]` : ''}`);
}

export async function runCacheLs(ctx: CliContext, cli: CacheCliOptions): Promise<number> {
  const dir = dirOf(cli);
  const entries = await listEngineCache(dir);
  const bytes = entries.reduce((sum, e) => sum + e.bytes, 0);
  if (!(await emitJson(ctx, cli.json, { dir, entries, bytes }, []))) {
    const count = `${entries.length} engine${entries.length === 1 ? '' : 's'}`;
    ctx.out(`engine cache ${forTerminal(dir)}: ${entries.length ? `${count}, ${formatByteSize(bytes)}` : 'empty'}\n${entries.map((e) => `${entryLine(e)}\n`).join('')}`);
  }
  return EXIT_OK;
}

export async function runCacheClear(ctx: CliContext, cli: CacheCliOptions): Promise<number> {
  const dir = dirOf(cli);
  const removed = await clearEngineCache(dir);
  if (!(await emitJson(ctx, cli.json, { dir, ...removed }, []))) {
    const busy = removed.busy ? `; ${removed.busy} being built now left` : '';
    ctx.out(`removed ${removed.entries} engine${removed.entries === 1 ? '' : 's'} (${formatByteSize(removed.bytes)}) from ${forTerminal(dir)}${busy}\n`);
  }
  return EXIT_OK;
}
