/**
 * The stand-in's runtime is no stricter than TensorRT (test/tensorrt-standin/ASSUMPTIONS.md, "Deserializing and
 * running"): output dims follow from input shapes as soon as they are set (data-dependent ones wait for the run), so
 * enqueueV3 stays asynchronous; and several execution contexts may run on one optimization profile at once, each on
 * its own stream. trt-node's addon keeps one context per profile, so the second is observed through
 * test/tensorrt-standin/tests/runtime_test.cc, a program that uses TensorRT's API alone; the addon's two ways of
 * learning an output's dims after a run (notifyShape, or getTensorShape when TensorRT does not call it) are checked
 * in child processes with the stand-in's choice pinned each way. Runs only on the stand-in (`npm run test:standin`).
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildEngine } from '../../lib/trt/build';
import { lastJson, runSnippet } from './child';
import { fixtures, superRes } from './engine-fixtures';
import { addon, describeWithStandIn } from './gpu-gate';

const nonzero = path.join(fixtures, 'dynamo_nonzero', 'model.onnx');
const profile = { input: { min: [1, 1, 16, 16], opt: [1, 1, 24, 24], max: [1, 1, 32, 32] } };

interface Probe {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the stand-in build's runtime_test on a plan. */
async function probe(plan: Uint8Array, args: string[], env: Record<string, string> = {}): Promise<Probe> {
  const folder = addon().tensorrtRuntimeInfo()!.folder!;
  const program = path.join(folder, '..', 'bin', 'trt_standin_runtime_test');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trt-node-runtime-'));
  const file = path.join(dir, 'model.plan');
  fs.writeFileSync(file, plan);
  try {
    return await new Promise<Probe>((resolve, reject) => {
      const child = spawn(program, [file, ...args], { env: { ...process.env, ...env } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function parsed<T>(p: Probe): T {
  if (p.code !== 0) throw new Error(`runtime_test exited with ${p.code}:\n${p.stdout}\n${p.stderr}`);
  return JSON.parse(p.stdout.trim().split('\n').pop()!) as T;
}

describeWithStandIn('the stand-in runtime allows what TensorRT allows', () => {
  jest.setTimeout(180_000);

  it('output dims that follow from the input shapes are known after setInputShape, before any run', async () => {
    const plan = (await buildEngine(superRes, { profiles: profile })).plan;
    const r = parsed<Record<'before' | 'after' | 'ran', Record<string, number[]>>>(await probe(plan, ['shapes', 'input=1x1x24x24']));
    expect(r).toEqual({ before: { output: [-1, 1, -1, -1] }, after: { output: [1, 1, 72, 72] }, ran: { output: [1, 1, 72, 72] } });
  });

  it('a data-dependent output (NonZero) stays -1 until the run; the others are known', async () => {
    const plan = (await buildEngine(nonzero)).plan;
    const r = parsed<Record<'before' | 'after' | 'ran', Record<string, number[]>>>(await probe(plan, ['shapes', 'x=1x3x8x8']));
    expect(r.after).toEqual({ conv2d: [1, 4, 8, 8], nonzero: [-1, 4] });
    expect(r.ran.nonzero[0]).toBeGreaterThanOrEqual(0);
    expect(r.ran.nonzero[1]).toBe(4);
  });

  it('two execution contexts on one optimization profile run at once, each on its own stream', async () => {
    const plan = (await buildEngine(superRes, { profiles: profile })).plan;
    // Context A's stream is held until context B's run has completed: that can only happen when A's enqueueV3
    // returned without waiting (asynchronous, its output dims known from the input shape) and B ran while A's work
    // was in flight on the same profile. The choice that makes enqueueV3 wait anyway is pinned off.
    const r = parsed<{ profiles: number[]; enqueued: boolean[]; overlapped: boolean; same: boolean; dims: Record<string, number[]> }>(
      await probe(plan, ['concurrent', 'input=1x1x24x24'], { TRT_STANDIN_CHOICES: 'synchronousEnqueue=0' }),
    );
    expect(r).toEqual({ profiles: [0, 0], enqueued: [true, true], overlapped: true, same: true, dims: { output: [1, 1, 72, 72] } });
  });

  it.each(['notifyStaticShape=1', 'notifyStaticShape=0'])(
    "the addon gets an input-dependent output's dims with %s (notifyShape, or getTensorShape after the run)",
    async (choice) => {
      const result = await runSnippet(
        `
        import { buildEngine } from 'ROOT/lib/trt/build';
        import { Engine } from 'ROOT/lib/trt/engine';
        import * as ort from 'ROOT/node_modules/onnxruntime-node';
        (async () => {
          const built = await buildEngine('ROOT/test/fixtures/super_resolution/model.onnx', { profiles: ${JSON.stringify(profile)} });
          const engine = await Engine.load(built.plan);
          const session = await ort.InferenceSession.create('ROOT/test/fixtures/super_resolution/model.onnx');
          const shapes = [];
          let same = true;
          for (const side of [24, 17, 24]) {
            const data = Float32Array.from({ length: side * side }, (_, i) => Math.sin(i));
            const input = new ort.Tensor('float32', data, [1, 1, side, side]);
            const [mine, theirs] = await Promise.all([engine.run({ input }), session.run({ input })]);
            shapes.push(mine.output.dims);
            const a = mine.output.data as Float32Array, b = theirs.output.data as Float32Array;
            same = same && a.length === b.length && a.every((v, i) => Math.abs(v - b[i]) < 1e-4);
          }
          engine.dispose();
          await session.release();
          process.stdout.write(JSON.stringify({ shapes, same }) + '\\n');
        })();
      `,
        { TRT_STANDIN_CHOICES: `${choice},synchronousEnqueue=0` },
      );
      expect(lastJson(result)).toEqual({ shapes: [[1, 1, 72, 72], [1, 1, 51, 51], [1, 1, 72, 72]], same: true });
    },
  );
});
