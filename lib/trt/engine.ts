/**
 * Engine: a deserialized TensorRT engine you run from Node.
 *
 * Concurrency: the native side keeps one execution context (with its CUDA stream, reusable buffers and a thread of its
 * own) per optimization profile. Runs on different profiles execute in parallel; runs on the same profile queue on
 * that profile's thread, in call order. None of it blocks the JS thread or Node's thread pool.
 */
import * as fs from 'fs';
import { DisposedError, EngineError, FileError, InvalidTypeError, InvalidValueError } from '../errors';
import type { NativeEngine, NativeRunResult, NativeSeverity, NativeTensorInfo } from '../native/binding';
import { RUN_META_TIMINGS } from '../native/binding';
import { fromNativeError } from '../native/native-error';
import type { NamedTensors } from '../tensor/types';
import { TENSOR_TYPES } from '../tensor/types';
import { isTensorType, prepareFeeds, toTensor } from './feeds';
import { LogEntry, LogLevel, levelNumber, severityName, validateLogLevel } from './log';
import { requireTensorRT } from './tensorrt';

export interface EngineLoadOptions {
  /** Receives TensorRT's messages while the plan is deserialized, up to `logLevel`. Default: none. */
  onLog?: (entry: LogEntry) => void;
  /** Least severe message passed to `onLog`. Default: 'warning'. */
  logLevel?: LogLevel;
  /**
   * Allow plans that carry host code: those built version-compatible (buildEngine's `versionCompatible`, trtexec
   * --versionCompatible), which embed TensorRT's lean runtime. Only load such plans from a source you trust: the code
   * runs in this process (IRuntime::setEngineHostCodeAllowed). Default: false.
   */
  allowHostCode?: boolean;
  /**
   * Trade CPU for latency: while runs of this engine are in flight the event loop polls for finished runs instead of
   * sleeping, so a finished run is picked up at once rather than after the JS thread wakes up (tens of microseconds
   * on some machines, virtual ones especially). The event loop stays responsive (timers, I/O and other callbacks run
   * as usual), but the JS thread uses a whole CPU core while runs are in flight. For latency-critical callers;
   * `npm run bench:binding` shows the difference. Default: false.
   */
  pollWhileRunning?: boolean;
}

export interface EngineRunOptions {
  /**
   * The optimization profile to run with (index into the profiles the engine was built with). Default: the first
   * profile whose ranges contain every feed's shape.
   */
  profile?: number;
}

export interface EngineTensorInfo {
  name: string;
  /**
   * 'float32', 'float16', ... as onnxruntime names them. 'bfloat16', 'float8e4m3fn' and sub-byte types are reported,
   * but an engine with such IO cannot be run from trt-node (run() says so before any GPU work).
   */
  type: string;
  /** -1 marks a dynamic axis. */
  dims: number[];
}

export interface EngineInputInfo extends EngineTensorInfo {
  /** The accepted shapes of this input, per optimization profile. */
  profiles: { min: number[]; opt: number[]; max: number[] }[];
}

/**
 * Where a run's time went. The three CUDA-event times cover GPU-side work only: host staging and buffer growth are
 * outside their event pairs, and outputs grow in stream order (no device-wide cudaMalloc/cudaFree inside compute).
 */
export interface RunTimings {
  /** Host-to-device copies of the feeds, on the run's CUDA stream (CUDA events). */
  h2dMs: number;
  /** enqueueV3: the time inside the engine (CUDA events). */
  computeMs: number;
  /** Device-to-host copies of the outputs (CUDA events). */
  d2hMs: number;
  /** The whole native run on its worker thread (staging copies and synchronisation included). */
  wallMs: number;
  /** Of wallMs: host work before the first copy is queued (shapes, addresses, staging the feeds). */
  hostPrepareMs: number;
  /** Of wallMs: host work after the stream synchronised (outputs copied out, timings read). */
  hostFinishMs: number;
  /** From the call to the profile's thread starting the run (waiting behind earlier runs on the profile included). */
  toThreadMs: number;
  /** From the end of the native run to the JS thread picking up its result. */
  toJsMs: number;
}

/**
 * The binding's own cost of one run: the run's end-to-end time as JavaScript measured it (call to settled promise)
 * minus the time inside the engine. It includes the copies to and from the GPU, the thread-pool hop, N-API and the
 * conversion of outputs: everything trt-node adds around TensorRT.
 */
export function bindingOverheadMs(endToEndMs: number, timings: RunTimings): number {
  return endToEndMs - timings.computeMs;
}

export interface RunResult {
  outputs: NamedTensors;
  /** The profile the run used. */
  profile: number;
  timings: RunTimings;
}

export class Engine {
  readonly inputs: readonly EngineInputInfo[];
  readonly outputs: readonly EngineTensorInfo[];
  /** Number of optimization profiles. */
  readonly profileCount: number;
  /** Device memory the engine's execution contexts need, bytes (each profile's context takes this much). */
  readonly deviceMemoryBytes: number;
  /**
   * The library that runs it: "TensorRT 10.16.0", or, with trt-node's test stand-in, the stand-in's description of
   * itself (its results are onnxruntime's, not TensorRT's). Label results with it.
   */
  readonly library: string;
  /** The engine's name (ICudaEngine::getName). */
  readonly name: string;
  /** The CUDA device it was loaded on (the current device of the loading thread). */
  readonly device: number;
  #native: NativeEngine | null;
  #tensors: NativeTensorInfo[];
  #unusable: string | null;
  #pollWhileRunning: boolean;
  #inFlight = 0;

  private constructor(native: NativeEngine, pollWhileRunning: boolean) {
    this.#pollWhileRunning = pollWhileRunning;
    const info = native.info();
    this.#native = native;
    this.#tensors = info.tensors;
    this.profileCount = info.profileCount;
    this.deviceMemoryBytes = info.deviceMemoryBytes;
    this.library = info.library;
    this.name = info.name;
    this.device = info.device;
    // IO of a type JS has no array for (bfloat16, float8, sub-byte): refuse runs up front instead of after the GPU work.
    const odd = info.tensors.find((t) => !isTensorType(t.type));
    this.#unusable = odd
      ? `${odd.mode} "${odd.name}" has type ${odd.type}, which trt-node cannot ${odd.mode === 'input' ? 'feed' : 'return'} ` +
        `(it exchanges ${TENSOR_TYPES.join(', ')}). Export the model with ${odd.mode === 'input' ? 'inputs' : 'outputs'} of one of these types ` +
        '(for example a Cast to float32 at the end of the graph) and rebuild the engine'
      : null;
    this.inputs = info.tensors
      .filter((t) => t.mode === 'input')
      .map((t) => ({ name: t.name, type: t.type, dims: [...t.dims], profiles: t.profiles.map((p) => ({ ...p })) }));
    this.outputs = info.tensors.filter((t) => t.mode === 'output').map((t) => ({ name: t.name, type: t.type, dims: [...t.dims] }));
  }

  /** Deserializes a plan (bytes, or a path to a .plan file) on a worker thread. */
  static async load(plan: Uint8Array | string, options: EngineLoadOptions = {}): Promise<Engine> {
    const callSite = new Error();
    let bytes: Uint8Array;
    if (typeof plan === 'string') {
      try {
        bytes = await fs.promises.readFile(plan);
      } catch (err) {
        throw new FileError(plan, `cannot read the engine plan: ${(err as Error).message}`, { cause: err });
      }
    } else if (plan instanceof Uint8Array) {
      bytes = plan;
    } else {
      throw new InvalidTypeError('plan', 'a Buffer/Uint8Array or a path to a .plan file', plan);
    }
    if (bytes.byteLength === 0) throw new InvalidValueError('plan', 'a non-empty serialized engine', bytes);
    if (typeof options !== 'object' || options === null) throw new InvalidTypeError('options', 'an object', options);
    if (options.onLog !== undefined && typeof options.onLog !== 'function') {
      throw new InvalidTypeError('options.onLog', 'a function', options.onLog);
    }
    const level = options.logLevel === undefined ? 'warning' : validateLogLevel(options.logLevel, 'options.logLevel', false);
    for (const key of ['allowHostCode', 'pollWhileRunning'] as const) {
      if (options[key] !== undefined && typeof options[key] !== 'boolean') throw new InvalidTypeError(`options.${key}`, 'a boolean', options[key]);
    }
    const { addon } = requireTensorRT();
    const onLog = options.onLog;
    const callback = onLog
      ? (severity: NativeSeverity, message: string) => {
          try {
            onLog({ severity: severityName(severity), message });
          } catch {
            // never throw into native code
          }
        }
      : undefined;
    try {
      const native = await addon.loadEngine(
        bytes,
        { logLevel: onLog ? levelNumber(level) : -1, allowHostCode: options.allowHostCode ?? false },
        callback,
      );
      return new Engine(native, options.pollWhileRunning ?? false);
    } catch (err) {
      throw fromNativeError(err, typeof plan === 'string' ? `Engine.load(${plan})` : 'Engine.load(<bytes>)', callSite);
    }
  }

  get disposed(): boolean {
    return this.#native === null;
  }

  /** Runs the engine; resolves to the outputs by name ({type, dims, data}, like onnxruntime-node's results). */
  async run(feeds: Record<string, unknown>, options: EngineRunOptions = {}): Promise<NamedTensors> {
    return (await this.runWithTimings(feeds, options)).outputs;
  }

  /** Like run(), with the profile used and CUDA-event timings of the copies and the compute. */
  async runWithTimings(feeds: Record<string, unknown>, options: EngineRunOptions = {}): Promise<RunResult> {
    const native = this.#native;
    if (native === null) throw new DisposedError('This Engine');
    if (typeof options !== 'object' || options === null) throw new InvalidTypeError('options', 'an object', options);
    if (this.#unusable) throw new EngineError(`This engine cannot be run from trt-node: ${this.#unusable}`);
    const prepared = prepareFeeds(feeds, this.#tensors, this.profileCount, options.profile);
    // Runs on one profile queue natively, on that profile's thread; an idle profile starts at once.
    const run = native.run(prepared.profile, prepared.data, prepared.dims);
    if (this.#pollWhileRunning && this.#inFlight++ === 0) this.#poll(native);
    let packed: NativeRunResult;
    try {
      packed = await run;
    } catch (err) {
      // Made here, not at the call: this Error's stack still names the caller (through the await), and a run that
      // succeeds pays nothing for it.
      throw fromNativeError(err, 'Engine.run', new Error());
    } finally {
      if (this.#pollWhileRunning) this.#inFlight--;
    }
    return { outputs: this.#unpackOutputs(packed), profile: prepared.profile, timings: unpackTimings(packed[0]) };
  }

  #unpackOutputs(packed: NativeRunResult): NamedTensors {
    const meta = packed[0];
    const outputs: NamedTensors = {};
    let k = RUN_META_TIMINGS.length;
    for (let i = 0; i < this.outputs.length; i++) {
      const { name, type } = this.outputs[i];
      const rank = meta[k++];
      const dims = new Array<number>(rank);
      for (let d = 0; d < rank; d++) dims[d] = meta[k++];
      outputs[name] = toTensor(name, type, dims, packed[i + 1] as ArrayBuffer);
    }
    return outputs;
  }

  // Polls for finished runs once per turn of the event loop while any is in flight. A pending immediate also keeps
  // libuv from blocking in its poll phase (Node starts an idle handle for it), so the loop never sleeps meanwhile.
  #poll(native: NativeEngine): void {
    const tick = () => {
      native.poll();
      if (this.#inFlight > 0) setImmediate(tick);
    };
    setImmediate(tick);
  }

  /**
   * Frees the engine and its GPU memory. Runs called before this finish first (the native engine is freed when the
   * last of them settles); runs called after it reject with DisposedError. Calling it twice is harmless.
   */
  dispose(): void {
    const native = this.#native;
    if (native === null) return;
    this.#native = null;
    native.dispose();
  }
}

function unpackTimings(meta: Float64Array): RunTimings {
  const timings: Partial<RunTimings> = {};
  for (let i = 0; i < RUN_META_TIMINGS.length; i++) timings[RUN_META_TIMINGS[i]] = meta[i];
  return timings as RunTimings;
}
