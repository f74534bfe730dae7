/**
 * Throughput on the TensorRT stand-in (issue 23 items 1 and 2): several execution contexts per profile whose runs
 * overlap, CUDA graph capture and replay (and its fallback, with the reason), an EnginePool over two stand-in devices,
 * and `bench --streams --concurrency --cuda-graph --duration --devices`. Overlap is proved by runs that block until
 * another is in progress (TRT_STANDIN_RENDEZVOUS), never by timing. Runs only under `npm run test:standin`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { buildEngine } from '../../lib/trt/build';
import { Engine } from '../../lib/trt/engine';
import type { RunExecution } from '../../lib/trt/run-execution';
import { lastJson, runSnippet } from './child';
import { randomFloats, superResPlanFile } from './engine-fixtures';
import { describeWithStandIn, hostCudaStandIn } from './gpu-gate';

const nonzero = path.join(__dirname, '..', 'fixtures', 'dynamo_nonzero', 'model.onnx');

/** The bundled model's feeds at n×n, seeded. */
function feeds(n: number, seed: number) {
  return { input: { type: 'float32' as const, dims: [1, 1, n, n], data: randomFloats(n * n, seed) } };
}

/** A snippet's prelude: the plan, an engine without graphs or extra contexts to compare with, and the feeds. */
function prelude(planFile: string): string {
  return `
    import * as fs from 'fs';
    import { Engine } from 'ROOT/lib/trt/engine';
    import { EnginePool } from 'ROOT/lib/trt/engine-pool';
    import { mulberry32 } from 'ROOT/lib/data';
    const plan = fs.readFileSync(${JSON.stringify(planFile)});
    const feeds = (n: number, seed: number) => {
      const next = mulberry32(seed);
      return { input: { type: 'float32' as const, dims: [1, 1, n, n], data: Float32Array.from({ length: n * n }, next) } };
    };
    const same = (a: { output: { data: unknown } }, b: { output: { data: unknown } }) =>
      Buffer.compare(Buffer.from((a.output.data as Float32Array).buffer), Buffer.from((b.output.data as Float32Array).buffer)) === 0;
    const settle = <T,>(p: Promise<T>) => p.then((v) => ({ ok: v }), (e: Error) => ({ error: e.message }));
  `;
}

describeWithStandIn('throughput: execution contexts, CUDA graphs, several devices (the TensorRT stand-in)', () => {
  jest.setTimeout(300_000);
  const { dir, planFile } = superResPlanFile('trt-node-throughput-');
  let plain: Engine;
  beforeAll(async () => void (plain = await Engine.load(planFile)));
  afterAll(() => plain.dispose());

  it('contexts: 2 runs on one profile are in progress at once on two contexts; with one context they cannot be', async () => {
    // Each run's work waits until two runs' work is in progress (TRT_STANDIN_RENDEZVOUS): with two contexts both
    // finish; with one, the first waits alone until the timeout and fails, and so does the second after it.
    const result = await runSnippet(
      `${prelude(planFile)}
      (async () => {
        const two = await Engine.load(plan, { contexts: 2 });
        const both = await Promise.all([two.runWithTimings(feeds(32, 1)), two.runWithTimings(feeds(32, 2))]);
        const one = await Engine.load(plan, { contexts: 1, pollWhileRunning: false });
        const alone = await Promise.all([settle(one.runWithTimings(feeds(32, 1))), settle(one.runWithTimings(feeds(32, 2)))]);
        process.stdout.write(JSON.stringify({
          contexts: two.contexts,
          executions: both.map((r) => r.execution),
          alone: alone.map((r) => ('error' in r ? r.error : 'resolved')),
        }) + '\\n');
        two.dispose(); one.dispose();
      })();
      `,
      { TRT_STANDIN_RENDEZVOUS: '2,1500' },
    );
    expect([result.signal, result.code]).toEqual([null, 0]);
    const r = lastJson<{ contexts: number; executions: RunExecution[]; alone: string[] }>(result);
    expect(r.contexts).toBe(2);
    expect(r.executions.map((e) => e.context).sort()).toEqual([0, 1]);
    // What the addon reports agrees: each run started before the other ended.
    const [a, b] = r.executions;
    expect(a.startedAtMs).toBeLessThan(b.endedAtMs);
    expect(b.startedAtMs).toBeLessThan(a.endedAtMs);
    for (const message of r.alone) expect(message).toMatch(/TRT_STANDIN_RENDEZVOUS: 2 runs were not in progress at once/);
  });

  it('contexts: concurrent runs give each its own outputs', async () => {
    const engine = await Engine.load(planFile, { contexts: 3 });
    try {
      const seeds = [1, 2, 3, 4, 5, 6, 7, 8];
      const results = await Promise.all(seeds.map((s) => engine.runWithTimings(feeds(32, s))));
      for (const [i, s] of seeds.entries()) {
        expect(results[i].outputs.output.data).toEqual((await plain.run(feeds(32, s))).output.data);
        expect(results[i].execution.context).toBeLessThan(3);
        expect(results[i].execution.device).toBe(0);
      }
    } finally {
      engine.dispose();
    }
  });

  it('cudaGraph: captured after the first run at new shapes, launched after, captured again when the shapes change; outputs as enqueueV3 gives them', async () => {
    const engine = await Engine.load(planFile, { cudaGraph: true });
    try {
      const uses: string[] = [];
      let seed = 10;
      for (const n of [32, 32, 32, 32, 16, 16, 32, 32]) {
        const f = feeds(n, seed++);
        const r = await engine.runWithTimings(f);
        uses.push(`${n}:${r.execution.cudaGraph}`);
        expect(r.execution.cudaGraphReason).toBeUndefined();
        // Each launch reads the new feeds: a graph replaying stale inputs would give the first run's outputs.
        expect(r.outputs.output.data).toEqual((await plain.run(f)).output.data);
      }
      expect(uses).toEqual(['32:captured', '32:launched', '32:launched', '32:launched', '16:captured', '16:launched', '32:captured', '32:launched']);
      // A binding's runs launch the graph too.
      const binding = await engine.bind(feeds(32, 40));
      const bound = await binding.runWithTimings();
      expect(bound.execution.cudaGraph).toBe('launched');
      binding.dispose();
      // Plain runs report graphs off.
      expect((await plain.runWithTimings(feeds(32, 1))).execution.cudaGraph).toBe('off');
    } finally {
      engine.dispose();
    }
  });

  it('cudaGraph: falls back to enqueueV3 with the reason when an output has data-dependent shape', async () => {
    const built = await buildEngine(nonzero);
    const graphs = await Engine.load(built.plan, { cudaGraph: true });
    const reference = await Engine.load(built.plan);
    try {
      for (let i = 0; i < 3; i++) {
        const x = { x: { type: 'float32' as const, dims: [1, 3, 8, 8], data: randomFloats(3 * 64, i + 1).map((v) => v - 0.5) } };
        const r = await graphs.runWithTimings(x);
        expect(r.execution.cudaGraph).toBe('refused');
        expect(r.execution.cudaGraphReason).toMatch(/enqueueV3 failed under stream capture.*data-dependent shapes/);
        const want = await reference.run(x);
        expect(r.outputs.nonzero.dims).toEqual(want.nonzero.dims);
        expect(r.outputs.nonzero.data).toEqual(want.nonzero.data);
      }
    } finally {
      graphs.dispose();
      reference.dispose();
    }
  });

  it('cudaGraph: falls back with the reason when cudaStreamBeginCapture is refused (TRT_STANDIN_CUDA_GRAPHS=0)', async () => {
    if (!hostCudaStandIn()) return; // the switch is the host CUDA stand-in's
    const result = await runSnippet(
      `${prelude(planFile)}
      (async () => {
        const engine = await Engine.load(plan, { cudaGraph: true });
        const reference = await Engine.load(plan);
        const runs = [];
        for (const seed of [1, 2, 3]) {
          const r = await engine.runWithTimings(feeds(32, seed));
          runs.push({ use: r.execution.cudaGraph, reason: r.execution.cudaGraphReason, same: same(r.outputs as never, (await reference.run(feeds(32, seed))) as never) });
        }
        process.stdout.write(JSON.stringify(runs) + '\\n');
        engine.dispose(); reference.dispose();
      })();
      `,
      { TRT_STANDIN_CUDA_GRAPHS: '0' },
    );
    const runs = lastJson<{ use: string; reason: string; same: boolean }[]>(result);
    expect(runs).toHaveLength(3);
    for (const r of runs) {
      expect(r).toEqual({ use: 'refused', reason: expect.stringMatching(/^cudaStreamBeginCapture failed: cudaErrorStreamCaptureUnsupported/), same: true });
    }
  });

  describe('two stand-in devices (TRT_STANDIN_CUDA_DEVICES=2)', () => {
    const twoDevices = { TRT_STANDIN_CUDA_DEVICES: '2' };
    beforeAll(() => {
      if (!hostCudaStandIn()) throw new Error('these tests need the host CUDA stand-in (npm run test:standin -- --cuda host)');
    });

    it("EnginePool.load(plan, { devices: 'all' }): runs land on both devices, with the outputs of one engine", async () => {
      const result = await runSnippet(
        `${prelude(planFile)}
        (async () => {
          const pool = await EnginePool.load(plan, { devices: 'all', contexts: 2, cudaGraph: true });
          const reference = await Engine.load(plan);
          const seeds = [1, 2, 3, 4, 5, 6, 7, 8];
          const concurrent = await Promise.all(seeds.map((s) => pool.runWithTimings(feeds(32, s))));
          const sequential = [];
          for (const s of seeds.slice(0, 4)) sequential.push((await pool.runWithTimings(feeds(32, s))).execution.device);
          const same = [];
          for (const [i, s] of seeds.entries()) same.push(Buffer.compare(Buffer.from((concurrent[i].outputs.output.data as Float32Array).buffer), Buffer.from(((await reference.run(feeds(32, s))).output.data as Float32Array).buffer)) === 0);
          process.stdout.write(JSON.stringify({
            devices: pool.devices,
            engineDevices: pool.engines.map((e) => e.device),
            concurrent: concurrent.map((r) => r.execution.device),
            sequential,
            same,
            dispatched: pool.dispatched(),
          }) + '\\n');
          pool.dispose(); reference.dispose();
        })();
        `,
        twoDevices,
      );
      expect([result.signal, result.code]).toEqual([null, 0]);
      const r = lastJson<{ devices: number[]; engineDevices: number[]; concurrent: number[]; sequential: number[]; same: boolean[]; dispatched: number[] }>(result);
      expect(r.devices).toEqual([0, 1]);
      expect(r.engineDevices).toEqual([0, 1]);
      // Eight at once: four each (the least busy takes the next).
      expect(r.concurrent.filter((d) => d === 0)).toHaveLength(4);
      expect(r.concurrent.filter((d) => d === 1)).toHaveLength(4);
      expect(r.sequential).toEqual([0, 1, 0, 1]);
      expect(r.same).toEqual(Array(8).fill(true));
      expect(r.dispatched).toEqual([6, 6]);
    });

    it('bench --streams 2 --concurrency 2 --cuda-graph --duration 0.5 --devices all: the JSON report says where runs went, labelled as the stand-in', async () => {
      const json = path.join(dir, 'bench.json');
      const result = await runSnippet(
        `
        import { main } from 'ROOT/lib/cli/main';
        main(['node', 'trt-node', 'bench', '--shapes', 'input:1x1x16x16', '--backends', 'trt', '--warmup', '4', '--streams', '2', '--concurrency', '2',
              '--cuda-graph', '--duration', '0.5', '--devices', 'all', '--json', ${JSON.stringify(json)}]).then((code) => { process.exitCode = code; });
        `,
        twoDevices,
      );
      expect(result.code).toBe(0);
      const report = JSON.parse(fs.readFileSync(json, 'utf8'));
      expect(report.settings).toMatchObject({ iterations: null, durationS: 0.5, concurrency: 2, streams: 2, cudaGraph: true, devices: 'all' });
      const run = report.runs[0];
      expect(run).toMatchObject({
        kind: 'tensorrt',
        available: true,
        concurrency: 2,
        standIn: 'TensorRT stand-in, host CUDA — not TensorRT',
        settings: expect.objectContaining({ contexts: 2, cudaGraph: true, devices: [0, 1] }),
        throughput: { inferencesPerSec: expect.any(Number), itemsPerSec: expect.any(Number), timedS: expect.any(Number) },
        latency: expect.objectContaining({ min: expect.any(Number), median: expect.any(Number), p90: expect.any(Number), p95: expect.any(Number), p99: expect.any(Number), max: expect.any(Number) }),
      });
      expect(Object.keys(run.execution.runsPerDevice).sort()).toEqual(['0', '1']);
      expect(run.execution.cudaGraph.launched).toBeGreaterThan(0);
      expect(run.execution.cudaGraphRefusals).toEqual([]);
      expect(run.samplesMs.length).toBe(Object.values(run.execution.runsPerDevice as Record<string, number>).reduce((a, b) => a + b, 0));
      expect(result.stdout).toMatch(/tensorrt \(stand-in\): every figure of these rows is trt-node's TensorRT stand-in, host CUDA — not TensorRT/);
    });
  });
});
