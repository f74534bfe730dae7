/**
 * The engine cache with real builds (TensorRT, or trt-node's stand-in under `npm run test:standin`): a second build
 * of the same model and settings is the cached plan, which loads and runs; another setting builds again; a damaged
 * entry is rebuilt with a note; two processes asking for one key build once; the CLI's --cache-dir on build, check
 * and export triton shares one entry, and `cache ls` shows it. The key's and the lock's own logic are tested without
 * TensorRT in test/cache.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { listEngineCache } from '../../lib/cache';
import { buildEngine } from '../../lib/trt/build';
import { Engine } from '../../lib/trt/engine';
import { runCli } from '../helpers/cli';
import { lastJson, runSnippet, type ChildResult } from './child';
import { profiles, superRes } from './engine-fixtures';
import { describeWithGpu, describeWithStandIn } from './gpu-gate';

const profile = profiles[0];
const sha = (b: Uint8Array) => crypto.createHash('sha256').update(b).digest('hex');

function expectCleanExit(result: ChildResult): void {
  if (result.signal !== null || result.code !== 0) throw new Error(`the child ended with ${result.signal ?? `code ${result.code}`}:\n${result.stdout}\n${result.stderr}`);
}

/** A child process that builds superRes with `profile` through the cache in `dir`; prints what it got. */
function buildInChild(dir: string, env: Record<string, string> = {}): Promise<ChildResult> {
  return runSnippet(
    `
    import * as crypto from 'crypto';
    import { buildEngine } from 'ROOT/lib/trt/build';
    (async () => {
      const r = await buildEngine(${JSON.stringify(superRes)}, { profiles: ${JSON.stringify(profile)}, cacheDir: ${JSON.stringify(dir)} });
      process.stdout.write(JSON.stringify({ cached: r.cached, entry: r.cacheEntry, sha: crypto.createHash('sha256').update(r.plan).digest('hex') }) + '\\n');
    })().catch((e) => { console.error(e); process.exit(1); });
    `,
    env,
    280_000,
  );
}

describeWithGpu('the engine cache on TensorRT', () => {
  jest.setTimeout(300_000);
  let root: string;
  beforeAll(() => (root = fs.mkdtempSync(path.join(os.tmpdir(), 'trt-node-engine-cache-'))));
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('the second build of the same model and settings is the cached plan, which loads and runs; another setting builds again', async () => {
    const dir = path.join(root, 'lib');
    const first = await buildEngine(superRes, { profiles: profile, cacheDir: dir });
    expect(first).toMatchObject({ cached: false, cacheEntry: expect.stringMatching(/[0-9a-f]{64}\.plan$/) });
    expect(fs.readFileSync(first.cacheEntry!)).toEqual(first.plan);
    const second = await buildEngine(superRes, { profiles: profile, cacheDir: dir });
    expect(second).toMatchObject({ cached: true, cacheEntry: first.cacheEntry, buildMs: first.buildMs, timingCacheFile: null, tensorrtVersion: first.tensorrtVersion });
    expect(sha(second.plan)).toBe(sha(first.plan));
    const engine = await Engine.load(second.plan);
    try {
      const out = await engine.run({ input: { type: 'float32', dims: [1, 1, 32, 32], data: new Float32Array(32 * 32).fill(0.5) } });
      expect(out.output.dims).toEqual([1, 1, 96, 96]);
    } finally {
      engine.dispose();
    }
    const other = await buildEngine(superRes, { profiles: profile, cacheDir: dir, tf32: false });
    expect(other.cached).toBe(false);
    expect(other.cacheEntry).not.toBe(first.cacheEntry);
    expect((await listEngineCache(dir)).map((e) => e.plan).sort()).toEqual([first.cacheEntry, other.cacheEntry].sort());
  });

  it('a damaged entry is rebuilt, and the build says why in its warnings', async () => {
    const dir = path.join(root, 'damaged');
    const first = await buildEngine(superRes, { profiles: profile, cacheDir: dir });
    const plan = fs.readFileSync(first.cacheEntry!);
    plan[plan.length >> 1] ^= 0xff;
    fs.writeFileSync(first.cacheEntry!, plan);
    const again = await buildEngine(superRes, { profiles: profile, cacheDir: dir });
    expect(again.cached).toBe(false);
    expect(again.warnings).toContainEqual({
      severity: 'warning',
      message: `trt-node: engine cache entry ${first.cacheEntry} is rebuilt: its plan's checksum (sha256) differs from the one recorded (corrupted)`,
    });
    expect((await buildEngine(superRes, { profiles: profile, cacheDir: dir })).cached).toBe(true);
  });

  it('two processes building the same key: one builds, the other waits and loads its plan', async () => {
    const dir = path.join(root, 'race');
    const results = await Promise.all([buildInChild(dir), buildInChild(dir)]);
    results.forEach(expectCleanExit);
    const got = results.map((r) => lastJson<{ cached: boolean; entry: string; sha: string }>(r));
    expect(got.map((g) => g.cached).sort()).toEqual([false, true]);
    expect(got[0].sha).toBe(got[1].sha);
    expect(got[0].entry).toBe(got[1].entry);
    expect(fs.readdirSync(dir).sort()).toEqual([path.basename(got[0].entry).replace('.plan', '.json'), path.basename(got[0].entry)].sort());
  });

  it('CLI: build --cache-dir twice builds once; check and export triton with the same profile use that entry; cache ls shows it', async () => {
    const dir = path.join(root, 'cli');
    const shapes = ['--shapes', 'input:1x1x16x16..1x1x32x32..1x1x64x64'];
    const a = path.join(root, 'a.plan');
    const b = path.join(root, 'b.plan');
    const first = await runCli(['build', superRes, ...shapes, '--cache-dir', dir, '-o', a, '--no-progress']);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^wrote .*a\.plan \(.*\) in \d+\.\d s with TensorRT/);
    expect(first.stdout).toMatch(/engine cache entry: .*[0-9a-f]{64}\.plan\n/);
    const second = await runCli(['build', superRes, ...shapes, '--cache-dir', dir, '-o', b, '--no-progress', '--json']);
    expect(second.code).toBe(0);
    const doc = JSON.parse(second.stdout) as { cached: boolean; cacheEntry: string };
    expect(doc.cached).toBe(true);
    expect(fs.readFileSync(b)).toEqual(fs.readFileSync(a));

    const check = await runCli(['check', superRes, ...shapes, '--cache-dir', dir, '--no-probe']);
    expect(check.stderr).not.toMatch(/ERR_TRT_NODE/);
    const repo = path.join(root, 'repo');
    const exported = await runCli(['export', 'triton', superRes, '--repo', repo, ...shapes, '--cache-dir', dir]);
    expect(exported.code).toBe(0);
    expect(fs.readFileSync(path.join(repo, 'super_resolution', '1', 'model.plan'))).toEqual(fs.readFileSync(a));
    const ls = await runCli(['cache', 'ls', '--cache-dir', dir, '--json']);
    expect((JSON.parse(ls.stdout) as { entries: { plan: string }[] }).entries.map((e) => e.plan)).toEqual([doc.cacheEntry]);

    fs.truncateSync(doc.cacheEntry, 100);
    const rebuilt = await runCli(['build', superRes, ...shapes, '--cache-dir', dir, '-o', b, '--no-progress']);
    expect(rebuilt.code).toBe(0);
    expect(rebuilt.stderr).toContain(`trt-node: engine cache entry ${doc.cacheEntry} is rebuilt: its plan is 100 bytes, but `);
    expect((await runCli(['cache', 'clear', '--cache-dir', dir])).stdout).toMatch(/^removed 1 engine \(/);
  });
});

describeWithStandIn('the engine cache on the stand-in: the GPU is in the key', () => {
  jest.setTimeout(300_000);
  it('the same build for a GPU of another compute capability is built again, and recorded as such', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trt-node-engine-cache-gpu-'));
    try {
      const here = lastJson<{ cached: boolean; entry: string }>(await buildInChild(dir));
      expect(here.cached).toBe(false);
      // The stand-in's CUDA reports this compute capability (a GPU of another generation).
      const other = await buildInChild(dir, { TRT_STANDIN_CUDA_COMPUTE_CAPABILITY: '8.6' });
      expectCleanExit(other);
      const there = lastJson<{ cached: boolean; entry: string }>(other);
      expect(there.cached).toBe(false);
      expect(there.entry).not.toBe(here.entry);
      const entries = await listEngineCache(dir);
      expect(entries.map((e) => e.describes?.device.computeCapability).sort()).toEqual(['8.6', '9.0']);
      expect(lastJson<{ cached: boolean }>(await buildInChild(dir, { TRT_STANDIN_CUDA_COMPUTE_CAPABILITY: '8.6' })).cached).toBe(true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
