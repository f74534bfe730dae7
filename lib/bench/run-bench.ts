/**
 * The benchmark: each backend at each shape, warm-up excluded, the same generated inputs every iteration, with the
 * spread and the event-loop lag. Backends are the Runners check and the cross-check use (lib/runners): onnxruntime-
 * node in its worker thread, a TensorRT engine. Each run is timed end to end as JavaScript sees it, and inside the
 * runtime as the runner measures it (onnxruntime: InferenceSession.run on its thread, which is what a direct caller
 * of onnxruntime-node waits for; TensorRT: the GPU copies and compute from CUDA events); the difference is what the
 * binding costs. TensorRT that cannot run here is reported as unavailable with the reason, and the same call needs
 * no change where TensorRT exists.
 */
import { BENCH_OPTIONS } from './option-names';
import * as os from 'os';
import { AbortError, InvalidValueError, TrtNodeError } from '../errors';
import { readModel } from '../onnx/reader';
import type { ModelSummary } from '../onnx/types';
import { generateProbeFeeds } from '../runners/feeds';
import { givenProbes, probeOverBudget } from '../pipeline/probes';
import { DEFAULT_MAX_TENSOR_BYTES, maxTensorBytes } from '../io/budget';
import { quoted } from '../util/terminal';
import { createOnnxRuntimeRunner } from '../runners/onnxruntime';
import type { SessionThread } from '../runners/ort-session';
import type { Runner, RunTimings } from '../runners/runner';
import { createTensorRTRunner } from '../runners/tensorrt';
import type { NamedTensors } from '../tensor/types';
import type { BuildEngineOptions } from '../trt/build-options';
import type { OptimizationProfile } from '../shapes/profiles';
import * as v from '../validate';
import { measureEventLoopLag, type EventLoopLag } from './event-loop-lag';
import { backendList, BACKENDS, durationSeconds, type BackendName } from './options';
import { LatencyStats, summarize } from './stats';
import { findTrtexec, runTrtexec, type TrtexecSummary } from './trtexec';

export { BACKENDS, type BackendName };

export interface BenchOptions {
  /** The ONNX model (its inputs give dtypes and the dims the shapes must fill). */
  model: string;
  /** A TensorRT plan to run; without it, an engine is built from the model with a profile covering `shapes`. */
  engine?: string;
  /** One or more shape sets, e.g. [{ input: [1, 1, 224, 224] }]. Required for models with dynamic inputs. */
  shapes: Record<string, number[]>[];
  /** Backends to run. Default: all (TensorRT reported unavailable where it cannot run). */
  backends?: BackendName[];
  /** Untimed runs before measuring, per backend and shape. Default 5. */
  warmup?: number;
  /** Timed runs per backend and shape. Default 50 (ignored when durationS is given). */
  iterations?: number;
  /** Measure for this many seconds per backend and shape instead of a fixed count. */
  durationS?: number;
  /** onnxruntime intra-op threads. Default: onnxruntime's choice (one per core). */
  threads?: number;
  /** Seed of the generated inputs. Default 0. */
  seed?: number;
  /** Memory budget for one shape set's tensors (lib/io/budget), checked before generating. Default: the library's. */
  maxTensorBytes?: number;
  /**
   * Where onnxruntime-node runs: 'worker' (default; the event loop stays free) or 'main' (the calling thread, as a
   * direct caller of onnxruntime-node runs it: its lag shows how much it blocks).
   */
  ortThread?: SessionThread;
  /** Profile of the engine built when no `engine` is given (refused with `engine`). Default: one covering every shape set. */
  profile?: OptimizationProfile;
  /** Other settings of that build (workspace, timing cache, fp16, tf32...; refused with `engine`). Default none. */
  build?: Omit<BuildEngineOptions, 'profiles' | 'sampleShapes' | 'signal' | 'onProgress'>;
  /** Progress (backend, shape, runs done) for the CLI. */
  onProgress?: (event: BenchProgress) => void;
  /** Stops between runs; runBench rejects with AbortError whose `partial` is the report so far. */
  signal?: AbortSignal;
}

export interface BenchProgress {
  backend: BackendName;
  shapes?: Record<string, number[]>;
  phase: 'preparing' | 'warmup' | 'timed';
  done: number;
  /** null for --duration runs (time-bound). */
  total: number | null;
}

export interface BackendRun {
  backend: BackendName;
  shapes: Record<string, number[]>;
  /** Batch size (axis 0 of the first input), for items/s. */
  batch: number;
  available: boolean;
  /** Why the backend did not run (TensorRT missing, a failed run...). */
  reason?: string;
  /** The backend that ran, e.g. 'onnxruntime-node 1.30.0 (cpu)'; absent when it could not start at all. */
  description?: string;
  /** Backend settings worth knowing when reading the figures (threads, execution provider, profile...). */
  settings?: Record<string, unknown>;
  /** End-to-end latency of one `run` from JavaScript, ms. */
  latency?: LatencyStats;
  samplesMs?: number[];
  throughput?: { inferencesPerSec: number; itemsPerSec: number };
  /**
   * How the figures were taken: 'end-to-end' is one run() as JavaScript sees it; 'engine' is the time inside the
   * runtime (onnxruntime: InferenceSession.run on its thread; TensorRT: CUDA events around the copies and compute).
   */
  measuredAs?: string;
  /** Time inside the runtime per run, ms (see measuredAs). */
  engine?: LatencyStats;
  /** The binding's own cost per run: median over runs of (end-to-end − engine), ms. */
  overheadMedianMs?: number;
  /** TensorRT only, from CUDA events: copies and compute, and what Node adds on top (end-to-end − GPU time). */
  gpu?: { h2d: LatencyStats; compute: LatencyStats; d2h: LatencyStats; nodeOverheadMedianMs: number };
  eventLoopLag?: EventLoopLag;
  /** trtexec on the same plan and shapes, where trtexec is on the PATH. */
  trtexec?: TrtexecSummary | { error: string };
}

export interface BenchReport {
  model: string;
  machine: { cpus: number; cpuModel: string; memoryGiB: number; platform: string; node: string };
  settings: { warmup: number; iterations: number | null; durationS: number | null; seed: number };
  runs: BackendRun[];
  /** Per shape set: median latency of TensorRT over onnxruntime, both measured in this run. */
  ratios: { shapes: Record<string, number[]>; trtOverOrtMedian: number }[];
}

/** A runner to time, with what the report says about it. */
interface Backend {
  runner: Runner;
  description: string;
  settings: Record<string, unknown>;
  measuredAs: string;
}

/** Validates and defaults the options (before any session or engine is created). */
type Optional = 'engine' | 'durationS' | 'threads' | 'onProgress' | 'profile' | 'build' | 'signal' | 'maxTensorBytes';
export function validateBenchOptions(options: BenchOptions): Required<Omit<BenchOptions, Optional>> & Pick<BenchOptions, Optional> {
  const o = v.options<BenchOptions>(options, 'options', BENCH_OPTIONS);
  const count = (value: unknown, name: string, fallback: number, min: number) => (value === undefined ? fallback : v.safeInteger(value, name, { min }));
  const engine = v.optional(v.filePath)(o.engine, 'engine');
  // An engine is already built: its profiles and settings are fixed, so these would be ignored without a word.
  for (const name of ['profile', 'build'] as const) {
    if (engine !== undefined && o[name] !== undefined) {
      throw new TrtNodeError('ERR_TRT_NODE_USAGE', `${name} sets how bench builds an engine, and engine gives one already built: give one of the two`, { option: name });
    }
  }
  return {
    model: v.filePath(o.model, 'model'),
    engine,
    shapes: v.arrayOf(o.shapes, 'shapes', (set, p) => v.shapes(set, p, { allowZero: false })),
    backends: o.backends === undefined ? [...BACKENDS] : backendList(o.backends, 'backends'),
    warmup: count(o.warmup, 'warmup', 5, 0),
    iterations: count(o.iterations, 'iterations', 50, 1),
    durationS: v.optional(durationSeconds)(o.durationS, 'durationS'),
    threads: o.threads === undefined ? undefined : v.safeInteger(o.threads, 'threads', { min: 1 }),
    seed: count(o.seed, 'seed', 0, 0),
    ortThread: o.ortThread === undefined ? 'worker' : v.oneOf(o.ortThread, 'ortThread', ['worker', 'main'] as const),
    profile: o.profile,
    build: o.build,
    onProgress: o.onProgress,
    signal: v.optional(v.abortSignal)(o.signal, 'signal'),
    maxTensorBytes: o.maxTensorBytes === undefined ? undefined : maxTensorBytes(o.maxTensorBytes),
  };
}

/**
 * Each shape set filled out to every input of the model (fixed inputs from their dims), refused as check refuses
 * its --probes (lib/pipeline/probes givenProbes): an input the model lacks, a missing dynamic input, a wrong rank,
 * a fixed axis given another size. Errors name `parameter[i]` ('shapes[0]', or the CLI's '--shapes').
 */
export function resolveShapes(model: ModelSummary, sets: readonly Record<string, number[]>[], parameter = 'shapes'): Record<string, number[]>[] {
  const checked = v.arrayOf(sets, parameter, (set, p) => v.shapes(set, p, { allowZero: false }));
  if (checked.length === 0) {
    const dynamic = model.inputs.find((i) => !i.isInitializer && !i.dims?.every((d) => d.kind === 'fixed'));
    if (dynamic) throw new InvalidValueError(parameter, `a shape set for dynamic input ${quoted(dynamic.name)}`, [], `e.g. --shapes ${dynamic.name}:1x3x224x224`);
  }
  return givenProbes(model, checked.length ? checked : [{}], [], parameter).map((p) => p.shapes);
}

/** One profile covering every shape set: min/max per axis, opt = the first set. */
export function coveringProfile(sets: Record<string, number[]>[]): OptimizationProfile {
  const profile: OptimizationProfile = Object.create(null);
  for (const name of Object.keys(sets[0])) {
    const all = sets.map((s) => s[name]);
    profile[name] = {
      min: all[0].map((_, a) => Math.min(...all.map((d) => d[a]))),
      opt: [...all[0]],
      max: all[0].map((_, a) => Math.max(...all.map((d) => d[a]))),
    };
  }
  return profile;
}

async function ortBackend(model: string, threads: number | undefined, thread: SessionThread): Promise<Backend> {
  const runner = await createOnnxRuntimeRunner(model, { ...(threads !== undefined ? { intraOpNumThreads: threads } : {}), thread });
  const settings = runner.session.settings;
  return {
    runner,
    description: runner.description,
    settings: { ...settings, intraOpNumThreads: settings.intraOpNumThreads || `auto (${os.cpus().length} cores)` },
    measuredAs:
      thread === 'worker'
        ? 'onnxruntime-node in a worker thread; engine = InferenceSession.run on that thread (what a direct caller of onnxruntime-node waits for, blocking its thread); end-to-end adds the thread hop'
        : 'onnxruntime-node on the calling thread (as a direct caller uses it: the event loop is blocked during each run); engine = InferenceSession.run',
  };
}

async function trtBackend(model: string, plan: string | undefined, sets: Record<string, number[]>[], o: ReturnType<typeof validateBenchOptions>): Promise<Backend> {
  const runner = plan
    ? await createTensorRTRunner(model, { engine: plan })
    : // The signal cancels the build at TensorRT's next step (minutes for a large model), not only the runs after it.
      await createTensorRTRunner(model, { profiles: [o.profile ?? coveringProfile(sets)], build: { ...o.build, ...(o.signal ? { signal: o.signal } : {}) } });
  return {
    runner,
    description: runner.description,
    settings: { profiles: runner.profiles?.length ?? 0 },
    measuredAs: `${runner.description} through the trt-node addon (runs on the profile's own thread); engine = enqueueV3's work from CUDA events on the run's stream; the H2D/D2H copies count as the binding's`,
  };
}

interface Measured {
  samples: number[];
  engine: number[];
  gpu?: { h2d: number[]; compute: number[]; d2h: number[] };
  lag: EventLoopLag;
}

async function measure(backend: Backend, feeds: NamedTensors, shapes: Record<string, number[]>, name: BackendName, o: ReturnType<typeof validateBenchOptions>): Promise<Measured> {
  const probe = { shapes, label: 'bench' };
  const runOnce = async (): Promise<{ ms: number; timings: RunTimings }> => {
    const t0 = process.hrtime.bigint();
    const r = backend.runner.runTimed ? await backend.runner.runTimed(feeds, probe) : { outputs: await backend.runner.run(feeds, probe), timings: {} };
    return { ms: Number(process.hrtime.bigint() - t0) / 1e6, timings: r.timings };
  };
  for (let i = 0; i < o.warmup; i++) {
    if (o.signal?.aborted) throw new AbortError('runBench');
    await runOnce();
    o.onProgress?.({ backend: name, shapes, phase: 'warmup', done: i + 1, total: o.warmup });
  }
  const samples: number[] = [];
  const engine: number[] = [];
  const gpu = { h2d: [] as number[], compute: [] as number[], d2h: [] as number[] };
  const stopLag = measureEventLoopLag();
  const deadline = o.durationS !== undefined ? performance.now() + o.durationS * 1000 : Infinity;
  try {
    for (let i = 0; o.durationS !== undefined ? performance.now() < deadline : i < o.iterations; i++) {
      if (o.signal?.aborted) throw new AbortError('runBench');
      const r = await runOnce();
      samples.push(r.ms);
      if (r.timings.engineMs !== undefined) engine.push(r.timings.engineMs);
      if (r.timings.computeMs !== undefined) {
        gpu.h2d.push(r.timings.h2dMs ?? 0);
        gpu.compute.push(r.timings.computeMs);
        gpu.d2h.push(r.timings.d2hMs ?? 0);
      }
      if (i % 5 === 4) o.onProgress?.({ backend: name, shapes, phase: 'timed', done: i + 1, total: o.durationS === undefined ? o.iterations : null });
    }
  } catch (err) {
    stopLag(); // the lag sampler's timer must not outlive an aborted or failed run
    throw err;
  }
  return { samples, engine, gpu: gpu.compute.length ? gpu : undefined, lag: stopLag() };
}

function reasonOf(err: unknown): string {
  return err instanceof Error ? err.message.split('\n')[0] : String(err);
}

export async function runBench(options: BenchOptions): Promise<BenchReport> {
  const o = validateBenchOptions(options);
  const summary = await readModel(o.model);
  const inputs = summary.inputs.filter((i) => !i.isInitializer);
  const sets = resolveShapes(summary, o.shapes);
  // Shapes no machine here could hold are a usage error before any backend starts (a mistyped shape).
  const budget = o.maxTensorBytes ?? DEFAULT_MAX_TENSOR_BYTES;
  for (const shapes of sets) {
    const over = probeOverBudget(summary, { shapes, label: 'bench' }, budget, '--shapes');
    if (over) throw over;
  }
  const runs: BackendRun[] = [];
  const trtexec = findTrtexec();
  const unprepared: unknown[] = [];
  const report = (): BenchReport => ({
    model: o.model,
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
      platform: `${os.platform()}-${os.arch()}`,
      node: process.version,
    },
    settings: { warmup: o.warmup, iterations: o.durationS === undefined ? o.iterations : null, durationS: o.durationS ?? null, seed: o.seed },
    runs,
    ratios: ratiosOf(runs, sets),
  });
  for (const name of o.backends) {
    let backend: Backend | undefined;
    let unavailable: string | undefined;
    try {
      o.onProgress?.({ backend: name, phase: 'preparing', done: 0, total: null });
      backend = name === 'ort' ? await ortBackend(o.model, o.threads, o.ortThread) : await trtBackend(o.model, o.engine, sets, o);
    } catch (err) {
      if (err instanceof TrtNodeError && err.code === 'ERR_TRT_NODE_ABORTED') throw new AbortError('runBench', report());
      if (err instanceof TrtNodeError && err.code !== 'ERR_TRT_NODE_TENSORRT_UNAVAILABLE' && err.code !== 'ERR_TRT_NODE_CUDA' && err.code !== 'ERR_TRT_NODE_ORT') throw err;
      if (name === 'trt' && o.engine !== undefined) throw err; // the engine asked for cannot run: not a row 'not run'
      unavailable = reasonOf(err);
      unprepared.push(err);
    }
    try {
      for (const shapes of sets) {
        const batch = Object.values(shapes)[0]?.[0] ?? 1;
        if (!backend) {
          runs.push({ backend: name, shapes, batch, available: false, reason: unavailable });
          continue;
        }
        const feeds = generateProbeFeeds(inputs, shapes, o.seed, [0, 1], budget);
        try {
          const m = await measure(backend, feeds, shapes, name, o);
          runs.push(await runOf(name, shapes, batch, backend, m, o, trtexec));
        } catch (err) {
          if (err instanceof TrtNodeError && err.code === 'ERR_TRT_NODE_ABORTED') throw new AbortError('runBench', report());
          runs.push({ backend: name, shapes, batch, available: false, description: backend.description, reason: reasonOf(err) });
        }
      }
    } finally {
      await backend?.runner.dispose();
    }
  }
  // Not one backend could start (e.g. `--backends trt` without TensorRT): a report of nothing measured would pass
  // for a benchmark; the reason (TensorRTUnavailableError...) is the answer.
  if (unprepared.length === o.backends.length) throw unprepared[0];
  return report();
}

async function runOf(
  name: BackendName,
  shapes: Record<string, number[]>,
  batch: number,
  backend: Backend,
  m: Measured,
  o: ReturnType<typeof validateBenchOptions>,
  trtexec: string | null,
): Promise<BackendRun> {
  const latency = summarize(m.samples);
  const run: BackendRun = {
    backend: name,
    shapes,
    batch,
    available: true,
    description: backend.description,
    settings: backend.settings,
    measuredAs: backend.measuredAs,
    latency,
    samplesMs: m.samples,
    throughput: { inferencesPerSec: 1000 / latency.mean, itemsPerSec: (1000 * batch) / latency.mean },
    eventLoopLag: m.lag,
  };
  if (m.engine.length === m.samples.length && m.engine.length) {
    run.engine = summarize(m.engine);
    run.overheadMedianMs = summarize(m.samples.map((x, i) => x - m.engine[i])).median;
  }
  if (m.gpu) {
    const gpuMedian = summarize(m.gpu.h2d.map((h, i) => h + m.gpu!.compute[i] + m.gpu!.d2h[i])).median;
    run.gpu = { h2d: summarize(m.gpu.h2d), compute: summarize(m.gpu.compute), d2h: summarize(m.gpu.d2h), nodeOverheadMedianMs: latency.median - gpuMedian };
    if (trtexec && o.engine) {
      const spec = Object.entries(shapes).map(([n, d]) => `${n}:${d.join('x')}`).join(',');
      run.trtexec = await runTrtexec(trtexec, o.engine, spec, o.iterations, 200).catch((e: Error) => ({ error: reasonOf(e) }));
    }
  }
  return run;
}

function ratiosOf(runs: readonly BackendRun[], sets: readonly Record<string, number[]>[]): BenchReport['ratios'] {
  return sets.flatMap((shapes) => {
    const find = (b: BackendName) => runs.find((r) => r.backend === b && r.shapes === shapes && r.latency);
    const trt = find('trt');
    const ort = find('ort');
    return trt?.latency && ort?.latency ? [{ shapes, trtOverOrtMedian: trt.latency.median / ort.latency.median }] : [];
  });
}
