/**
 * TensorRT + GPU: build the fixtures' engines with profiles, run them at each profile's min/opt/max and compare with
 * onnxruntime-node (CPU), then concurrency, a 10k-run leak check, cancellation, dispose. Skipped, with the reason
 * printed, where the addon has no TensorRT or the CUDA runtime sees no GPU.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ort from 'onnxruntime-node';
import { DisposedError, EngineError, ParseError, ShapeError, UnsupportedOptionError } from '../../lib/errors';
import { buildEngine } from '../../lib/trt/build';
import type { BuildProgressEvent } from '../../lib/trt/build-options';
import { Engine } from '../../lib/trt/engine';
import type { LogEntry } from '../../lib/trt/log';
import { requireTensorRT } from '../../lib/trt/tensorrt';
import { fixtures, maxAbsDiff, profiles, randomFloats, superRes } from './engine-fixtures';
import { ChildResult, lastJson, runSnippet } from './child';
import { addon, describeWithGpu } from './gpu-gate';

function randomInput(dims: number[], seed: number): ort.Tensor {
  return new ort.Tensor('float32', randomFloats(dims.reduce((a, b) => a * b, 1), seed), dims);
}

/** The child ended by itself with code 0; otherwise the failure shows what it printed. */
function expectCleanExit(result: ChildResult): void {
  if (result.signal !== null || result.code !== 0) {
    throw new Error(`the child ended with ${result.signal ?? `code ${result.code}`}:\n${result.stdout}\n${result.stderr}`);
  }
}

/**
 * Host (RSS) and device memory growth over `rounds` rounds of runs on both profiles, measured in a process of its own:
 * there gc() is real (jest does not expose it) and, under AddressSanitizer, its quarantine of freed memory (256 MB by
 * default, which RSS would measure instead of trt-node) is off. 'plain': Engine.run on both profiles; 'bound': a
 * binding on each profile with a plain run beside them (`unchanged`: the bound outputs did not drift).
 */
async function memoryGrowth(kind: 'plain' | 'bound', rounds: number): Promise<{ rssMiB: number; deviceMiB: number; unchanged: boolean }> {
  const asan = process.env.ASAN_OPTIONS;
  const result = await runSnippet(
    `
    import { setFlagsFromString } from 'v8';
    import { runInNewContext } from 'vm';
    import { buildEngine } from 'ROOT/lib/trt/build';
    import { Engine } from 'ROOT/lib/trt/engine';
    import { loadAddon } from 'ROOT/lib/native/binding';
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    (async () => {
      const engine = await Engine.load((await buildEngine('ROOT/test/fixtures/super_resolution/model.onnx', { profiles: ${JSON.stringify(profiles)} })).plan);
      const feeds = (dims: number[]) => ({ input: { type: 'float32' as const, dims, data: new Float32Array(dims.reduce((a, b) => a * b, 1)).fill(0.5) } });
      const small = feeds([1, 1, 16, 16]);
      const large = feeds([2, 1, 80, 80]);
      let round: () => Promise<unknown>;
      let last = () => [] as number[];
      if (${JSON.stringify(kind)} === 'bound') {
        const [a, b] = [await engine.bind(small), await engine.bind(large)];
        last = () => Array.from(b.outputs.output.data as Float32Array);
        round = () => Promise.all([a.run(), b.run(), engine.run(large)]);
      } else {
        round = () => Promise.all([engine.run(small), engine.run(large)]);
      }
      const measure = () => {
        for (let i = 0; i < 3; i++) gc();
        return { rss: process.memoryUsage().rss, free: loadAddon().cudaInfo(engine.device).devices[engine.device].freeMemoryBytes ?? NaN };
      };
      for (let i = 0; i < 200; i++) await round();
      const first = last();
      const before = measure();
      for (let i = 0; i < ${rounds}; i++) await round();
      const after = measure();
      const unchanged = JSON.stringify(last()) === JSON.stringify(first);
      process.stdout.write(JSON.stringify({ rssMiB: (after.rss - before.rss) / 2 ** 20, deviceMiB: (before.free - after.free) / 2 ** 20, unchanged }) + '\\n');
    })();
    `,
    asan === undefined ? {} : { ASAN_OPTIONS: `${asan}:quarantine_size_mb=0` },
    600_000,
  );
  return lastJson(result);
}

describeWithGpu('TensorRT engines on the GPU', () => {
  jest.setTimeout(600_000);
  let plan: Buffer;
  let engine: Engine;
  let session: ort.InferenceSession;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trt-node-gpu-'));
  const cacheFile = path.join(dir, 'timing.cache');

  beforeAll(async () => {
    const progress: BuildProgressEvent[] = [];
    const log: LogEntry[] = [];
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    const result = await buildEngine(superRes, {
      profiles,
      timingCache: cacheFile,
      workspaceBytes: 1 << 30,
      onProgress: (e) => progress.push(e),
      onLog: (e) => log.push(e),
      logLevel: 'info',
    });
    clearInterval(timer);
    plan = result.plan;
    // the build ran off the JS thread: the event loop kept ticking (how often depends on the machine's load)
    expect(ticks).toBeGreaterThan(0);
    expect(progress.some((e) => e.kind === 'start' && e.parent === null)).toBe(true);
    expect(log.length).toBeGreaterThan(0);
    expect(fs.statSync(cacheFile).size).toBeGreaterThan(0);
    expect(result.tensorrtVersion).toBe(requireTensorRT().version.text);
    engine = await Engine.load(plan);
    session = await ort.InferenceSession.create(superRes);
  });

  afterAll(() => {
    engine?.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reports IO tensors with -1 for dynamic axes and per-profile ranges, and the library that runs it', () => {
    expect(engine.profileCount).toBe(2);
    const standIn = addon().tensorrtRuntimeInfo()?.standIn;
    expect(engine.library).toBe(standIn ?? `TensorRT ${requireTensorRT().version.text}`);
    expect(engine.inputs).toEqual([
      { name: 'input', type: 'float32', dims: [-1, 1, -1, -1], profiles: profiles.map((p) => p.input) },
    ]);
    expect(engine.outputs).toEqual([{ name: 'output', type: 'float32', dims: [-1, 1, -1, -1] }]);
  });

  for (const [p, profile] of profiles.entries()) {
    for (const which of ['min', 'opt', 'max'] as const) {
      it(`profile ${p} at ${which} ${profile.input[which].join('x')} matches onnxruntime-node`, async () => {
        const dims = profile.input[which];
        const input = randomInput(dims, p * 10 + dims[2]);
        const result = await engine.runWithTimings({ input }, { profile: p });
        const expected = (await session.run({ input })).output;
        const out = result.outputs.output;
        expect(result.profile).toBe(p);
        expect(out.dims).toEqual([...expected.dims]);
        expect(maxAbsDiff(out.data as Float32Array, expected.data as Float32Array)).toBeLessThan(1e-2); // TF32 is on by default
        expect(result.timings.computeMs).toBeGreaterThan(0);
      });
    }
  }

  it('chooses the profile that fits when none is given, and rejects shapes no profile accepts', async () => {
    const r = await engine.runWithTimings({ input: randomInput([2, 1, 100, 70], 1) });
    expect(r.profile).toBe(1);
    await expect(engine.run({ input: randomInput([1, 1, 200, 64], 1) })).rejects.toBeInstanceOf(ShapeError);
  });

  it('loads from a plan file as well', async () => {
    const file = path.join(dir, 'sr.plan');
    fs.writeFileSync(file, plan);
    const again = await Engine.load(file);
    const input = randomInput([1, 1, 32, 32], 3);
    const [a, b] = await Promise.all([again.run({ input }), engine.run({ input })]);
    expect(maxAbsDiff(a.output.data as Float32Array, b.output.data as Float32Array)).toBe(0);
    again.dispose();
  });

  it('concurrent runs on both profiles give the same results as sequential ones', async () => {
    const inputs = Array.from({ length: 12 }, (_, i) => randomInput(i % 2 ? [2, 1, 80, 96] : [1, 1, 40, 24], i));
    const sequential: Float32Array[] = [];
    for (const input of inputs) sequential.push((await engine.run({ input })).output.data as Float32Array);
    const parallel = await Promise.all(inputs.map((input) => engine.run({ input })));
    parallel.forEach((r, i) => expect(maxAbsDiff(r.output.data as Float32Array, sequential[i])).toBe(0));
  });

  it('runs queued on one profile settle in call order, each with the outputs of its own input', async () => {
    const inputs = Array.from({ length: 8 }, (_, i) => randomInput([1, 1, 16 + 4 * i, 32], 20 + i));
    const expected: Float32Array[] = [];
    for (const input of inputs) expected.push((await engine.run({ input })).output.data as Float32Array);
    const order: number[] = [];
    const results = await Promise.all(
      inputs.map((input, i) => engine.runWithTimings({ input }, { profile: 0 }).then((r) => (order.push(i), r))),
    );
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    results.forEach((r, i) => expect(maxAbsDiff(r.outputs.output.data as Float32Array, expected[i])).toBe(0));
    for (const { timings } of results) {
      for (const value of Object.values(timings)) expect(value).toBeGreaterThanOrEqual(0);
    }
    // They queued on the profile's own thread: the last one waited there while the first one ran.
    expect(results[7].timings.toThreadMs).toBeGreaterThanOrEqual(results[0].timings.wallMs);
  });

  it('an idle Engine lets the process exit; a run nobody awaits keeps it alive until it settles', async () => {
    // Killed at the timeout (signal SIGKILL) if a loaded engine kept the event loop alive.
    const result = await runSnippet(
      `
      import { buildEngine } from 'ROOT/lib/trt/build';
      import { Engine } from 'ROOT/lib/trt/engine';
      (async () => {
        const { plan } = await buildEngine('ROOT/test/fixtures/super_resolution/model.onnx', { profiles: ${JSON.stringify(profiles[0])} });
        const engine = await Engine.load(plan);
        (globalThis as Record<string, unknown>).kept = engine; // loaded and never disposed
        const feeds = { input: { type: 'float32' as const, dims: [1, 1, 16, 16], data: new Float32Array(256) } };
        await engine.run(feeds);
        void engine.run(feeds).then((out) => process.stdout.write(JSON.stringify({ settled: Object.keys(out) }) + '\\n'));
      })();
      `,
      {},
      60_000,
    );
    expectCleanExit(result);
    expect(lastJson<{ settled: string[] }>(result).settled).toEqual(['output']);
  });

  it('a native engine collected while its run is in flight still settles the run', async () => {
    const result = await runSnippet(
      `
      import { setFlagsFromString } from 'v8';
      import { runInNewContext } from 'vm';
      import { buildEngine } from 'ROOT/lib/trt/build';
      import { loadAddon } from 'ROOT/lib/native/binding';
      setFlagsFromString('--expose-gc');
      const gc = runInNewContext('gc') as () => void;
      (async () => {
        const { plan } = await buildEngine('ROOT/test/fixtures/super_resolution/model.onnx', { profiles: ${JSON.stringify(profiles[0])} });
        let native: { run(p: number, d: Float32Array[], dims: number[], timed: boolean): Promise<unknown[]> } | null = await loadAddon().loadEngine(plan);
        const pending = native.run(0, [new Float32Array(64 * 64)], [1, 1, 64, 64], false);
        native = null; // nothing refers to the engine object now but the run
        for (let i = 0; i < 4; i++) gc();
        const packed = await pending;
        process.stdout.write(JSON.stringify({ outputs: packed.length - 1, bytes: (packed[1] as ArrayBuffer).byteLength }) + '\\n');
      })();
      `,
      {},
      60_000,
    );
    expectCleanExit(result);
    expect(lastJson<{ outputs: number; bytes: number }>(result)).toEqual({ outputs: 1, bytes: 192 * 192 * 4 });
  });

  it('worker.terminate() while the worker has runs in flight on both profiles ends the worker, not the process', async () => {
    const result = await runSnippet(
      `
      import { Worker } from 'worker_threads';
      const code = "require('tsx/cjs');" +
        "const { buildEngine } = require('ROOT/lib/trt/build.ts'); const { Engine } = require('ROOT/lib/trt/engine.ts');" +
        "(async () => {" +
        "  const { plan } = await buildEngine('ROOT/test/fixtures/super_resolution/model.onnx', { profiles: " + JSON.stringify(${JSON.stringify(profiles)}) + " });" +
        "  const engine = await Engine.load(plan);" +
        "  const small = { input: { type: 'float32', dims: [1, 1, 32, 32], data: new Float32Array(32 * 32) } };" +
        "  const large = { input: { type: 'float32', dims: [2, 1, 96, 96], data: new Float32Array(2 * 96 * 96) } };" +
        "  require('worker_threads').parentPort.postMessage('running');" +
        "  for (;;) await Promise.all([engine.run(small), engine.run(small), engine.run(large)]);" +
        "})();";
      const worker = new Worker(code, { eval: true });
      worker.once('message', () => {
        setTimeout(async () => {
          await worker.terminate();
          process.stdout.write(JSON.stringify({ terminated: true }) + '\\n');
        }, 100);
      });
      `,
      {},
      120_000,
    );
    expectCleanExit(result);
    expect(lastJson<{ terminated: boolean }>(result).terminated).toBe(true);
  });

  it('10k runs keep host and device memory flat (buffers are reused), on two profiles in parallel', async () => {
    const growth = await memoryGrowth('plain', 5_000); // 10,000 runs
    process.stderr.write(`10k runs: rss growth ${growth.rssMiB.toFixed(1)} MiB, device memory growth ${growth.deviceMiB.toFixed(1)} MiB\n`);
    expect(growth.rssMiB).toBeLessThan(64);
    expect(growth.deviceMiB).toBeLessThan(16); // negative: memory came back (CUDA's stream-ordered pool trims itself)
  });

  it('pollWhileRunning: runs give the same outputs, and timers still fire while the loop polls', async () => {
    const polling = await Engine.load(plan, { pollWhileRunning: true });
    const input = randomInput([1, 1, 40, 40], 12);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const results = await Promise.all(Array.from({ length: 20 }, () => polling.run({ input })));
    const started = Date.now();
    while (Date.now() - started < 20) await polling.run({ input });
    clearInterval(timer);
    const expected = (await engine.run({ input })).output.data as Float32Array;
    for (const r of results) expect(maxAbsDiff(r.output.data as Float32Array, expected)).toBe(0);
    expect(ticks).toBeGreaterThan(2);
    polling.dispose();
    await expect(Engine.load(plan, { pollWhileRunning: 1 as unknown as boolean })).rejects.toThrow(/pollWhileRunning/);
  });

  it('dispose: runs in flight finish, later runs reject with DisposedError', async () => {
    const e = await Engine.load(plan);
    const inFlight = e.run({ input: randomInput([1, 1, 64, 64], 9) });
    e.dispose();
    expect(e.disposed).toBe(true);
    await expect(inFlight).resolves.toHaveProperty('output');
    await expect(e.run({ input: randomInput([1, 1, 16, 16], 9) })).rejects.toBeInstanceOf(DisposedError);
    e.dispose(); // twice is harmless
  });

  describe('IOBinding', () => {
    const data = (t: { data: unknown }) => t.data as Float32Array;

    it('runs in place on each profile: the outputs of Engine.run, following values written into the bound input', async () => {
      for (const [profile, dims] of [[0, [1, 1, 32, 32]], [1, [2, 1, 80, 96]]] as const) {
        const input = randomInput([...dims], 40 + profile);
        const binding = await engine.bind({ input });
        expect(binding.profile).toBe(profile);
        expect(binding.inputs.input.data).toBe(input.data); // the caller's own array, not a copy
        // Outputs are trt-node's page-aligned memory: always page-locked. An input may share a page with other
        // page-locked memory, and then goes through staging.
        expect(binding.pageLocked.output).toBe(true);
        expect(typeof binding.pageLocked.input).toBe('boolean');
        const out = binding.outputs.output;
        // bind() made one ordinary run: the outputs already hold its values.
        expect(maxAbsDiff(data(out), data((await engine.run({ input })).output))).toBe(0);
        data(out).fill(NaN);
        expect(await binding.run()).toBe(binding.outputs);
        expect(maxAbsDiff(data(out), data((await engine.run({ input })).output))).toBe(0);
        // New values in the bound array; the next run reads them.
        const next = randomFloats(input.data.length, 50 + profile);
        data(binding.inputs.input).set(next);
        const timed = await binding.runWithTimings();
        expect(timed.outputs.output.data).toBe(out.data); // the same arrays every run
        expect(timed.timings.computeMs).toBeGreaterThan(0);
        expect(timed.profile).toBe(profile);
        const expected = (await session.run({ input: new ort.Tensor('float32', next, [...dims]) })).output;
        expect(out.dims).toEqual([...expected.dims]);
        expect(maxAbsDiff(data(out), expected.data as Float32Array)).toBeLessThan(1e-2);
        binding.dispose();
      }
    });

    it('an array bound twice is page-locked once, and the second binding copies through staging with the same results', async () => {
      const input = randomInput([1, 1, 48, 40], 60);
      const [a, b] = [await engine.bind({ input }), await engine.bind({ input })];
      expect(a.pageLocked.input && b.pageLocked.input).toBe(false);
      await Promise.all([a.run(), b.run()]);
      expect(maxAbsDiff(data(a.outputs.output), data(b.outputs.output))).toBe(0);
      a.dispose();
      b.dispose();
      // Released: the array can be page-locked by a new binding.
      const c = await engine.bind({ input });
      expect(c.pageLocked.input || !(a.pageLocked.input || b.pageLocked.input)).toBe(true);
      c.dispose();
    });

    it('bindings on two profiles run in parallel with plain runs; 2,000 bound runs keep memory flat', async () => {
      const growth = await memoryGrowth('bound', 1_000);
      process.stderr.write(`2k bound runs (and 1k plain runs beside them): rss growth ${growth.rssMiB.toFixed(1)} MiB\n`);
      // Noise, not a trend: -8 to +33 MiB seen under ASan on a loaded 2-core machine (seeds 1-4). What a leak would
      // keep per round is far more: the large binding's output alone (2x1x240x240 float32, 450 KiB) is 450 MiB.
      expect(growth.rssMiB).toBeLessThan(96);
      expect(growth.unchanged).toBe(true); // the last bound run gave the first one's outputs
    });

    it('dispose during a run: the run finishes; later runs of the binding, or of any binding of a disposed engine, reject', async () => {
      const e = await Engine.load(plan);
      const binding = await e.bind({ input: randomInput([1, 1, 64, 64], 63) });
      const other = await e.bind({ input: randomInput([1, 1, 32, 32], 64) });
      const inFlight = binding.run();
      binding.dispose();
      await expect(inFlight).resolves.toBe(binding.outputs);
      await expect(binding.run()).rejects.toBeInstanceOf(DisposedError);
      const otherInFlight = other.run();
      e.dispose();
      await expect(otherInFlight).resolves.toBe(other.outputs);
      await expect(other.run()).rejects.toBeInstanceOf(DisposedError);
      other.dispose();
    });
  });

  it('BAD CALL - a corrupt plan is an EngineError with TensorRT\'s reason', async () => {
    await expect(Engine.load(Buffer.from('not a plan'))).rejects.toBeInstanceOf(EngineError);
  });

  it('BAD CALL - a model with unsupported ops: one ParseError listing every parser error', async () => {
    const e = (await buildEngine(path.join(fixtures, 'custom_op', 'model.onnx'), {
      profiles: { input: { min: [1, 3, 8, 8], opt: [1, 3, 16, 16], max: [1, 3, 32, 32] } },
    }).catch((err: unknown) => err)) as ParseError;
    expect(e).toBeInstanceOf(ParseError);
    expect(e.parserErrors.length).toBeGreaterThanOrEqual(1);
    expect(e.parserErrors.map((p) => p.nodeOperator)).toContain('FastGelu');
    expect(e.message).toMatch(/TensorRT's ONNX parser rejected .*custom_op.*model\.onnx with \d+ errors?:\n {2}- node \d+ /);
  });

  it('builds a static model without profiles, and runs it with a bare typed array', async () => {
    const result = await buildEngine(path.join(fixtures, 'super_resolution_static', 'model.onnx'));
    const e = await Engine.load(result.plan);
    const input = randomInput([1, 1, 96, 64], 11);
    const out = await e.run({ input: input.data as Float32Array });
    expect(out.output.dims).toEqual([1, 1, 288, 192]);
    e.dispose();
  });

  it('an AbortSignal cancels the build through IProgressMonitor', async () => {
    // In a process of its own, where the stand-in's build steps take 400 ms (TensorRT's take longer): the abort, sent
    // from the first progress event, reaches the build before its last step however busy the machine is.
    const result = await runSnippet(
      `
      import { buildEngine } from 'ROOT/lib/trt/build';
      const controller = new AbortController();
      buildEngine('ROOT/test/fixtures/super_resolution/model.onnx', {
        profiles: [{ input: { min: [1, 1, 8, 8], opt: [1, 1, 100, 100], max: [1, 1, 512, 512] } }],
        optimizationLevel: 5,
        onProgress: () => controller.abort(),
        signal: controller.signal,
      }).then(() => 'built', (e: Error) => e.name).then((outcome) => process.stdout.write(JSON.stringify({ outcome }) + '\\n'));
      `,
      { TRT_STANDIN_BUILD_STEP_MS: '400' },
    );
    expect(lastJson(result)).toEqual({ outcome: 'AbortError' });
  });

  it('precision flags follow the linked TensorRT major version', async () => {
    const { version } = requireTensorRT();
    const build = buildEngine(superRes, { profiles: profiles[0], fp16: true });
    if (version.major >= 11) await expect(build).rejects.toBeInstanceOf(UnsupportedOptionError);
    else await expect(build).resolves.toHaveProperty('plan');
  });
});
