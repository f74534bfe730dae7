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
import { generateProbeFeeds } from '../data/generate';
import { AbortError, InvalidTypeError, InvalidValueError, TrtNodeError } from '../errors';
import { DEFAULT_MAX_TENSOR_BYTES, maxTensorBytes } from '../io/budget';
import { isModelSummary, modelBytesOf } from '../onnx/reader';
import type { ModelSummary } from '../onnx/types';
import { loadModelArgument } from '../pipeline/options';
import { givenProbes, probeOverBudget } from '../pipeline/probes';
import type { SessionThread } from '../runners/onnxruntime/session';
import { runnerRegistration } from '../runners/registry';
import { isRunner, type Runner, type RunnerKind, type RunnerTimings } from '../runners/runner';
import { createRunner, runnerName, type ActiveRunner, type RunnerSetup, type RunnerSpec } from '../runners/specs';
import type { NamedTensors } from '../tensor/types';
import type { BuildEngineOptions } from '../trt/build-options';
import { validateProfiles, type OptimizationProfile } from '../shapes/profiles';
import { formatShapeList } from '../shapes/spec';
import { quoted } from '../util/terminal';
import { displayPath } from '../util/text';
import * as v from '../validate';
import { measureEventLoopLag, type EventLoopLag } from './event-loop-lag';
import { loadAverage, machineLoadWarning } from './load';
import { BACKENDS, durationSeconds, MAX_CONCURRENCY } from './options';
import { validateContexts, validateDevices } from '../trt/device';
import { LatencyStats, summarize } from './stats';
import { findTrtexec, runTrtexec, type TrtexecSummary } from './trtexec';

export { BACKENDS };

/** What bench times when no runners are given (TensorRT is reported unavailable where it cannot run). */
export const DEFAULT_BENCH_RUNNERS: readonly RunnerKind[] = ['onnxruntime', 'tensorrt'];

export interface BenchOptions {
  /** The ONNX model: its path, or its ModelSummary from readModel (its inputs give dtypes and the dims to fill). */
  model: string | ModelSummary;
  /** The folder of the model's external data when not the model's own (onnxruntime and TensorRT's parser read it there). */
  externalDataDir?: string;
  /** A TensorRT plan to run; without it, an engine is built from the model with a profile covering `shapes`. */
  engine?: string;
  /** The CUDA device TensorRT runs on: `engine` is loaded there, an engine built here is built there. Default 0. */
  device?: number;
  /** One or more shape sets, e.g. [{ input: [1, 1, 224, 224] }]. Required for models with dynamic inputs. */
  shapes: Record<string, number[]>[];
  /**
   * What to time: runner kinds ('onnxruntime', 'tensorrt', or a kind registered with registerRunner), runner specs,
   * or your own Runner objects (those stay yours to dispose). A kind named gets the settings below (`threads` and
   * `ortThread` for onnxruntime; `engine`, `profiles` and `build` for TensorRT); a spec is used as given. Default
   * DEFAULT_BENCH_RUNNERS: onnxruntime and TensorRT (reported unavailable where it cannot run).
   */
  runners?: (RunnerKind | RunnerSpec | Runner)[];
  /** Untimed runs before measuring, per backend and shape. Default 5. */
  warmup?: number;
  /** Timed runs per backend and shape. Default 50 (ignored when durationS is given). */
  iterations?: number;
  /** Measure for this many seconds per backend and shape instead of a fixed count. */
  durationS?: number;
  /** onnxruntime intra-op threads. Default: onnxruntime's choice (one per core). */
  threads?: number;
  /**
   * TensorRT execution contexts per optimization profile, each with its own CUDA stream (trtexec --infStreams;
   * Engine.load's `contexts`). 1 .. 64. Default 1.
   */
  streams?: number;
  /**
   * Runs in flight at once per backend (each of `concurrency` callers starts its next run when its last settles);
   * throughput is runs over the timed wall time. onnxruntime runs one at a time whatever this says: one session in one
   * worker thread (its rows say so). Default 1.
   */
  concurrency?: number;
  /** TensorRT runs through CUDA graphs (trtexec --useCudaGraph; Engine.load's `cudaGraph`). Default false. */
  cudaGraph?: boolean;
  /**
   * TensorRT on several GPUs: an EnginePool over these devices ('all': every one CUDA sees), each run dispatched to
   * the least busy. Default: one engine (on the build's device, or device 0).
   */
  devices?: number[] | 'all';
  /** Seed of the generated inputs. Default 0. */
  seed?: number;
  /** Memory budget for one shape set's tensors (lib/io/budget), checked before generating. Default: the library's. */
  maxTensorBytes?: number;
  /**
   * Where onnxruntime-node runs: 'worker' (default; the event loop stays free) or 'main' (the calling thread, as a
   * direct caller of onnxruntime-node runs it: its lag shows how much it blocks).
   */
  ortThread?: SessionThread;
  /**
   * Profiles of the engine built when no `engine` is given (refused with `engine`), checked against the model first.
   * Default: one profile covering every shape set.
   */
  profiles?: OptimizationProfile | OptimizationProfile[];
  /** Other settings of that build (workspace, timing cache, fp16, tf32...; refused with `engine`). Default none. */
  build?: Omit<BuildEngineOptions, 'profiles' | 'sampleShapes' | 'signal' | 'onProgress'>;
  /** Progress (backend, shape, runs done) for the CLI. */
  onProgress?: (event: BenchProgress) => void;
  /** Stops between runs; runBench rejects with AbortError whose `partial` is the report so far. */
  signal?: AbortSignal;
}

export interface BenchProgress {
  /** The runner's name. */
  backend: string;
  shapes?: Record<string, number[]>;
  phase: 'preparing' | 'warmup' | 'timed';
  done: number;
  /** null for --duration runs (time-bound). */
  total: number | null;
}

export interface BackendRun {
  /** The runner's name ('onnxruntime', 'tensorrt', or yours). */
  backend: string;
  kind: RunnerKind;
  shapes: Record<string, number[]>;
  /** Batch size (axis 0 of the first input), for items/s. */
  batch: number;
  available: boolean;
  /** Why the backend did not run (TensorRT missing, a failed run...). */
  reason?: string;
  /** The runner that ran, e.g. 'onnxruntime-node 1.30.0 (cpu)'; absent when it could not start at all. */
  description?: string;
  /** The runner's settings worth knowing when reading the figures (threads, execution provider, profiles...). */
  settings?: Record<string, unknown>;
  /** End-to-end latency of one `run` from JavaScript, ms. */
  latency?: LatencyStats;
  samplesMs?: number[];
  /** Timed runs over the timed phase's wall time (timedS), as trtexec reports throughput. */
  throughput?: { inferencesPerSec: number; itemsPerSec: number; timedS: number };
  /** Runs in flight at once while timed (BenchOptions.concurrency; 1 for onnxruntime, which runs one at a time). */
  concurrency?: number;
  /** Why `concurrency` differs from the one asked for (onnxruntime: one session, one run at a time). */
  concurrencyNote?: string;
  /**
   * Set when trt-node's test stand-in produced the figures (lib/trt standInLabel()): "TensorRT stand-in, host CUDA —
   * not TensorRT". Every printed figure of the row carries it.
   */
  standIn?: string;
  /** TensorRT: where the timed runs executed (runs per device and per device/context) and their CUDA graph use. */
  execution?: {
    runsPerDevice: Record<string, number>;
    runsPerContext: Record<string, number>;
    cudaGraph: Record<string, number>;
    /** Each distinct reason capture was refused. */
    cudaGraphRefusals: string[];
  };
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
  /** `loadAverage`: the 1-minute load average when the benchmark started (0 where the platform has none). */
  machine: { cpus: number; cpuModel: string; memoryGiB: number; platform: string; node: string; loadAverage: number };
  /** What makes the figures less reliable: a machine busy with other work. */
  warnings: string[];
  settings: {
    warmup: number;
    iterations: number | null;
    durationS: number | null;
    seed: number;
    concurrency: number;
    /** TensorRT: contexts per profile, CUDA graphs, devices (null: one engine). */
    streams: number;
    cudaGraph: boolean;
    devices: number[] | 'all' | null;
  };
  runs: BackendRun[];
  /** Per shape set: median latency of TensorRT over onnxruntime, both measured in this run. */
  ratios: { shapes: Record<string, number[]>; trtOverOrtMedian: number }[];
}

/** The runners to time, each checked (a kind must be registered); a kind named twice is timed once. */
function benchRunners(value: unknown): (RunnerKind | RunnerSpec | Runner)[] {
  const list = v.arrayOf(
    value,
    'runners',
    (r, p): RunnerKind | RunnerSpec | Runner => {
      if (typeof r === 'string') return runnerRegistration(r, p).kind;
      if (isRunner(r)) return r;
      if (typeof r !== 'object' || r === null || Array.isArray(r)) throw new InvalidTypeError(p, 'a runner kind, a runner spec ({kind, ...}) or a Runner', r);
      runnerRegistration((r as { kind?: unknown }).kind, `${p}.kind`);
      return r as RunnerSpec;
    },
    { nonEmpty: true },
  );
  return list.filter((r, i) => typeof r !== 'string' || list.indexOf(r) === i);
}

/** Validates and defaults the options (before any session or engine is created). */
type Optional = 'engine' | 'device' | 'externalDataDir' | 'durationS' | 'threads' | 'onProgress' | 'profiles' | 'build' | 'signal' | 'maxTensorBytes' | 'devices';
export function validateBenchOptions(options: BenchOptions): Required<Omit<BenchOptions, Optional>> & Pick<BenchOptions, Optional> {
  const o = v.options<BenchOptions>(options, 'options', BENCH_OPTIONS);
  const count = (value: unknown, name: string, fallback: number, min: number) => (value === undefined ? fallback : v.safeInteger(value, name, { min }));
  const engine = v.optional(v.filePath)(o.engine, 'engine');
  // An engine is already built: its profiles and settings are fixed, so these would be ignored without a word.
  for (const name of ['profiles', 'build'] as const) {
    if (engine !== undefined && o[name] !== undefined) {
      throw new TrtNodeError('ERR_TRT_NODE_USAGE', `${name} sets how bench builds an engine, and engine gives one already built: give one of the two`, { option: name });
    }
  }
  return {
    model: isModelSummary(o.model) ? o.model : v.filePath(o.model, 'model'),
    engine,
    externalDataDir: v.optional(v.filePath)(o.externalDataDir, 'externalDataDir'),
    device: o.device === undefined ? undefined : v.safeInteger(o.device, 'device', { min: 0 }),
    shapes: v.arrayOf(o.shapes, 'shapes', (set, p) => v.shapes(set, p, { allowZero: false })),
    runners: o.runners === undefined ? [...DEFAULT_BENCH_RUNNERS] : benchRunners(o.runners),
    warmup: count(o.warmup, 'warmup', 5, 0),
    iterations: count(o.iterations, 'iterations', 50, 1),
    durationS: v.optional(durationSeconds)(o.durationS, 'durationS'),
    threads: o.threads === undefined ? undefined : v.safeInteger(o.threads, 'threads', { min: 1 }),
    streams: validateContexts(o.streams, 'streams'),
    concurrency: o.concurrency === undefined ? 1 : v.safeInteger(o.concurrency, 'concurrency', { min: 1, max: MAX_CONCURRENCY }),
    cudaGraph: o.cudaGraph === undefined ? false : v.boolean(o.cudaGraph, 'cudaGraph'),
    devices: o.devices === undefined ? undefined : validateDevices(o.devices, 'devices'),
    seed: count(o.seed, 'seed', 0, 0),
    ortThread: o.ortThread === undefined ? 'worker' : v.oneOf(o.ortThread, 'ortThread', ['worker', 'main'] as const),
    profiles: o.profiles,
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

type ValidBenchOptions = ReturnType<typeof validateBenchOptions>;

/** bench's own options as the specs of the built-in kinds they set; any other kind named is made from `{ kind }`. */
const KIND_SPECS: Readonly<Record<string, (o: ValidBenchOptions) => RunnerSpec>> = {
  onnxruntime: (o) => ({ kind: 'onnxruntime', thread: o.ortThread, ...(o.threads !== undefined ? { intraOpNumThreads: o.threads } : {}) }),
  // Without an engine, one is built with a profile covering every shape set (RunnerSetup.profiles).
  tensorrt: (o) => ({
    kind: 'tensorrt',
    ...(o.engine !== undefined ? { engine: o.engine } : o.build ? { build: o.build } : {}),
    ...(o.streams !== 1 ? { contexts: o.streams } : {}),
    ...(o.cudaGraph ? { cudaGraph: true } : {}),
    ...(o.devices !== undefined ? { devices: o.devices } : {}),
    ...(o.device !== undefined ? { device: o.device } : {}),
  }),
};

function specOf(entry: RunnerKind | RunnerSpec | Runner, o: ValidBenchOptions): RunnerSpec | Runner {
  return typeof entry === 'string' ? (KIND_SPECS[entry]?.(o) ?? { kind: entry }) : entry;
}

/** How a runner's figures were taken, in its own words where it has them. */
function measuredAs(runner: Runner): string {
  return runner.measuredAs ?? (runner.runTimed ? 'run() end to end from JavaScript; engine = the time its runTimed() reports' : 'run() end to end from JavaScript');
}

interface Measured {
  samples: number[];
  engine: number[];
  gpu?: { h2d: number[]; compute: number[]; d2h: number[] };
  executions: NonNullable<RunnerTimings['execution']>[];
  lag: EventLoopLag;
  /** Wall time of the timed phase, ms: from its first run's start to its last run's end. */
  timedMs: number;
}

/** onnxruntime-node runs one at a time: one session in one worker thread (no pool of sessions to spread runs over). */
const ORT_ONE_AT_A_TIME = 'onnxruntime-node runs one at a time here (one session in one worker thread; trt-node has no pool of onnxruntime sessions)';

/** Runs in flight for a runner: the option, except onnxruntime (one at a time, with the reason). */
function concurrencyOf(runner: Runner, o: ValidBenchOptions): { concurrency: number; note?: string } {
  if (runner.kind === 'onnxruntime' && o.concurrency > 1) return { concurrency: 1, note: ORT_ONE_AT_A_TIME };
  return { concurrency: o.concurrency };
}

/**
 * `count` runs (or, with `until`, runs started before that time) by `callers` concurrent callers, each starting its
 * next run when its last one settles; `each` gets every run's result in completion order.
 */
async function runConcurrently<T>(callers: number, count: number, until: number, run: () => Promise<T>, each: (r: T, done: number) => void, signal?: AbortSignal): Promise<void> {
  let started = 0;
  let done = 0;
  const more = () => (Number.isFinite(until) ? performance.now() < until : started < count);
  const caller = async () => {
    while (more()) {
      if (signal?.aborted) throw new AbortError('runBench');
      started++;
      const r = await run();
      each(r, ++done);
    }
  };
  await Promise.all(Array.from({ length: callers }, caller));
}

async function measure(runner: Runner, feeds: NamedTensors, shapes: Record<string, number[]>, o: ValidBenchOptions, callers: number): Promise<Measured> {
  const probe = { shapes, label: 'bench' };
  const name = runner.name;
  const runOnce = async (): Promise<{ ms: number; timings: RunnerTimings }> => {
    const t0 = process.hrtime.bigint();
    const r = runner.runTimed ? await runner.runTimed(feeds, probe) : { outputs: await runner.run(feeds, probe), timings: {} };
    return { ms: Number(process.hrtime.bigint() - t0) / 1e6, timings: r.timings };
  };
  // Warm-up with as many callers, so that every execution context has run (and captured its CUDA graph) before timing.
  await runConcurrently(callers, o.warmup, Infinity, runOnce, (_, done) => o.onProgress?.({ backend: name, shapes, phase: 'warmup', done, total: o.warmup }), o.signal);
  const samples: number[] = [];
  const engine: number[] = [];
  const executions: NonNullable<RunnerTimings['execution']>[] = [];
  const gpu = { h2d: [] as number[], compute: [] as number[], d2h: [] as number[] };
  const stopLag = measureEventLoopLag();
  const start = performance.now();
  const deadline = o.durationS !== undefined ? start + o.durationS * 1000 : Infinity;
  try {
    await runConcurrently(
      callers,
      o.iterations,
      deadline,
      runOnce,
      (r, done) => {
        samples.push(r.ms);
        if (r.timings.engineMs !== undefined) engine.push(r.timings.engineMs);
        if (r.timings.execution) executions.push(r.timings.execution);
        if (r.timings.computeMs !== undefined) {
          gpu.h2d.push(r.timings.h2dMs ?? 0);
          gpu.compute.push(r.timings.computeMs);
          gpu.d2h.push(r.timings.d2hMs ?? 0);
        }
        if (done % 5 === 0) o.onProgress?.({ backend: name, shapes, phase: 'timed', done, total: o.durationS === undefined ? o.iterations : null });
      },
      o.signal,
    );
  } catch (err) {
    stopLag(); // the lag sampler's timer must not outlive an aborted or failed run
    throw err;
  }
  const timedMs = performance.now() - start;
  return { samples, engine, gpu: gpu.compute.length ? gpu : undefined, executions, lag: stopLag(), timedMs };
}

/** Where the timed runs executed: per device, per device/context, and their CUDA graph use. */
function executionSummary(executions: readonly NonNullable<RunnerTimings['execution']>[]): BackendRun['execution'] {
  if (executions.length === 0) return undefined;
  const count = (into: Record<string, number>, key: string) => (into[key] = (into[key] ?? 0) + 1);
  const summary: NonNullable<BackendRun['execution']> = { runsPerDevice: {}, runsPerContext: {}, cudaGraph: {}, cudaGraphRefusals: [] };
  for (const e of executions) {
    count(summary.runsPerDevice, String(e.device));
    count(summary.runsPerContext, `${e.device}/${e.context}`);
    count(summary.cudaGraph, e.cudaGraph);
    if (e.cudaGraphReason && !summary.cudaGraphRefusals.includes(e.cudaGraphReason)) summary.cudaGraphRefusals.push(e.cudaGraphReason);
  }
  return summary;
}

function reasonOf(err: unknown): string {
  return err instanceof Error ? err.message.split('\n')[0] : String(err);
}

function isAbort(err: unknown): boolean {
  return err instanceof TrtNodeError && err.code === 'ERR_TRT_NODE_ABORTED';
}

/** What a runner that could not start still tells: why (TensorRT or CUDA missing, onnxruntime cannot load the model). */
function unavailableReason(err: unknown): string {
  // Anything else of ours is a usage error (a bad option, a file that is not there): the caller's to fix.
  if (err instanceof TrtNodeError && err.code !== 'ERR_TRT_NODE_TENSORRT_UNAVAILABLE' && err.code !== 'ERR_TRT_NODE_CUDA' && err.code !== 'ERR_TRT_NODE_ORT') throw err;
  return reasonOf(err);
}

/** One benchmark, validated and resolved before anything runs. */
interface BenchPlan {
  o: ValidBenchOptions;
  summary: ModelSummary;
  inputs: ModelSummary['inputs'];
  /** Every shape set filled out to every input. */
  sets: Record<string, number[]>[];
  budget: number;
  /** What to time, as specs (kinds given by name carry bench's settings) or Runners, with their names. */
  runners: { spec: RunnerSpec | Runner; name: string; parameter: string }[];
  setup: RunnerSetup;
  trtexec: string | null;
  /** The load average before anything ran (measured later, it would count the benchmark's own threads). */
  loadAtStart: number;
}

async function prepareBench(options: BenchOptions): Promise<BenchPlan> {
  const o = validateBenchOptions(options);
  const summary = await loadModelArgument(o.model);
  const profiles = o.profiles === undefined ? undefined : validateProfiles(o.profiles, summary, 'profiles');
  const sets = resolveShapes(summary, o.shapes);
  // Shapes no machine here could hold are a usage error before any runner starts (a mistyped shape).
  const budget = o.maxTensorBytes ?? DEFAULT_MAX_TENSOR_BYTES;
  for (const shapes of sets) {
    const over = probeOverBudget(summary, { shapes, label: 'bench' }, budget, '--shapes');
    if (over) throw over;
  }
  const runners = o.runners.map((entry, i) => {
    const spec = specOf(entry, o);
    return { spec, name: runnerName(spec, `runners[${i}]`), parameter: `runners[${i}]` };
  });
  runners.forEach((r, i) => {
    if (runners.findIndex((x) => x.name === r.name) !== i) throw new InvalidValueError(`${r.parameter}.name`, 'a name no other runner has', r.name, 'Give each runner its own `name`');
  });
  const modelBytes = modelBytesOf(summary);
  const setup: RunnerSetup = {
    model: summary.file,
    // The bytes read once (loadModelArgument): onnxruntime times the model that was read, not a later copy.
    ...(modelBytes ? { modelBytes } : {}),
    // An engine built here covers every shape set; the signal stops its build (minutes for a large model) too.
    profiles: () => profiles ?? [coveringProfile(sets)],
    ...(o.externalDataDir !== undefined ? { externalDataDir: o.externalDataDir } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
  };
  return { o, summary, inputs: summary.inputs.filter((i) => !i.isInitializer), sets, budget, runners, setup, trtexec: findTrtexec(), loadAtStart: loadAverage() };
}

function benchReport(plan: BenchPlan, runs: BackendRun[]): BenchReport {
  const { o } = plan;
  const cpus = os.cpus().length;
  const busy = machineLoadWarning(plan.loadAtStart, cpus);
  return {
    model: plan.summary.file ? displayPath(plan.summary.file) : '(model bytes)',
    machine: {
      cpus,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
      platform: `${os.platform()}-${os.arch()}`,
      node: process.version,
      loadAverage: plan.loadAtStart,
    },
    warnings: busy ? [busy] : [],
    settings: {
      warmup: o.warmup,
      iterations: o.durationS === undefined ? o.iterations : null,
      durationS: o.durationS ?? null,
      seed: o.seed,
      concurrency: o.concurrency,
      streams: o.streams,
      cudaGraph: o.cudaGraph,
      devices: o.devices ?? null,
    },
    runs,
    ratios: ratiosOf(runs, plan.sets),
  };
}

/**
 * Times one runner at every shape set: created (or taken as given), measured, disposed if made here. Returns why it
 * could not start, if it could not; a run that fails is recorded at its shape and the others go on.
 */
async function benchOne(plan: BenchPlan, entry: BenchPlan['runners'][number], runs: BackendRun[]): Promise<{ unprepared?: unknown }> {
  const { o } = plan;
  const interrupted = () => new AbortError('runBench', benchReport(plan, runs));
  o.onProgress?.({ backend: entry.name, phase: 'preparing', done: 0, total: null });
  let active: ActiveRunner | undefined;
  let failure: { err: unknown; reason: string } | undefined;
  try {
    active = await createRunner(entry.spec, entry.parameter, plan.setup);
    if (!active.runner) failure = { err: active.failure, reason: active.info.error ?? 'could not be created' };
  } catch (err) {
    if (isAbort(err)) throw interrupted();
    failure = { err, reason: unavailableReason(err) };
  }
  const kind = active?.info.kind ?? (isRunner(entry.spec) ? entry.spec.kind : entry.spec.kind);
  // The engine asked for cannot run (no TensorRT here): the answer is why, not a row 'not run'.
  if (failure && kind === 'tensorrt' && o.engine !== undefined) throw failure.err;
  const runner = active?.runner;
  try {
    for (const shapes of plan.sets) {
      const batch = Object.values(shapes)[0]?.[0] ?? 1;
      if (!runner) {
        runs.push({ backend: entry.name, kind, shapes, batch, available: false, reason: failure?.reason });
        continue;
      }
      const feeds = generateProbeFeeds(plan.inputs, shapes, o.seed, [0, 1], plan.budget, plan.summary);
      try {
        const { concurrency, note } = concurrencyOf(runner, o);
        const m = await measure(runner, feeds, shapes, o, concurrency);
        runs.push(await runOf(runner, kind, shapes, batch, m, o, plan.trtexec, { concurrency, note }));
      } catch (err) {
        if (isAbort(err)) throw interrupted();
        runs.push({ backend: entry.name, kind, shapes, batch, available: false, description: runner.description, reason: reasonOf(err) });
      }
    }
  } finally {
    if (active?.owned) await runner?.dispose();
  }
  return failure ? { unprepared: failure.err } : {};
}

/**
 * The benchmark: each runner at each shape set, warm-up excluded, the same generated inputs every iteration.
 * @throws TrtNodeError for usage errors, and the reason when not one runner could start (a report of nothing
 *   measured would pass for a benchmark). An abort rejects with AbortError whose `partial` is the report so far.
 */
export async function runBench(options: BenchOptions): Promise<BenchReport> {
  const plan = await prepareBench(options);
  const runs: BackendRun[] = [];
  const unprepared: unknown[] = [];
  for (const entry of plan.runners) {
    const r = await benchOne(plan, entry, runs);
    if ('unprepared' in r) unprepared.push(r.unprepared);
  }
  if (unprepared.length === plan.runners.length) throw unprepared[0];
  return benchReport(plan, runs);
}

async function runOf(
  runner: Runner,
  kind: RunnerKind,
  shapes: Record<string, number[]>,
  batch: number,
  m: Measured,
  o: ValidBenchOptions,
  trtexec: string | null,
  inFlight: { concurrency: number; note?: string },
): Promise<BackendRun> {
  const latency = summarize(m.samples);
  const perSec = m.samples.length / (m.timedMs / 1000);
  const standIn = runner.settings?.standIn;
  const run: BackendRun = {
    backend: runner.name,
    kind,
    shapes,
    batch,
    available: true,
    description: runner.description,
    settings: { ...runner.settings },
    measuredAs: measuredAs(runner),
    latency,
    samplesMs: m.samples,
    throughput: { inferencesPerSec: perSec, itemsPerSec: perSec * batch, timedS: m.timedMs / 1000 },
    concurrency: inFlight.concurrency,
    ...(inFlight.note ? { concurrencyNote: inFlight.note } : {}),
    ...(typeof standIn === 'string' ? { standIn } : {}),
    eventLoopLag: m.lag,
  };
  const execution = executionSummary(m.executions);
  if (execution) run.execution = execution;
  if (m.engine.length === m.samples.length && m.engine.length) {
    run.engine = summarize(m.engine);
    run.overheadMedianMs = summarize(m.samples.map((x, i) => x - m.engine[i])).median;
  }
  if (m.gpu) {
    const gpuMedian = summarize(m.gpu.h2d.map((h, i) => h + m.gpu!.compute[i] + m.gpu!.d2h[i])).median;
    run.gpu = { h2d: summarize(m.gpu.h2d), compute: summarize(m.gpu.compute), d2h: summarize(m.gpu.d2h), nodeOverheadMedianMs: latency.median - gpuMedian };
    // trtexec times the same plan, where it is on the PATH and the plan is a file.
    if (trtexec && o.engine && kind === 'tensorrt') {
      const spec = formatShapeList(shapes);
      run.trtexec = await runTrtexec(trtexec, o.engine, spec, o.iterations, 200).catch((e: Error) => ({ error: reasonOf(e) }));
    }
  }
  return run;
}

function ratiosOf(runs: readonly BackendRun[], sets: readonly Record<string, number[]>[]): BenchReport['ratios'] {
  return sets.flatMap((shapes) => {
    const find = (kind: RunnerKind) => runs.find((r) => r.kind === kind && r.shapes === shapes && r.latency);
    const trt = find('tensorrt');
    const ort = find('onnxruntime');
    return trt?.latency && ort?.latency ? [{ shapes, trtOverOrtMedian: trt.latency.median / ort.latency.median }] : [];
  });
}
