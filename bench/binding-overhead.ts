/**
 * npm run bench:binding — what trt-node itself costs per run, and how much it disturbs the event loop.
 *
 *   binding's own cost = end-to-end time of `await engine.runWithTimings(...)` as JavaScript sees it
 *                        − the time inside the engine (timings.computeMs: CUDA events around enqueueV3)
 *
 * so it holds everything trt-node adds around TensorRT: validating feeds, N-API, the hops to the profile's thread and
 * back, host staging, the copies to and from the GPU, synchronisation, and turning outputs into typed arrays. With
 * trt-node's TensorRT stand-in the engine's time is the stand-in's own (its onnxruntime run happens on the CUDA stream, between the same
 * events); the figures then describe the binding, never TensorRT's speed, and the library line says so.
 *
 * Event-loop lag: while runs go on back to back (on every profile at once), perf_hooks.monitorEventLoopDelay
 * measures how late the event loop gets; its p99 is printed.
 *
 * Each figure comes four times: through `engine.runWithTimings(feeds)` ("run": feeds validated, staged and outputs
 * allocated per run) and through an IOBinding made once by `engine.bind(feeds)` ("bind": runs in place, arrays
 * page-locked), each for an engine loaded as usual and for one loaded with `pollWhileRunning` (the event loop polls
 * instead of sleeping while a run is in flight: a CPU core traded for the JS thread's wake-up time). Shapes larger
 * than 64x64 get a tenth of the runs (at least 200).
 *
 *   tsx bench/binding-overhead.ts [--engine plan] [--shape 1x1x32x32] [--runs 2000] [--warmup 200]
 *                                 [--lag-seconds 5] [--json out.json]
 * Goals (issue 10, on the GPU machine, bundled model): binding's own cost ≤ 30 µs median, lag p99 ≤ 5 ms.
 */
import { randomFill } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { monitorEventLoopDelay, performance } from 'perf_hooks';
import { bindingOverheadMs, buildEngine, Engine } from '../lib/trt';
import type { RunResult } from '../lib/trt';
import { toJson } from '../lib/util/json';
import { DEFAULT_MODEL } from '../lib/cli/defaults';

const MODEL = DEFAULT_MODEL;
const GOAL_OVERHEAD_US = 30;
const GOAL_LAG_P99_MS = 5;

interface Args {
  engine?: string;
  shapes: number[][];
  runs: number;
  warmup: number;
  lagSeconds: number;
  json?: string;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { shapes: [], runs: 2000, warmup: 200, lagSeconds: 5 };
  for (let i = 0; i < argv.length; i++) {
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${argv[i - 1]} needs a value`);
      return v;
    };
    const count = (name: string, v: string) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a whole number ≥ 1, got ${v}`);
      return n;
    };
    switch (argv[i]) {
      case '--engine': args.engine = value(); break;
      case '--shape': args.shapes.push(value().split('x').map((d) => count('--shape', d))); break;
      case '--runs': args.runs = count('--runs', value()); break;
      case '--warmup': args.warmup = count('--warmup', value()); break;
      case '--lag-seconds': args.lagSeconds = count('--lag-seconds', value()); break;
      case '--json': args.json = value(); break;
      default: throw new Error(`unknown argument ${argv[i]}`);
    }
  }
  if (args.shapes.length === 0) args.shapes = [[1, 1, 32, 32], [1, 1, 224, 224]];
  return args;
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

interface Summary {
  median: number;
  p90: number;
  p99: number;
  min: number;
  /** Standard error of the median, from the interquartile range (normal approximation: 1.2533 σ/√n, σ ≈ IQR/1.349). */
  medianSe: number;
}

function summary(values: number[]): Summary {
  const s = [...values].sort((a, b) => a - b);
  const sigma = (quantile(s, 0.75) - quantile(s, 0.25)) / 1.349;
  return { median: quantile(s, 0.5), p90: quantile(s, 0.9), p99: quantile(s, 0.99), min: s[0], medianSe: (1.2533 * sigma) / Math.sqrt(s.length) };
}

/** The plain runs' binding cost: their median end to end minus the timed runs' median engine time, ± its standard error. */
function plainEstimate(plainEndToEnd: Summary, engine: Summary): { us: number; se: number } {
  return { us: plainEndToEnd.median - engine.median, se: Math.hypot(plainEndToEnd.medianSe, engine.medianSe) };
}

function feedsFor(shape: number[]) {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = Float32Array.from({ length: n }, (_, i) => (i % 97) / 97);
  return { input: { type: 'float32' as const, dims: shape, data } };
}

/** The two ways to run: Engine.runWithTimings(feeds) per run, or an IOBinding made once and run in place. */
type Api = 'run' | 'bind';

interface Runner {
  /** A run with CUDA-event timings. */
  timed: () => Promise<RunResult>;
  /** A run as an application makes it: no timing events. */
  plain: () => Promise<unknown>;
  done: () => void;
}

async function runnerFor(engine: Engine, api: Api, shape: number[]): Promise<Runner> {
  const feeds = feedsFor(shape);
  if (api === 'run') return { timed: () => engine.runWithTimings(feeds), plain: () => engine.run(feeds), done: () => undefined };
  const binding = await engine.bind(feeds);
  return { timed: () => binding.runWithTimings(), plain: () => binding.run(), done: () => binding.dispose() };
}

async function measureShape(engine: Engine, mode: string, api: Api, shape: number[], args: Args) {
  const runner = await runnerFor(engine, api, shape);
  const runs = shape.reduce((a, b) => a * b, 1) <= 64 * 64 ? args.runs : Math.max(200, Math.round(args.runs / 10));
  for (let i = 0; i < args.warmup; i++) await runner.timed();
  const plainEndToEnd: number[] = [];
  const overhead: number[] = [];
  const endToEnd: number[] = [];
  const compute: number[] = [];
  const copies: number[] = [];
  const native: number[] = [];
  const toThread: number[] = [];
  const toJs: number[] = [];
  const js: number[] = [];
  const hostPrepare: number[] = [];
  const hostFinish: number[] = [];
  for (let i = 0; i < runs; i++) {
    // A plain run between timed ones, under the same conditions.
    const p0 = performance.now();
    await runner.plain();
    plainEndToEnd.push((performance.now() - p0) * 1000);
    const t0 = performance.now();
    const r = await runner.timed();
    const ms = performance.now() - t0;
    endToEnd.push(ms * 1000);
    compute.push(r.timings.computeMs * 1000);
    copies.push((r.timings.h2dMs + r.timings.d2hMs) * 1000);
    overhead.push(bindingOverheadMs(ms, r.timings) * 1000);
    native.push((r.timings.wallMs - r.timings.computeMs) * 1000);
    toThread.push(r.timings.toThreadMs * 1000);
    toJs.push(r.timings.toJsMs * 1000);
    js.push((ms - r.timings.toThreadMs - r.timings.wallMs - r.timings.toJsMs) * 1000);
    hostPrepare.push(r.timings.hostPrepareMs * 1000);
    hostFinish.push(r.timings.hostFinishMs * 1000);
  }
  runner.done();
  const engineUs = summary(compute);
  return {
    mode,
    shape,
    runs,
    bindingUs: summary(overhead),
    // Plain runs record no events, so their engine time is not known run by run: the timed runs' median stands in.
    plainBinding: plainEstimate(summary(plainEndToEnd), engineUs),
    endToEndUs: summary(endToEnd),
    engineUs,
    copiesUs: summary(copies),
    nativeUs: summary(native),
    toThreadUs: summary(toThread),
    toJsUs: summary(toJs),
    jsUs: summary(js),
    hostPrepareUs: summary(hostPrepare),
    hostFinishUs: summary(hostFinish),
  };
}

/**
 * For comparison: a round trip through Node's own thread pool that does nothing to speak of (crypto.randomFill of one
 * byte), timed like a run. A binding that runs on the thread pool (an AsyncWorker) pays at least this per run.
 */
async function threadPoolRoundTrip(runs: number) {
  const buffer = Buffer.alloc(1);
  const once = () => new Promise<void>((resolve, reject) => randomFill(buffer, (err) => (err ? reject(err) : resolve())));
  for (let i = 0; i < 200; i++) await once();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await once();
    times.push((performance.now() - t0) * 1000);
  }
  return summary(times);
}

/** Back-to-back runs on every profile at once for `seconds`, with the event loop's delay measured meanwhile. */
async function measureLag(engine: Engine, mode: string, api: Api, shape: number[], seconds: number) {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  const runners = await Promise.all(Array.from({ length: Math.max(2, engine.profileCount) }, () => runnerFor(engine, api, shape)));
  const until = performance.now() + seconds * 1000;
  let runs = 0;
  histogram.enable();
  const loops = runners.map(async (runner) => {
    while (performance.now() < until) {
      await runner.plain();
      runs++;
    }
  });
  await Promise.all(loops);
  histogram.disable();
  for (const runner of runners) runner.done();
  return { mode, seconds, runs, concurrent: loops.length, p50Ms: histogram.percentile(50) / 1e6, p99Ms: histogram.percentile(99) / 1e6, maxMs: histogram.max / 1e6 };
}

function us(v: number): string {
  return `${v.toFixed(1).padStart(8)} µs`;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  let plan: Uint8Array;
  if (args.engine) {
    plan = fs.readFileSync(args.engine);
  } else {
    const max = args.shapes.reduce((m, s) => s.map((d, i) => Math.max(d, m[i] ?? 0)), [] as number[]);
    const min = args.shapes.reduce((m, s) => s.map((d, i) => Math.min(d, m[i] ?? Infinity)), [] as number[]);
    plan = (await buildEngine(MODEL, { profiles: { input: { min, opt: min, max } } })).plan;
  }
  const engines: [string, Engine][] = [
    ['default', await Engine.load(plan)],
    ['pollWhileRunning', await Engine.load(plan, { pollWhileRunning: true })],
  ];
  const library = engines[0][1].library;
  const roundTrip = await threadPoolRoundTrip(args.runs);
  const shapes = [];
  const lags = [];
  const modes: string[] = [];
  for (const [loadMode, engine] of engines) {
    for (const api of ['run', 'bind'] as const) {
      const mode = `${api}, ${loadMode}`;
      modes.push(mode);
      for (const shape of args.shapes) shapes.push(await measureShape(engine, mode, api, shape, args));
      lags.push(await measureLag(engine, mode, api, args.shapes[0], args.lagSeconds));
    }
    engine.dispose();
  }

  const out = process.stdout;
  out.write(`engine library: ${library}\n`);
  out.write(`model: ${path.relative(process.cwd(), MODEL)}; ${args.warmup} warm-up runs, then the timed runs below\n`);
  out.write('binding = end to end - engine. It splits into "native" (the run on the profile\'s thread minus the engine: copies, ' +
    'staging, synchronisation), the hops "to thread" (call to the run starting there) and "to JS" (run ended to the JS thread ' +
    'picking it up), and "JS" (validating feeds, N-API, unpacking outputs). "prepare" and "finish" are the native host work ' +
    'before the first copy and after synchronising. These columns come from timed runs (runWithTimings: CUDA events around ' +
    'the copies and enqueueV3, which cost time themselves). "plain" is the binding\'s cost of the runs an application makes ' +
    '(run(): no events), one between each two timed runs: their median end-to-end time minus the timed runs\' median engine ' +
    'time (an estimate: a plain run\'s own engine time is not measured), ± its standard error (from the interquartile ranges: ' +
    'the engine\'s own jitter makes it wide for large shapes). µs, medians unless said.\n\n');
  out.write('mode                    shape         runs |           plain | binding median      p90      p99 | end-to-end |     engine |     copies |     native |  to thread |      to JS |         JS | prepare | finish\n');
  for (const s of shapes) {
    out.write(
      `${s.mode.padEnd(23)} ${s.shape.join('x').padEnd(12)} ${String(s.runs).padStart(5)} | ${`${s.plainBinding.us.toFixed(1)} ± ${s.plainBinding.se.toFixed(1)}`.padStart(15)} µs | ${us(s.bindingUs.median)} ${us(s.bindingUs.p90)} ${us(s.bindingUs.p99)} | ` +
        `${us(s.endToEndUs.median)} | ${us(s.engineUs.median)} | ${us(s.copiesUs.median)} | ${us(s.nativeUs.median)} | ` +
        `${us(s.toThreadUs.median)} | ${us(s.toJsUs.median)} | ${us(s.jsUs.median)} | ` +
        `${s.hostPrepareUs.median.toFixed(1)} | ${s.hostFinishUs.median.toFixed(1)}\n`,
    );
  }
  out.write(
    `\nfor comparison, a round trip through Node's own thread pool (crypto.randomFill, 1 byte): median ${roundTrip.median.toFixed(1)} µs, ` +
      `p90 ${roundTrip.p90.toFixed(1)} µs (what a binding running on the thread pool, an AsyncWorker, pays at least per run)\n`,
  );
  for (const lag of lags) {
    out.write(
      `event-loop lag, ${lag.mode}, ${lag.seconds} s of back-to-back runs (${lag.concurrent} at once, ${lag.runs} runs): ` +
        `p50 ${lag.p50Ms.toFixed(2)} ms, p99 ${lag.p99Ms.toFixed(2)} ms, max ${lag.maxMs.toFixed(2)} ms\n`,
    );
  }
  for (const mode of modes) {
    const first = shapes.find((s) => s.mode === mode)!;
    const lag = lags.find((l) => l.mode === mode)!;
    // The estimate counts as meeting the goal only if it does with two standard errors added.
    const { us: plain, se } = first.plainBinding;
    const met = (v: number) => (v <= GOAL_OVERHEAD_US ? 'met' : 'NOT met');
    out.write(
      `goals, ${mode}: binding's own cost ≤ ${GOAL_OVERHEAD_US} µs median at ${first.shape.join('x')}: ` +
        `plain runs ${plain.toFixed(1)} ± ${se.toFixed(1)} µs, ${met(plain + 2 * se)} (estimate + 2 standard errors), ` +
        `timed runs ${first.bindingUs.median.toFixed(1)} µs, ${met(first.bindingUs.median)}; ` +
        `event-loop lag p99 ≤ ${GOAL_LAG_P99_MS} ms: ${lag.p99Ms <= GOAL_LAG_P99_MS ? 'met' : 'NOT met'} (${lag.p99Ms.toFixed(2)} ms)\n`,
    );
  }
  if (args.json) fs.writeFileSync(args.json, `${toJson({ library, threadPoolRoundTripUs: roundTrip, shapes, lags })}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:binding: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
