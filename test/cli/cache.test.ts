/**
 * `trt-node cache ls | clear`, and the cache flags of the engine-building commands where TensorRT is missing: the
 * output and exit codes, and that nothing is written when the build cannot run. Entries are made with the cache's
 * own API and a build handed in (no TensorRT needed).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { cachedBuild, type CacheEntryDescription } from '../../lib/cache';
import { DEFAULT_MODEL } from '../../lib/cli/defaults';
import { buildEngine } from '../../lib/trt/build';
import { validateBuildOptions } from '../../lib/trt/build-options';
import { caught } from '../helpers/errors';
import { runCli } from '../helpers/cli';
import { gpuSkipReason } from '../native/gpu-gate';

const describes: CacheEntryDescription = {
  model: '/models/resnet50.onnx',
  tensorrt: '10.16.0',
  device: { name: 'NVIDIA H100 80GB HBM3', computeCapability: '9.0' },
  settings: {},
  profiles: [],
};

let dir: string;
beforeAll(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trt-node-cache-cli-'))));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function fill(cache: string, keys: string[]): Promise<void> {
  for (const key of keys) await cachedBuild({ dir: cache, maxBytes: 2 ** 30 }, key, describes, async () => ({ plan: Buffer.alloc(3 * 2 ** 20, key[0]), record: {} }));
}

describe('trt-node cache', () => {
  test('ls lists each engine (key, size, model, TensorRT, GPU) and the total; --json gives the entries; exit 0', async () => {
    const cache = path.join(dir, 'ls');
    await fill(cache, ['1'.repeat(64), '2'.repeat(64)]);
    const r = await runCli(['cache', 'ls', '--cache-dir', cache]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^engine cache ${cache}: 2 engines, 6\\.0 MiB\\n`));
    expect(r.stdout).toMatch(/ {2}111111111111 {5}3\.0 MiB {2}used \d{4}-\d\d-\d\d \d\d:\d\d:\d\d {2}resnet50\.onnx {2}TensorRT 10\.16\.0 {2}NVIDIA H100 80GB HBM3 \(9\.0\)\n/);
    const json = await runCli(['cache', 'ls', '--cache-dir', cache, '--json']);
    expect(json.code).toBe(0);
    const doc = JSON.parse(json.stdout) as { dir: string; entries: { key: string; bytes: number; problem: string | null }[]; bytes: number };
    expect(doc.dir).toBe(cache);
    expect(doc.entries.map((e) => e.key).sort()).toEqual(['1'.repeat(64), '2'.repeat(64)]);
    expect(doc.entries.every((e) => e.problem === null)).toBe(true);
    expect(doc.bytes).toBe(doc.entries.reduce((s, e) => s + e.bytes, 0));
  });

  test('ls marks an entry that cannot be used', async () => {
    const cache = path.join(dir, 'bad');
    await fill(cache, ['3'.repeat(64)]);
    fs.truncateSync(path.join(cache, `${'3'.repeat(64)}.plan`), 10);
    const r = await runCli(['cache', 'ls', '--cache-dir', cache]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`[unusable: its plan is 10 bytes, ${3 * 2 ** 20} were written]`);
  });

  test('clear removes every engine and says how much; then ls says empty; exit 0', async () => {
    const cache = path.join(dir, 'clear');
    await fill(cache, ['4'.repeat(64), '5'.repeat(64)]);
    const r = await runCli(['cache', 'clear', '--cache-dir', cache]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^removed 2 engines \\(6\\.0 MiB\\) from ${cache}\\n$`));
    expect((await runCli(['cache', 'ls', '--cache-dir', cache])).stdout).toBe(`engine cache ${cache}: empty\n`);
  });

  test('without --cache-dir: TRT_NODE_CACHE_DIR, and a folder that does not exist is an empty cache', async () => {
    const cache = path.join(dir, 'from-env');
    const saved = process.env.TRT_NODE_CACHE_DIR;
    process.env.TRT_NODE_CACHE_DIR = cache;
    try {
      expect(await runCli(['cache', 'ls'])).toMatchObject({ code: 0, stdout: `engine cache ${cache}: empty\n` });
      expect(await runCli(['cache', 'clear'])).toMatchObject({ code: 0, stdout: `removed 0 engines (0 B) from ${cache}\n` });
      expect(fs.existsSync(cache)).toBe(false); // listing and clearing create nothing
    } finally {
      if (saved === undefined) delete process.env.TRT_NODE_CACHE_DIR;
      else process.env.TRT_NODE_CACHE_DIR = saved;
    }
  });

  test('a cache folder that is a file exits 2 naming it; a missing subcommand shows the help and exits 2', async () => {
    const file = path.join(dir, 'a-file');
    fs.writeFileSync(file, 'x');
    const r = await runCli(['cache', 'ls', '--cache-dir', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`[ERR_TRT_NODE_FILE]: ${file}: the engine cache folder cannot be read`);
    expect((await runCli(['cache'])).code).toBe(2);
  });
});

describe('the cache flags of build, check and bench', () => {
  test.each([
    [['--cache-max-size', '1G'], 'Expected to come with --cache-dir for --cache-max-size but received 1073741824. It bounds the engine cache, which is used only when asked for'],
    [['--cache', '--cache-dir', '/tmp/x'], '--cache-dir and --cache set the same option: give it once'],
    [['--cache-dir', '/tmp/x', '--cache-max-size', 'big'], 'for --cache-max-size but received "big"'],
  ])('%j exits 2 naming the flags', async (flags, message) => {
    for (const command of [['build', DEFAULT_MODEL], ['check', DEFAULT_MODEL, '--no-probe'], ['bench', DEFAULT_MODEL, '--no-files']]) {
      const r = await runCli([...command, '--shapes', 'input:1x1x8x8..1x1x16x16..1x1x32x32', ...flags]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(message);
    }
  });

  test('library: cacheDir is a folder or true, cacheMaxBytes comes with it', () => {
    expect(caught(() => validateBuildOptions({ cacheDir: 5 })).message).toBe('Expected a folder path, or true (the default folder) for options.cacheDir but received 5');
    expect(caught(() => validateBuildOptions({ cacheMaxBytes: 2 ** 30 })).message).toContain('Expected to come with options.cacheDir for options.cacheMaxBytes');
    expect(validateBuildOptions({ cacheDir: true, cacheMaxBytes: 2 ** 30 })).toMatchObject({ cacheDir: true, cacheMaxBytes: 2 ** 30 });
  });

  // Registered only for a build without TensorRT, where it applies.
  if (/built without TensorRT/.test(gpuSkipReason() ?? '')) {
    test('without TensorRT, build --cache-dir exits 2 with the usual TensorRT-missing error and creates nothing', async () => {
      const cache = path.join(dir, 'never');
      const out = path.join(dir, 'never.plan');
      const r = await runCli(['build', '--shapes', 'input:1x1x64x64', '--cache-dir', cache, '-o', out]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^trt-node: error \[ERR_TRT_NODE_TENSORRT_UNAVAILABLE\]: TensorRT is not available/);
      expect(fs.existsSync(cache)).toBe(false);
      expect(fs.existsSync(out)).toBe(false);
      const err = await buildEngine(DEFAULT_MODEL, { profiles: { input: { min: [1, 1, 8, 8], opt: [1, 1, 8, 8], max: [1, 1, 8, 8] } }, cacheDir: cache }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'ERR_TRT_NODE_TENSORRT_UNAVAILABLE' });
      expect(fs.existsSync(cache)).toBe(false);
    });
  }
});
