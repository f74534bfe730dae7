/**
 * The engine cache's entries and locks (lib/cache, lib/io/file-lock) with a build handed in, so no TensorRT is
 * needed: a miss builds and stores, a hit builds nothing, an unusable entry is rebuilt with a note saying why,
 * pruning removes the least recently used, two processes asking for one key build once, and a lock left by a
 * process that is gone is taken over. No timing is asserted: every order of events the machine's load allows passes.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { cachedBuild, clearEngineCache, listEngineCache, type CacheEntryDescription, type EngineCacheSettings } from '../../lib/cache';
import { acquireFileLock, lockHolder } from '../../lib/io/file-lock';
import { runSnippet } from '../native/child';

const describes: CacheEntryDescription = {
  model: '/models/model.onnx',
  tensorrt: '10.16.0',
  device: { name: 'NVIDIA H100', computeCapability: '9.0' },
  settings: { tf32: true },
  profiles: [],
};
const KEY_A = 'a'.repeat(64);
const KEY_B = 'b'.repeat(64);
const KEY_C = 'c'.repeat(64);
const KEY_D = 'd'.repeat(64);

let root: string;
let dir: string;
let n = 0;
beforeAll(() => (root = fs.mkdtempSync(path.join(os.tmpdir(), 'trt-node-cache-'))));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
beforeEach(() => (dir = path.join(root, `cache-${++n}`)));

/** A build that counts its calls and returns `plan`. */
function builder(plan: Buffer, record: unknown = { buildMs: 1 }) {
  const calls: number[] = [];
  return {
    calls,
    build: async () => {
      calls.push(1);
      return { plan, record };
    },
  };
}

const settings = (over: Partial<EngineCacheSettings> = {}): EngineCacheSettings => ({ dir, maxBytes: 2 ** 30, ...over });

/** A pid that no process has now: a child that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

describe('cachedBuild: entries', () => {
  test('a miss builds and stores the plan with its record; the next call with the key returns them without building', async () => {
    const plan = Buffer.from('the serialized engine');
    const b = builder(plan, { buildMs: 1234, warnings: [{ severity: 'warning', message: 'w' }] });
    const first = await cachedBuild(settings(), KEY_A, describes, b.build);
    expect(first).toMatchObject({ cached: false, entry: path.join(dir, `${KEY_A}.plan`), notes: [] });
    expect(fs.readFileSync(path.join(dir, `${KEY_A}.plan`))).toEqual(plan);
    expect(JSON.parse(fs.readFileSync(path.join(dir, `${KEY_A}.json`), 'utf8'))).toMatchObject({ key: KEY_A, planBytes: plan.byteLength, describes });
    const second = await cachedBuild(settings(), KEY_A, describes, b.build);
    expect(second).toMatchObject({ cached: true, record: { buildMs: 1234, warnings: [{ message: 'w' }] }, notes: [] });
    expect(second.plan).toEqual(plan);
    expect(b.calls).toHaveLength(1);
    // Nothing else is left in the folder: no lock, no temporary file.
    expect(fs.readdirSync(dir).sort()).toEqual([`${KEY_A}.json`, `${KEY_A}.plan`]);
  });

  test.each([
    ['truncated', (plan: string) => fs.truncateSync(plan, 5), /its plan is 5 bytes, but 21 were written \(truncated\)/],
    ['corrupted', (plan: string) => fs.writeFileSync(plan, 'THE serialized engine'), /checksum \(sha256\) differs from the one recorded \(corrupted\)/],
    ['without its record', (plan: string) => fs.rmSync(plan.replace(/\.plan$/, '.json')), /its record \(\.json\) is missing/],
    ['with a record that is not JSON', (plan: string) => fs.writeFileSync(plan.replace(/\.plan$/, '.json'), '{"key":'), /its record \(\.json\) is not valid JSON/],
    ['without its plan', (plan: string) => fs.rmSync(plan), /its plan is missing/],
  ])('an entry %s is rebuilt, with a note saying why', async (_what, damage, why) => {
    const plan = Buffer.from('the serialized engine');
    const b = builder(plan);
    const first = await cachedBuild(settings(), KEY_A, describes, b.build);
    damage(first.entry);
    const again = await cachedBuild(settings(), KEY_A, describes, b.build);
    expect(again.cached).toBe(false);
    expect(again.notes).toHaveLength(1);
    expect(again.notes[0]).toContain(`engine cache entry ${first.entry} is rebuilt: `);
    expect(again.notes[0]).toMatch(why);
    expect(b.calls).toHaveLength(2);
    // Rebuilt whole: the next call is a hit.
    expect((await cachedBuild(settings(), KEY_A, describes, b.build)).cached).toBe(true);
  });

  test('a build that fails stores nothing and leaves no lock; the error is the build\'s', async () => {
    const failing = async (): Promise<never> => {
      throw new Error('the builder failed');
    };
    await expect(cachedBuild(settings(), KEY_A, describes, failing)).rejects.toThrow('the builder failed');
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  test('an entry that cannot be written is reported in the notes; the plan built is still returned', async () => {
    const b = builder(Buffer.from('plan'));
    fs.mkdirSync(dir, { recursive: true });
    fs.mkdirSync(path.join(dir, `${KEY_A}.plan`)); // a folder where the plan goes: the atomic writer refuses it
    const r = await cachedBuild(settings(), KEY_A, describes, b.build);
    expect(r.plan.toString()).toBe('plan');
    expect(r.cached).toBe(false);
    expect(r.notes.join('\n')).toMatch(/could not be stored in the cache: .*it is a folder/);
  });
});

describe('pruning', () => {
  test('after a write, the least recently used entries go until the cache fits its bound; the one just written stays', async () => {
    const plan = (c: string) => Buffer.alloc(400_000, c);
    for (const [key, c] of [[KEY_A, 'a'], [KEY_B, 'b'], [KEY_C, 'c']] as const) await cachedBuild(settings(), key, describes, builder(plan(c)).build);
    // Last uses, set explicitly: B, then A, then C.
    const at = (key: string, iso: string) => fs.utimesSync(path.join(dir, `${key}.json`), new Date(iso), new Date(iso));
    at(KEY_B, '2020-01-01T00:00:00Z');
    at(KEY_A, '2021-01-01T00:00:00Z');
    at(KEY_C, '2022-01-01T00:00:00Z');
    // A hit marks A used now: it is no longer the least recently used.
    expect((await cachedBuild(settings(), KEY_A, describes, builder(plan('x')).build)).cached).toBe(true);
    expect((await listEngineCache(dir)).map((e) => e.key)).toEqual([KEY_B, KEY_C, KEY_A]);
    // Room for two entries of ~400 kB: writing D removes B, then C; A (used just now) and D stay.
    const r = await cachedBuild(settings({ maxBytes: 1_000_000 }), KEY_D, describes, builder(plan('d')).build);
    expect(r.cached).toBe(false);
    expect((await listEngineCache(dir)).map((e) => e.key).sort()).toEqual([KEY_A, KEY_D]);
  });

  test('an engine larger than the bound alone is kept, with a note', async () => {
    const r = await cachedBuild(settings({ maxBytes: 2 ** 20 }), KEY_A, describes, builder(Buffer.alloc(2 ** 20 + 1)).build);
    expect(r.notes.join('\n')).toMatch(/alone is larger than the cache's size bound \(1\.0 MiB\)/);
    expect(fs.existsSync(r.entry)).toBe(true);
  });
});

describe('listEngineCache and clearEngineCache', () => {
  test('a folder that does not exist is an empty cache', async () => {
    expect(await listEngineCache(path.join(root, 'none'))).toEqual([]);
    expect(await clearEngineCache(path.join(root, 'none'))).toEqual({ entries: 0, bytes: 0, busy: 0 });
  });

  test('ls names each entry with what it was built from and any problem; clear removes entries and leftovers, and only those', async () => {
    await cachedBuild(settings(), KEY_A, describes, builder(Buffer.from('plan A')).build);
    await cachedBuild(settings(), KEY_B, describes, builder(Buffer.from('plan B')).build);
    fs.truncateSync(path.join(dir, `${KEY_B}.plan`), 2);
    fs.writeFileSync(path.join(dir, `.${KEY_C}.plan.${deadPid()}.0a1b.tmp`), 'left by a writer that died');
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'not the cache\'s');
    const entries = await listEngineCache(dir);
    expect(entries).toHaveLength(2);
    const a = entries.find((e) => e.key === KEY_A)!;
    expect(a).toMatchObject({ plan: path.join(dir, `${KEY_A}.plan`), describes, problem: null, locked: false });
    expect(entries.find((e) => e.key === KEY_B)!.problem).toBe('its plan is 2 bytes, 6 were written');
    const cleared = await clearEngineCache(dir);
    expect(cleared).toMatchObject({ entries: 2, busy: 0 });
    expect(cleared.bytes).toBe(entries.reduce((s, e) => s + e.bytes, 0));
    expect(fs.readdirSync(dir)).toEqual(['notes.txt']);
  });

  test('clear leaves an entry whose lock a live process holds', async () => {
    await cachedBuild(settings(), KEY_A, describes, builder(Buffer.from('plan A')).build);
    const lock = await acquireFileLock(path.join(dir, `${KEY_A}.lock`), { timeoutMs: 1000, what: 'entry A' });
    try {
      expect((await listEngineCache(dir))[0].locked).toBe(true);
      expect(await clearEngineCache(dir)).toMatchObject({ entries: 0, busy: 1 });
      expect(fs.existsSync(path.join(dir, `${KEY_A}.plan`))).toBe(true);
    } finally {
      await lock.release();
    }
  });
});

describe('the lock', () => {
  test('two processes asking for one key: one builds, the other waits and loads what it wrote', async () => {
    fs.mkdirSync(dir, { recursive: true });
    const log = path.join(root, `race-${n}.log`);
    fs.writeFileSync(log, '');
    const snippet = `
      import * as fs from 'fs';
      import { cachedBuild } from 'ROOT/lib/cache';
      const log = ${JSON.stringify(log)};
      const started = () => fs.readFileSync(log, 'utf8').split('\\n').filter((l) => l.startsWith('start')).length;
      async function main() {
        fs.appendFileSync(log, 'start ' + process.pid + '\\n');
        const r = await cachedBuild({ dir: ${JSON.stringify(dir)}, maxBytes: 2 ** 30 }, '${KEY_A}', ${JSON.stringify(describes)}, async () => {
          fs.appendFileSync(log, 'build ' + process.pid + '\\n');
          // Hold the lock until the other process has started: it then waits for this build, or finds its entry.
          while (started() < 2) await new Promise((r) => setTimeout(r, 20));
          return { plan: Buffer.from('built by ' + process.pid), record: { by: process.pid } };
        });
        process.stdout.write(JSON.stringify({ pid: process.pid, cached: r.cached, plan: r.plan.toString(), record: r.record }));
      }
      main().catch((e) => { console.error(e); process.exit(1); });
    `;
    const results = await Promise.all([runSnippet(snippet), runSnippet(snippet)]);
    for (const r of results) expect(r.stderr).toBe('');
    const out = results.map((r) => JSON.parse(r.stdout) as { pid: number; cached: boolean; plan: string; record: { by: number } });
    const builds = fs.readFileSync(log, 'utf8').split('\n').filter((l) => l.startsWith('build'));
    expect(builds).toHaveLength(1);
    const builder = Number(builds[0].split(' ')[1]);
    expect(out.map((o) => o.cached).sort()).toEqual([false, true]);
    for (const o of out) expect(o).toMatchObject({ plan: `built by ${builder}`, record: { by: builder } });
    expect(out.find((o) => !o.cached)!.pid).toBe(builder);
    expect(fs.readdirSync(dir).sort()).toEqual([`${KEY_A}.json`, `${KEY_A}.plan`]);
  }, 240_000);

  test('a lock left by a process that is gone is taken over', async () => {
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${KEY_A}.lock`);
    fs.writeFileSync(file, JSON.stringify({ pid: deadPid(), host: os.hostname(), token: 'x', since: '2020-01-01T00:00:00Z' }));
    expect(lockHolder(file)).toBeNull();
    const r = await cachedBuild(settings({ lockTimeoutMs: 60_000 }), KEY_A, describes, builder(Buffer.from('plan')).build);
    expect(r.cached).toBe(false);
    expect(fs.existsSync(file)).toBe(false);
  });

  test('a lock not refreshed for longer than the stale limit is taken over (a holder on another host)', async () => {
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${KEY_A}.lock`);
    fs.writeFileSync(file, JSON.stringify({ pid: 1, host: 'another-host', token: 'x', since: '2020-01-01T00:00:00Z' }));
    fs.utimesSync(file, new Date('2020-01-01T00:00:00Z'), new Date('2020-01-01T00:00:00Z'));
    const r = await cachedBuild(settings({ lockTimeoutMs: 60_000 }), KEY_A, describes, builder(Buffer.from('plan')).build);
    expect(r.cached).toBe(false);
  });

  test('a lock a live process holds: the wait ends with LockTimeoutError naming the holder, or AbortError when aborted', async () => {
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${KEY_A}.lock`);
    // The parent of this test process: alive, on this host, not this process.
    fs.writeFileSync(file, JSON.stringify({ pid: process.ppid, host: os.hostname(), token: 'x', since: '2020-01-01T00:00:00Z' }));
    const b = builder(Buffer.from('plan'));
    const err = await cachedBuild(settings({ lockTimeoutMs: 100 }), KEY_A, describes, b.build).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'LockTimeoutError', code: 'ERR_TRT_NODE_LOCK_TIMEOUT', details: { file } });
    expect((err as Error).message).toContain(`is locked by process ${process.ppid} on ${os.hostname()}, since 2020-01-01T00:00:00Z (${file})`);
    const controller = new AbortController();
    const waiting = cachedBuild(settings({ signal: controller.signal }), KEY_A, describes, b.build);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ code: 'ERR_TRT_NODE_ABORTED' });
    expect(b.calls).toHaveLength(0);
    expect(fs.existsSync(file)).toBe(true); // someone else's lock is left alone
  });
});
