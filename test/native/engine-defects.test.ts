/**
 * Defects of the second native review (shared/reports/2026-12-07-native-review.md, issue 21 item 1) that any TensorRT
 * shows, each with a test that failed before its fix. They assert only what TensorRT itself would show; the proofs
 * that need the stand-in are in standin-defects.test.ts. Snippets that could crash the process before the fix run in a
 * child process of their own.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { InvalidValueError } from '../../lib/errors';
import { buildEngine } from '../../lib/trt/build';
import { Engine } from '../../lib/trt/engine';
import { runCli } from '../helpers/cli';
import { profiles, randomFloats, superRes } from './engine-fixtures';
import { ChildResult, lastJson, runSnippet } from './child';
import { addon, describeWithGpu } from './gpu-gate';

/** The child ended by itself with code 0; otherwise the failure shows what it printed. */
function expectCleanExit(result: ChildResult): void {
  if (result.signal !== null || result.code !== 0) {
    throw new Error(`the child ended with ${result.signal ?? `code ${result.code}`}:\n${result.stdout}\n${result.stderr}`);
  }
}

// A snippet's prelude: gc() in a child process (jest does not expose it).
const GC = `
  import { setFlagsFromString } from 'v8';
  import { runInNewContext } from 'vm';
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
`;

describeWithGpu('defects of the second native review, fixed', () => {
  jest.setTimeout(300_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trt-node-review2-'));
  const planFile = path.join(dir, 'super_resolution.plan');
  let plan: Buffer;

  beforeAll(async () => {
    plan = (await buildEngine(superRes, { profiles: profiles[0] })).plan;
    fs.writeFileSync(planFile, plan);
  });

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('2. the arrays of a binding cannot be transferred away: structuredClone copies them, and runs still read them', async () => {
    const engine = await Engine.load(plan);
    const data = randomFloats(32 * 32, 3);
    const binding = await engine.bind({ input: { type: 'float32', dims: [1, 1, 32, 32], data } });
    const expected = Float32Array.from(binding.outputs.output.data as Float32Array);
    for (const array of [binding.inputs.input.data, binding.outputs.output.data] as Float32Array[]) {
      const buffer = array.buffer as ArrayBuffer;
      const moved = structuredClone(buffer, { transfer: [buffer] });
      expect([moved.byteLength, array.byteLength]).toEqual([buffer.byteLength, array.length * 4]); // copied, still here
    }
    await binding.run();
    expect(Array.from(binding.outputs.output.data as Float32Array)).toEqual(Array.from(expected));
    binding.dispose();
    engine.dispose();
  });

  it('2. a bound array detached behind trt-node\'s back fails the binding\'s next run instead of being read after it is freed', async () => {
    // The raw addon, without Engine.bind's protection: the feed is transferred away and its memory collected.
    const result = await runSnippet(`
      ${GC}
      import { loadAddon } from 'ROOT/lib/native/binding';
      (async () => {
        const native = await loadAddon().loadEngine(require('fs').readFileSync(${JSON.stringify(planFile)}));
        const data = new Float32Array(64 * 64).fill(0.5);
        const [binding] = native.bind(0, [data], [1, 1, 64, 64], [1, 1, 192, 192]);
        let moved: ArrayBuffer | null = structuredClone(data.buffer, { transfer: [data.buffer] });
        moved = null;
        for (let i = 0; i < 4; i++) gc();
        const outcome = await native.runBound(binding, false).then(() => ({ resolved: true }), (e: { code: string; message: string }) => ({ code: e.code, message: e.message }));
        native.dispose();
        process.stdout.write(JSON.stringify(outcome) + '\\n');
      })();
    `);
    expectCleanExit(result);
    const outcome = lastJson<{ code: string; message: string }>(result);
    expect(outcome.code).toBe('ERR_TRT_NODE_DISPOSED');
    expect(outcome.message).toMatch(/IOBinding.*detached/);
  });

  it('8. the raw addon refuses an External that is not its own engine, and a binding of another engine', async () => {
    const result = await runSnippet(`
      import { loadAddon } from 'ROOT/lib/native/binding';
      (async () => {
        const addon = loadAddon() as unknown as { NativeEngine: new (x: unknown) => unknown } & ReturnType<typeof loadAddon>;
        const plan = require('fs').readFileSync(${JSON.stringify(planFile)});
        const [a, b] = [await addon.loadEngine(plan), await addon.loadEngine(plan)];
        const [handle] = a.bind(0, [new Float32Array(16 * 16)], [1, 1, 16, 16], [1, 1, 48, 48]);
        let constructed: string;
        try {
          new addon.NativeEngine(handle);
          constructed = 'constructed';
        } catch (e) {
          constructed = (e as Error).name + ': ' + (e as Error).message;
        }
        const foreign = await b.runBound(handle, false).then(() => 'resolved', (e: { code: string; message: string }) => e.code + ': ' + e.message);
        const own = await a.runBound(handle, false).then(() => 'resolved', (e: Error) => e.message);
        a.dispose();
        b.dispose();
        process.stdout.write(JSON.stringify({ constructed, foreign, own }) + '\\n');
      })();
    `);
    expectCleanExit(result);
    const r = lastJson<{ constructed: string; foreign: string; own: string }>(result);
    expect(r.constructed).toMatch(/^TypeError: NativeEngine cannot be constructed directly/);
    expect(r.foreign).toMatch(/^ERR_TRT_NODE_INVALID_VALUE: .*another engine/);
    expect(r.own).toBe('resolved');
  });

  it('9. requireTensorRT() loads neither TensorRT\'s plugin library nor its builder resources (on the JS thread)', async () => {
    const result = await runSnippet(`
      import * as fs from 'fs';
      import { requireTensorRT } from 'ROOT/lib/trt/tensorrt';
      const { version } = requireTensorRT();
      const maps = fs.readFileSync('/proc/self/maps', 'utf8');
      process.stdout.write(JSON.stringify({ version: version.major, plugins: maps.includes('libnvinfer_plugin'), resources: maps.includes('libnvinfer_builder_resource') }) + '\\n');
    `);
    expect(lastJson(result)).toEqual({ version: expect.any(Number), plugins: false, resources: false });
  });

  it('11. the device option: a device the CUDA runtime does not see is refused up front, naming the option', async () => {
    const count = addon().cudaInfo().deviceCount;
    for (const device of [count, -1, 0.5, '0']) {
      await expect(Engine.load(plan, { device } as never)).rejects.toThrow(/options\.device/);
      await expect(buildEngine(superRes, { profiles: profiles[0], device } as never)).rejects.toThrow(/options\.device/);
    }
    await expect(Engine.load(plan, { device: count })).rejects.toBeInstanceOf(InvalidValueError);
    const r = await runCli(['build', superRes, '--shapes', 'input:1x1x16x16', '-o', path.join(dir, 'x.plan'), '--device', String(count), '--no-progress']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--device/);
    const engine = await Engine.load(plan, { device: 0 });
    expect(engine.device).toBe(0);
    engine.dispose();
  });

  it('13. the raw addon checks what TypeScript checks: a negative or NaN workspace, precision flags on a strongly typed network', async () => {
    const result = await runSnippet(`
      import { loadAddon } from 'ROOT/lib/native/binding';
      (() => {
        const addon = loadAddon();
        const base = { modelPath: ${JSON.stringify(superRes)}, profiles: [[{ name: 'input', min: [1, 1, 16, 16], opt: [1, 1, 16, 16], max: [1, 1, 16, 16] }]],
          useTimingCache: false, stronglyTyped: false, config: {}, logLevel: -1 };
        const attempt = (options: Record<string, unknown>) => {
          try {
            addon.buildEngine({ ...base, ...options } as never).promise.catch(() => undefined);
            return 'accepted';
          } catch (e) {
            return (e as Error).name + ': ' + (e as Error).message;
          }
        };
        const workspace = [-1, NaN, 2 ** 80].map((workspaceBytes) => attempt({ config: { workspaceBytes } }));
        const typed = ['fp16', 'bf16', 'int8'].map((flag) => attempt({ config: { [flag]: true }, stronglyTyped: true }));
        process.stdout.write(JSON.stringify({ workspace, typed }) + '\\n');
      })();
    `);
    expectCleanExit(result); // before: UndefinedBehaviorSanitizer's float-cast-overflow ended the process
    const r = lastJson<{ workspace: string[]; typed: string[] }>(result);
    for (const w of r.workspace) expect(w).toMatch(/^RangeError: Expected config\.workspaceBytes to be a whole number, 0 to 2\^53/);
    for (const t of r.typed) expect(t).toMatch(/^RangeError: .*stronglyTyped/);
  });
});
