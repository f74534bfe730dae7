/**
 * Event-loop lag while check() runs the bundled model at 512×512 (goal: p99 ≤ 10 ms), next to the lag of calling
 * onnxruntime-node on the main thread directly (what check() did before its runs moved to a worker thread).
 * Lag = how late a 1 ms timer fires; sampled with perf_hooks.monitorEventLoopDelay at 1 ms resolution.
 * Run: npm run bench:event-loop [-- repeats]
 */
import * as path from 'path';
import { measureEventLoopLag } from '../lib/bench';
import { check } from '../lib/check';
import { OrtRunner } from '../lib/runners/onnxruntime/ort-runner';
import { generateProbeFeeds } from '../lib/data';
import { readModel } from '../lib/onnx/reader';
import { DEFAULT_MODEL } from '../lib/cli/defaults';

const MODEL = DEFAULT_MODEL;
const SHAPE = [1, 1, 512, 512];

async function lagDuring(work: () => Promise<unknown>): Promise<{ p50: number; p99: number; max: number; ms: number }> {
  const stop = measureEventLoopLag();
  const t0 = performance.now();
  await work();
  const ms = performance.now() - t0;
  const lag = stop();
  return { p50: lag.p50Ms, p99: lag.p99Ms, max: lag.maxMs, ms };
}

function line(name: string, r: { p50: number; p99: number; max: number; ms: number }): string {
  return `${name.padEnd(58)} ${r.ms.toFixed(0).padStart(6)} ms   lag p50 ${r.p50.toFixed(2).padStart(6)}  p99 ${r.p99.toFixed(2).padStart(7)}  max ${r.max.toFixed(1).padStart(7)} ms`;
}

async function main(): Promise<void> {
  const repeats = Number(process.argv[2] ?? 3);
  console.log(`event-loop lag (ms) on ${require('os').cpus().length} cores, Node ${process.version}; model ${path.relative(process.cwd(), MODEL)} at ${SHAPE.join('x')}, ${repeats} repeats each`);
  // Warm-up: the first session creation loads onnxruntime's libraries.
  await check(MODEL, { shapes: [{ input: SHAPE }], probe: false });

  for (let i = 0; i < repeats; i++) {
    console.log(line(`check(), runs at 512x512 + dynamic-axes probes (worker thread)`, await lagDuring(() => check(MODEL, { shapes: [{ input: SHAPE }] }))));
  }
  const summary = await readModel(MODEL);
  const feeds = generateProbeFeeds(summary.inputs, { input: SHAPE }, 0);
  for (const thread of ['worker', 'main'] as const) {
    const runner = await OrtRunner.create(MODEL, { thread });
    try {
      for (let i = 0; i < repeats; i++) {
        console.log(line(`OrtRunner, 5 runs at 512x512, thread '${thread}'`, await lagDuring(async () => {
          for (let k = 0; k < 5; k++) await runner.run(feeds);
        })));
      }
    } finally {
      await runner.dispose();
    }
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
