/**
 * One way to run a model, for check, the cross-check and the benchmark alike: a Runner takes the feeds of a probe
 * and returns the outputs. Built in: onnxruntime-node (./onnxruntime/, in a worker thread), a TensorRT engine
 * (./tensorrt/), saved reference outputs (./reference.ts). Anything else with this shape can be passed in as an
 * object, or registered by kind with registerRunner (./registry.ts) and then named in runner specs like the
 * built-ins (another runtime, a remote service).
 */
import type { OptimizationProfile } from '../shapes/profiles';
import type { NamedTensors } from '../tensor/types';

/** The kinds built in; each registers itself in its own file (./onnxruntime/runner.ts, ./tensorrt/runner.ts, ./reference.ts). */
export type BuiltInRunnerKind = 'tensorrt' | 'onnxruntime' | 'reference';

/**
 * A runner's kind: a built-in one, a kind registered with registerRunner, or 'custom' for a Runner object made by
 * hand. (`string & {}` keeps the built-in names offered by editors while any string is accepted.)
 */
export type RunnerKind = BuiltInRunnerKind | 'custom' | (string & {});

/** What a runner is told about a run besides the feeds: the probe's shapes, its profile and its sample. */
export interface RunContext {
  /** A shape per fed input. */
  shapes: Record<string, number[]>;
  /** The optimization profile the probe was made from (a TensorRT engine runs it with that profile). */
  profile?: number;
  /** Key of the saved sample whose inputs the probe uses (a reference runner answers only for those). */
  sample?: string;
  label?: string;
}

/**
 * Times a runner measured itself (ms): onnxruntime inside InferenceSession.run; TensorRT from CUDA events. (Not
 * lib/trt's RunTimings, which is one Engine run's full breakdown.)
 */
export interface RunnerTimings {
  /** onnxruntime: inside InferenceSession.run, on the thread that ran it (what a caller of onnxruntime-node sees). */
  sessionMs?: number;
  /** TensorRT: host-to-device copies, enqueueV3's work and device-to-host copies on the run's stream. */
  h2dMs?: number;
  computeMs?: number;
  d2hMs?: number;
  /**
   * Time inside the runtime: onnxruntime's session.run, or TensorRT's enqueueV3 work (the copies around it are the
   * binding's). End to end minus this is what the binding costs.
   */
  engineMs?: number;
  /** TensorRT: where and how the run executed (device, execution context, CUDA graph use and why it was refused). */
  execution?: { device: number; context: number; cudaGraph: string; cudaGraphReason?: string };
}

export interface Runner {
  /** Unique among the runners of one check; shown in reports ('onnxruntime', 'tensorrt', 'reference'). */
  readonly name: string;
  readonly kind: RunnerKind;
  /** One line for reports: what exactly runs (library, options, file). */
  readonly description: string;
  /** Whether this runner can produce outputs at `probe` (a reference only has its saved samples). */
  supports(probe: RunContext): boolean;
  /** The shape ranges the runner accepts, when it has any (a TensorRT engine's optimization profiles). */
  readonly profiles?: OptimizationProfile[];
  /** What it was made with, worth knowing when reading its figures (threads, execution provider, profiles...). */
  readonly settings?: Readonly<Record<string, unknown>>;
  /** How runTimed's times are taken, in a sentence (the benchmark prints it next to the figures). */
  readonly measuredAs?: string;
  /** Why `supports(probe)` is false, for the report. */
  unsupportedReason?(probe: RunContext): string;
  /** The outputs for `feeds` (the probe's inputs, shared by every runner: read them, do not change them). */
  run(feeds: NamedTensors, probe: RunContext, options?: { signal?: AbortSignal }): Promise<NamedTensors>;
  /** run(), with the times the runner measured inside (the benchmark uses it where present). */
  runTimed?(feeds: NamedTensors, probe: RunContext, options?: { signal?: AbortSignal }): Promise<{ outputs: NamedTensors; timings: RunnerTimings }>;
  dispose(): void | Promise<void>;
}

export function isRunner(x: unknown): x is Runner {
  return typeof x === 'object' && x !== null && typeof (x as Runner).run === 'function' && typeof (x as Runner).supports === 'function';
}
