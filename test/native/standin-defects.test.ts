/**
 * Defects of the second native review (shared/reports/2026-12-07-native-review.md, issue 21 item 1) whose proof needs
 * what only trt-node's TensorRT stand-in can be asked for: an asynchronous failure inside a run, several CUDA devices
 * on a machine without a GPU, a trace of the CUDA calls that create contexts or synchronise the device, and the
 * fault-injection points of test builds. Each test failed before its fix. Runs only under `npm run test:standin`.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildEngine } from '../../lib/trt/build';
import { profiles } from './engine-fixtures';
import { ChildResult, lastJson, runSnippet } from './child';
import { describeWithStandIn, hostCudaStandIn } from './gpu-gate';

const gather = path.join(__dirname, 'fixtures', 'gather', 'model.onnx');

/** What the host CUDA stand-in traced (TRT_STANDIN_CUDA_TRACE=1), in order. */
function traced(result: ChildResult): string[] {
  return result.stderr.split('\n').filter((l) => l.startsWith('CUDA stand-in: trace: '));
}

/** The devices whose primary context the process created. */
function contextDevices(result: ChildResult): number[] {
  return traced(result)
    .map((l) => /primary context on device (\d+)/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]));
}

describeWithStandIn('defects of the second native review, fixed (proved with the stand-in)', () => {
  jest.setTimeout(300_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trt-node-review2-'));
  const planFile = path.join(dir, 'super_resolution.plan');

  beforeAll(async () => {
    fs.writeFileSync(planFile, (await buildEngine(path.join(__dirname, '..', 'fixtures', 'super_resolution', 'model.onnx'), { profiles: profiles[0] })).plan);
  });

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('1. an error TensorRT records while a run executes fails the run: an out-of-range Gather no longer resolves to zeros', async () => {
    // synchronousEnqueue=0: enqueueV3 returns true and the failure happens afterwards, on the stream; TensorRT then only
    // tells the error recorder ("a TensorRT API can return correct results, but still register errors").
    const result = await runSnippet(
      `
      import { buildEngine } from 'ROOT/lib/trt/build';
      import { Engine } from 'ROOT/lib/trt/engine';
      (async () => {
        const engine = await Engine.load((await buildEngine(${JSON.stringify(gather)})).plan);
        const feed = (i: bigint) => ({ idx: { type: 'int64' as const, dims: [1], data: BigInt64Array.from([i]) } });
        const settle = (p: Promise<Record<string, { data: unknown }>>) =>
          p.then((o) => ({ resolved: Array.from(o.y.data as Float32Array) }),
                 (e: { name: string; message: string; details?: { recordedErrors?: { codeName: string }[] } }) =>
                   ({ name: e.name, message: e.message, recorded: (e.details?.recordedErrors ?? []).map((r) => r.codeName) }));
        const ok = await settle(engine.run(feed(3n)));
        const outOfRange = await settle(engine.run(feed(10n)));
        const after = await settle(engine.run(feed(1n)));
        const binding = await engine.bind(feed(2n));
        (binding.inputs.idx.data as BigInt64Array)[0] = 10n;
        const bound = await settle(binding.run());
        engine.dispose();
        process.stdout.write(JSON.stringify({ ok, outOfRange, after, bound }) + '\\n');
      })();
      `,
      { TRT_STANDIN_CHOICES: 'synchronousEnqueue=0' },
    );
    type Settled = { resolved?: number[]; name?: string; message?: string; recorded?: string[] };
    const r = lastJson<{ ok: Settled; outOfRange: Settled; after: Settled; bound: Settled }>(result);
    expect(r.ok).toEqual({ resolved: [4] });
    for (const failed of [r.outOfRange, r.bound]) {
      expect(failed.resolved).toBeUndefined();
      expect(failed.name).toBe('EngineError');
      expect(failed.recorded).toContain('kFAILED_EXECUTION');
      expect(failed.message).toMatch(/enqueueV3.*TensorRT said: kFAILED_EXECUTION/);
    }
    expect(r.after).toEqual({ resolved: [2] }); // the context runs again after the failure
  });

  it('7. an engine whose wrap cannot be made (its runs\' thread-safe function fails) is freed once: Engine.load rejects', async () => {
    const result = await runSnippet(
      `
      import { Engine } from 'ROOT/lib/trt/engine';
      Engine.load(${JSON.stringify(planFile)}).then(
        () => process.stdout.write(JSON.stringify({ loaded: true }) + '\\n'),
        (e: Error) => process.stdout.write(JSON.stringify({ rejected: e.message }) + '\\n'),
      );
      `,
      { TRT_NODE_FAULTS: 'runDelivery.open' },
    );
    // Before: the half-made wrap deleted the engine and the load job deleted it again (an AddressSanitizer abort).
    expect([result.signal, result.code]).toEqual([null, 0]);
    expect(lastJson<{ rejected: string }>(result).rejected).toMatch(/napi_create_threadsafe_function failed/);
  });

  it('9. Engine.load loads TensorRT\'s plugin library on its worker thread and never the builder resources', async () => {
    const result = await runSnippet(`
      import * as fs from 'fs';
      import { Engine } from 'ROOT/lib/trt/engine';
      import { requireTensorRT } from 'ROOT/lib/trt/tensorrt';
      const loaded = () => fs.readFileSync('/proc/self/maps', 'utf8').split('\\n').map((l) => l.split(' ').pop() ?? '');
      const has = (name: string) => loaded().some((f) => f.includes(name));
      (async () => {
        requireTensorRT();
        const first = { plugins: has('libnvinfer_plugin'), resources: has('libnvinfer_builder_resource') };
        const engine = await Engine.load(${JSON.stringify(planFile)});
        const afterLoad = { plugins: has('libnvinfer_plugin'), resources: has('libnvinfer_builder_resource') };
        engine.dispose();
        process.stdout.write(JSON.stringify({ first, afterLoad }) + '\\n');
      })();
    `);
    expect(lastJson(result)).toEqual({ first: { plugins: false, resources: false }, afterLoad: { plugins: true, resources: false } });
  });

  describe('several CUDA devices (the host CUDA stand-in with TRT_STANDIN_CUDA_DEVICES=2)', () => {
    const twoDevices = { TRT_STANDIN_CUDA_DEVICES: '2', TRT_STANDIN_CUDA_TRACE: '1', TRT_STANDIN_CUDA_QUIET: '1' };
    beforeAll(() => {
      if (!hostCudaStandIn()) throw new Error('these tests need the host CUDA stand-in (npm run test:standin -- --cuda host)');
    });

    it('10. doctor lists every GPU without creating a CUDA context on any but the current one', async () => {
      const result = await runSnippet(
        `
        import { doctorReport } from 'ROOT/lib/trt/doctor';
        const r = doctorReport();
        process.stdout.write(JSON.stringify({ count: r.cuda.deviceCount, names: r.cuda.devices.map((d) => d.name) }) + '\\n');
        `,
        twoDevices,
      );
      const r = lastJson<{ count: number; names: string[] }>(result);
      expect(r.count).toBe(2);
      expect(r.names).toEqual([expect.stringMatching(/CUDA stand-in/), expect.stringMatching(/CUDA stand-in #1/)]);
      // Before: cudaSetDevice + cudaMemGetInfo on each device made a context on every GPU (device memory held until exit).
      expect(contextDevices(result)).not.toContain(1);
    });

    it('11. Engine.load(plan, { device: 1 }): the engine, its contexts, streams and memory are on device 1 only', async () => {
      const result = await runSnippet(
        `
        import { Engine } from 'ROOT/lib/trt/engine';
        (async () => {
          const engine = await Engine.load(${JSON.stringify(planFile)}, { device: 1 });
          const feeds = { input: { type: 'float32' as const, dims: [1, 1, 32, 32], data: new Float32Array(32 * 32).fill(0.5) } };
          const out = await engine.run(feeds);
          const binding = await engine.bind(feeds);
          await binding.runWithTimings();
          binding.dispose();
          engine.dispose();
          process.stdout.write(JSON.stringify({ device: engine.device, dims: out.output.dims }) + '\\n');
        })();
        `,
        twoDevices,
      );
      // The stand-in aborts (a contract) when an engine is used from a thread whose current device is another one.
      expect([result.signal, result.code]).toEqual([null, 0]);
      expect(lastJson(result)).toEqual({ device: 1, dims: [1, 1, 96, 96] });
      expect(contextDevices(result)).toEqual([1]);
    });

    it("11. check's plan on device 1 (check --engine plan --device 1): its TensorRT runner loads the plan there", async () => {
      const result = await runSnippet(
        `
        import { check } from 'ROOT/lib/check';
        (async () => {
          const r = await check('ROOT/test/fixtures/super_resolution/model.onnx', {
            engine: ${JSON.stringify(planFile)}, tensorrt: { device: 1 }, shapes: [{ input: [1, 1, 32, 32] }], probe: false,
          });
          process.stdout.write(JSON.stringify({ result: r.result, tensorrt: r.crossCheck?.tensorrt }) + '\\n');
        })();
        `,
        twoDevices,
      );
      expect([result.signal, result.code]).toEqual([null, 0]);
      expect(lastJson(result)).toMatchObject({ result: expect.stringMatching(/^PASS/), tensorrt: { ran: true } });
      expect(contextDevices(result)).toEqual([1]);
    });

    it('11. buildEngine(model, { device: 1 }) builds on device 1, and its timing cache says so', async () => {
      const cache = path.join(dir, 'device1.cache');
      const result = await runSnippet(
        `
        import { buildEngine } from 'ROOT/lib/trt/build';
        (async () => {
          const built = await buildEngine('ROOT/test/fixtures/super_resolution/model.onnx', {
            profiles: ${JSON.stringify(profiles[0])}, device: 1, timingCache: ${JSON.stringify(cache)},
          });
          process.stdout.write(JSON.stringify({ bytes: built.plan.byteLength }) + '\\n');
        })();
        `,
        twoDevices,
      );
      expect(lastJson<{ bytes: number }>(result).bytes).toBeGreaterThan(0);
      expect(contextDevices(result)).toEqual([1]);
      expect(fs.readFileSync(cache, 'utf8')).toContain('device=trt-node CUDA stand-in #1');
    });
  });

  it('12. runs that need more staging than earlier runs synchronise no device (no cudaMallocHost/cudaFreeHost per run)', async () => {
    if (!hostCudaStandIn()) return; // the trace is the host CUDA stand-in's
    const result = await runSnippet(
      `
      import { Engine } from 'ROOT/lib/trt/engine';
      (async () => {
        const engine = await Engine.load(${JSON.stringify(planFile)});
        const feeds = (n: number) => ({ input: { type: 'float32' as const, dims: [1, 1, n, n], data: new Float32Array(n * n) } });
        await engine.run(feeds(16)); // the first run makes the execution context and its buffers
        process.stderr.write('CUDA stand-in: trace: --- runs\\n');
        for (const n of [64, 40, 64, 17]) await engine.runWithTimings(feeds(n));
        const binding = await engine.bind(feeds(48));
        await binding.run();
        process.stderr.write('CUDA stand-in: trace: --- end\\n');
        binding.dispose();
        engine.dispose();
        process.stdout.write(JSON.stringify({ done: true }) + '\\n');
      })();
      `,
      { TRT_STANDIN_CUDA_TRACE: '1', TRT_STANDIN_CUDA_QUIET: '1' },
    );
    expect(lastJson(result)).toEqual({ done: true });
    const lines = traced(result);
    const during = lines.slice(lines.indexOf('CUDA stand-in: trace: --- runs'), lines.indexOf('CUDA stand-in: trace: --- end'));
    expect(during.length).toBeGreaterThan(0);
    // Before: growing the pinned staging buffers called cudaFreeHost and cudaMallocHost, which wait for every stream of
    // the device (runs on the engine's other profiles, other engines).
    expect(during.filter((l) => l.includes('synchronizes the device'))).toEqual([]);
  });
});
