/**
 * The benchmark: each backend at each shape, warm-up excluded, the same generated inputs every iteration, with the
 * spread and the event-loop lag. TensorRT that cannot run here is reported as unavailable with the reason, and the
 * same call needs no change where TensorRT exists.
 */
import * as os from 'os';
import { InvalidValueError, TrtNodeError } from '../errors';
import { readModel } from '../onnx/reader';
import type { InputSummary } from '../onnx/types';
import { generateProbeFeeds } from '../runners/feeds';
import { OrtRunner } from '../runners/ort-runner';
import type { NamedTensors } from '../tensor/types';
import { buildEngine, Engine } from '../trt';
import type { OptimizationProfile } from '../trt/profiles';
import { measureEventLoopLag, type EventLoopLag } from './event-loop-lag';
import { LatencyStats, summarize } from './stats';
import { findTrtexec, runTrtexec, type TrtexecSummary } from './trtexec';

export type BackendName = 'trt' | 'ort';
export const BACKENDS: readonly BackendName[] = ['trt', 'ort'];

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
  /** Progress lines (backend, shape) for the CLI. */
  onProgress?: (message: string) => void;
}

export interface BackendRun {
  backend: BackendName;
  shapes: Record<string, number[]>;
  /** Batch size (axis 0 of the first input), for items/s. */
  batch: number;
  available: boolean;
  /** Why the backend did not run (TensorRT missing, a failed run...). */
  reason?: string;
  description?: string;
  /** Backend settings worth knowing when reading the figures (threads, execution provider, profile...). */
  settings?: Record<string, unknown>;
  /** End-to-end latency of one `run` from JavaScript, ms. */
  latency?: LatencyStats;
  samplesMs?: number[];
  throughput?: { inferencesPerSec: number; itemsPerSec: number };
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

interface Backend {
  description: string;
  settings: Record<string, unknown>;
  run(feeds: NamedTensors): Promise<{ ms: number; gpu?: { h2d: number; compute: number; d2h: number } }>;
  dispose(): Promise<void>;
}

function positiveInt(name: string, v: number | undefined, fallback: number, min: number): number {
  if (v === undefined) return fallback;
  if (!Number.isSafeInteger(v) || v < min) throw new InvalidValueError(name, `an integer ≥ ${min}`, v);
  return v;
}

/** Validates and defaults the options (before any session or engine is created). */
export function validateBenchOptions(options: BenchOptions): Required<Omit<BenchOptions, 'engine' | 'durationS' | 'threads' | 'onProgress'>> &
  Pick<BenchOptions, 'engine' | 'durationS' | 'threads' | 'onProgress'> {
  if (typeof options.model !== 'string' || !options.model) throw new InvalidValueError('model', 'a path to an .onnx file', options.model);
  const backends = options.backends ?? [...BACKENDS];
  if (!Array.isArray(backends) || backends.length === 0) throw new InvalidValueError('backends', `a non-empty list of ${BACKENDS.join(', ')}`, backends);
  for (const b of backends) if (!BACKENDS.includes(b)) throw new InvalidValueError('backends', `one of ${BACKENDS.join(', ')}`, b);
  if (options.durationS !== undefined && !(typeof options.durationS === 'number' && options.durationS > 0 && options.durationS <= 3600)) {
    throw new InvalidValueError('duration', 'seconds in (0, 3600]', options.durationS);
  }
  if (!Array.isArray(options.shapes)) throw new InvalidValueError('shapes', 'a list of shape sets', options.shapes);
  return {
    model: options.model,
    engine: options.engine,
    shapes: options.shapes,
    backends: [...new Set(backends)],
    warmup: positiveInt('warmup', options.warmup, 5, 0),
    iterations: positiveInt('iterations', options.iterations, 50, 1),
    durationS: options.durationS,
    threads: options.threads === undefined ? undefined : positiveInt('threads', options.threads, 0, 1),
    seed: positiveInt('seed', options.seed, 0, 0),
    onProgress: options.onProgress,
  };
}

/** Fills each input's dims from a shape set, or from its fixed dims; names what is missing. */
export function resolveShapes(inputs: readonly InputSummary[], given: Record<string, number[]>): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const name of Object.keys(given)) {
    if (!inputs.some((i) => i.name === name)) {
      throw new InvalidValueError('shapes', `an input of the model (${inputs.map((i) => i.name).join(', ')})`, name);
    }
  }
  for (const input of inputs) {
    const dims = given[input.name];
    if (dims) {
      if (input.dims && dims.length !== input.dims.length) {
        throw new InvalidValueError('shapes', `${input.dims.length} dims for input '${input.name}'`, dims.join('x'));
      }
      input.dims?.forEach((d, a) => {
        if (d.kind === 'fixed' && d.value !== dims[a]) {
          throw new InvalidValueError('shapes', `${d.value} at axis ${a} of input '${input.name}' (fixed in the model)`, dims[a]);
        }
      });
      out[input.name] = dims;
    } else if (input.dims && input.dims.every((d) => d.kind === 'fixed')) {
      out[input.name] = input.dims.map((d) => (d.kind === 'fixed' ? d.value : 0));
    } else {
      throw new InvalidValueError('shapes', `a shape for dynamic input '${input.name}'`, undefined, `e.g. --shapes ${input.name}:1x3x224x224`);
    }
  }
  return out;
}

/** One profile covering every shape set: min/max per axis, opt = the first set. */
export function coveringProfile(sets: Record<string, number[]>[]): OptimizationProfile {
  const profile: OptimizationProfile = {};
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

async function ortBackend(model: string, threads: number | undefined): Promise<Backend> {
  const runner = await OrtRunner.create(model, { intraOpNumThreads: threads });
  return {
    description: runner.description,
    settings: { ...runner.settings, intraOpNumThreads: runner.settings.intraOpNumThreads || `auto (${os.cpus().length} cores)` },
    async run(feeds) {
      const t0 = process.hrtime.bigint();
      await runner.run(feeds);
      return { ms: Number(process.hrtime.bigint() - t0) / 1e6 };
    },
    dispose: () => runner.dispose(),
  };
}

async function trtBackend(model: string, plan: string | undefined, sets: Record<string, number[]>[]): Promise<Backend> {
  let source: string | Buffer;
  let how: string;
  if (plan) {
    source = plan;
    how = `plan ${plan}`;
  } else {
    const built = await buildEngine(model, { profiles: [coveringProfile(sets)] });
    source = built.plan;
    how = `built from the model (TensorRT ${built.tensorrtVersion})`;
  }
  const engine = await Engine.load(source);
  return {
    description: `TensorRT engine, ${how}`,
    settings: { profiles: engine.profileCount },
    async run(feeds) {
      const t0 = process.hrtime.bigint();
      const r = await engine.runWithTimings(feeds);
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      return { ms, gpu: { h2d: r.timings.h2dMs, compute: r.timings.computeMs, d2h: r.timings.d2hMs } };
    },
    dispose: async () => engine.dispose(),
  };
}

async function measure(backend: Backend, feeds: NamedTensors, o: ReturnType<typeof validateBenchOptions>) {
  for (let i = 0; i < o.warmup; i++) await backend.run(feeds);
  const samples: number[] = [];
  const gpu = { h2d: [] as number[], compute: [] as number[], d2h: [] as number[] };
  const stopLag = measureEventLoopLag();
  const deadline = o.durationS !== undefined ? performance.now() + o.durationS * 1000 : Infinity;
  for (let i = 0; o.durationS !== undefined ? performance.now() < deadline : i < o.iterations; i++) {
    const r = await backend.run(feeds);
    samples.push(r.ms);
    if (r.gpu) {
      gpu.h2d.push(r.gpu.h2d);
      gpu.compute.push(r.gpu.compute);
      gpu.d2h.push(r.gpu.d2h);
    }
  }
  return { samples, gpu: gpu.compute.length ? gpu : undefined, lag: stopLag() };
}

function reasonOf(err: unknown): string {
  return err instanceof Error ? err.message.split('\n')[0] : String(err);
}

export async function runBench(options: BenchOptions): Promise<BenchReport> {
  const o = validateBenchOptions(options);
  const summary = await readModel(o.model);
  const inputs = summary.inputs.filter((i) => !i.isInitializer);
  const sets = (o.shapes.length ? o.shapes : [{}]).map((s) => resolveShapes(inputs, s));
  const runs: BackendRun[] = [];
  const trtexec = findTrtexec();
  const unprepared: unknown[] = [];
  for (const name of o.backends) {
    let backend: Backend | undefined;
    let unavailable: string | undefined;
    try {
      o.onProgress?.(`${name}: preparing`);
      backend = name === 'ort' ? await ortBackend(o.model, o.threads) : await trtBackend(o.model, o.engine, sets);
    } catch (err) {
      if (err instanceof TrtNodeError && err.code !== 'ERR_TRT_NODE_TENSORRT_UNAVAILABLE' && err.code !== 'ERR_TRT_NODE_CUDA' && err.code !== 'ERR_TRT_NODE_ORT') throw err;
      unavailable = reasonOf(err);
      unprepared.push(err);
    }
    for (const shapes of sets) {
      const batch = Object.values(shapes)[0]?.[0] ?? 1;
      if (!backend) {
        runs.push({ backend: name, shapes, batch, available: false, reason: unavailable });
        continue;
      }
      o.onProgress?.(`${name}: ${Object.entries(shapes).map(([n, d]) => `${n}:${d.join('x')}`).join(',')}`);
      const feeds = generateProbeFeeds(inputs, shapes, o.seed);
      try {
        const m = await measure(backend, feeds, o);
        const latency = summarize(m.samples);
        const run: BackendRun = {
          backend: name,
          shapes,
          batch,
          available: true,
          description: backend.description,
          settings: backend.settings,
          latency,
          samplesMs: m.samples,
          throughput: { inferencesPerSec: 1000 / latency.mean, itemsPerSec: (1000 * batch) / latency.mean },
          eventLoopLag: m.lag,
        };
        if (m.gpu) {
          const gpuMedian = summarize(m.gpu.h2d.map((h, i) => h + m.gpu!.compute[i] + m.gpu!.d2h[i])).median;
          run.gpu = { h2d: summarize(m.gpu.h2d), compute: summarize(m.gpu.compute), d2h: summarize(m.gpu.d2h), nodeOverheadMedianMs: latency.median - gpuMedian };
          if (trtexec && o.engine) {
            const spec = Object.entries(shapes).map(([n, d]) => `${n}:${d.join('x')}`).join(',');
            run.trtexec = await runTrtexec(trtexec, o.engine, spec, o.iterations, 200).catch((e: Error) => ({ error: reasonOf(e) }));
          }
        }
        runs.push(run);
      } catch (err) {
        runs.push({ backend: name, shapes, batch, available: false, description: backend.description, reason: reasonOf(err) });
      }
    }
    await backend?.dispose();
  }
  // Not one backend could start (e.g. `--backends trt` without TensorRT): a report of nothing measured would pass
  // for a benchmark; the reason (TensorRTUnavailableError...) is the answer.
  if (unprepared.length === o.backends.length) throw unprepared[0];
  const ratios = sets.flatMap((shapes) => {
    const find = (b: BackendName) => runs.find((r) => r.backend === b && r.shapes === shapes && r.latency);
    const trt = find('trt');
    const ort = find('ort');
    return trt?.latency && ort?.latency ? [{ shapes, trtOverOrtMedian: trt.latency.median / ort.latency.median }] : [];
  });
  return {
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
    ratios,
  };
}
