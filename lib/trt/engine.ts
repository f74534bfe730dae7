/**
 * Engine: a deserialized TensorRT engine you run from Node.
 *
 * Concurrency: the native side keeps `contexts` execution contexts (each with its CUDA stream, reusable buffers and a
 * thread of its own) per optimization profile, created before the profile's first run. A run starts on whichever context of its
 * profile is free, in call order, and waits while all are busy; runs on different profiles or contexts execute in
 * parallel (trtexec --infStreams). None of it blocks the JS thread or Node's thread pool.
 */
import * as fs from 'fs';
import { isArrayBuffer } from 'util/types';
import { markAsUntransferable } from 'worker_threads';
import { DisposedError, EngineError, FileError, InvalidTypeError, InvalidValueError } from '../errors';
import { knownKeys, optionNames } from '../validate';
import type { NativeBindingHandle, NativeEngine, NativeRunResult, NativeSeverity, NativeTensorInfo } from '../native/binding';
import { RUN_META_OUTPUTS } from '../native/binding';
import { fromNativeError } from './native-error';
import type { ModelSummary } from '../onnx/types';
import { dimensionNames, type DimensionNames } from '../shapes/named-dims';
import type { NamedTensors, TensorType } from '../tensor/types';
import { TENSOR_TYPES } from '../tensor/types';
import type { PreparedFeeds } from './feeds';
import { isTensorType, prepareFeeds, toTensor } from './feeds';
import { IOBinding } from './io-binding';
import { LogEntry, LogLevel, levelNumber, severityName, validateLogLevel } from './log';
import type { RunTimings } from './run-timings';
import { unpackTimings } from './run-timings';
import { requireDevice, validateContexts, validateDevice } from './device';
import { unpackExecution, type RunExecution } from './run-execution';
import { requireTensorRT } from './tensorrt';

export { bindingOverheadMs } from './run-timings';
export type { RunTimings } from './run-timings';
export type { CudaGraphUse, RunExecution } from './run-execution';

/**
 * pollWhileRunning: how long each turn of the event loop may wait for a run to finish. Long enough that most runs are
 * picked up the moment they finish rather than a loop turn later; short enough that timers and I/O wait at most this
 * much longer per turn.
 */
const POLL_WAIT_MICROS = 50;

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
   * The CUDA device to load on (trtexec's --device): the engine, its execution contexts, streams and memory are there,
   * and its runs set it on their threads. 0 .. the number of devices the CUDA runtime sees - 1. Default: 0.
   */
  device?: number;
  /**
   * Execution contexts per optimization profile, each with its own CUDA stream and thread (trtexec --infStreams):
   * concurrent runs on one profile overlap on up to this many. A profile's contexts are all created before its first
   * run, and each holds the engine's activation memory (deviceMemoryBytes). 1 .. 64. Default: 1.
   */
  contexts?: number;
  /**
   * Run through CUDA graphs (trtexec --useCudaGraph): per context and set of input shapes, the first run enqueues as
   * usual, then enqueueV3 is captured into a graph that the next runs at those shapes launch; new shapes capture anew.
   * Where capture is refused (data-dependent output shapes, an engine or CUDA that cannot capture), runs enqueue as
   * usual and say why (RunResult.execution). Default: false.
   */
  cudaGraph?: boolean;
  /**
   * Trade CPU for latency: while runs of this engine are in flight the event loop polls for finished runs instead of
   * sleeping, so a finished run is picked up at once rather than after the JS thread wakes up (tens of microseconds
   * on some machines, virtual ones especially). Each turn of the loop waits up to 50 µs for a run to finish; timers,
   * I/O and other callbacks run as usual between, but the JS thread uses a whole CPU core while runs are in flight.
   * For latency-critical callers; `npm run bench:binding` shows the difference. Default: false.
   */
  pollWhileRunning?: boolean;
  /**
   * The summary of the model the plan was built from (buildEngine's `result.model`, or readModel's): run() then
   * refuses feeds that give two sizes to axes the model names alike (a ShapeError naming both inputs) before TensorRT
   * fails the run. TensorRT engines do not keep the names themselves. Default: none.
   */
  model?: Pick<ModelSummary, 'inputs'>;
}

const LOAD_OPTIONS = optionNames<EngineLoadOptions>()({
  onLog: true,
  logLevel: true,
  allowHostCode: true,
  device: true,
  contexts: true,
  cudaGraph: true,
  pollWhileRunning: true,
  model: true,
});

export interface EngineRunOptions {
  /**
   * The optimization profile to run with (index into the profiles the engine was built with). Default: the first
   * profile whose ranges contain every feed's shape.
   */
  profile?: number;
}

const RUN_OPTIONS = optionNames<EngineRunOptions>()({ profile: true });

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

export interface RunResult {
  outputs: NamedTensors;
  /** The profile the run used. */
  profile: number;
  timings: RunTimings;
  /** Where and how it ran: device, execution context, CUDA graph, start and end. */
  execution: RunExecution;
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
  /** The CUDA device it was loaded on (EngineLoadOptions.device). */
  readonly device: number;
  /** Execution contexts per profile (EngineLoadOptions.contexts). */
  readonly contexts: number;
  /** Whether runs go through CUDA graphs (EngineLoadOptions.cudaGraph). */
  readonly cudaGraph: boolean;
  #native: NativeEngine | null;
  #tensors: NativeTensorInfo[];
  #unusable: string | null;
  #pollWhileRunning: boolean;
  #dimensionNames: DimensionNames | undefined;
  #inFlight = 0;
  #polling = false;

  private constructor(native: NativeEngine, pollWhileRunning: boolean, names: DimensionNames | undefined) {
    this.#pollWhileRunning = pollWhileRunning;
    this.#dimensionNames = names;
    const info = native.info();
    this.#native = native;
    this.#tensors = info.tensors;
    this.profileCount = info.profileCount;
    this.deviceMemoryBytes = info.deviceMemoryBytes;
    this.library = info.library;
    this.name = info.name;
    this.device = info.device;
    this.contexts = info.contexts;
    this.cudaGraph = info.cudaGraph;
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
    knownKeys(options as Record<string, unknown>, 'options', LOAD_OPTIONS);
    if (options.onLog !== undefined && typeof options.onLog !== 'function') {
      throw new InvalidTypeError('options.onLog', 'a function', options.onLog);
    }
    const level = options.logLevel === undefined ? 'warning' : validateLogLevel(options.logLevel, 'options.logLevel', false);
    for (const key of ['allowHostCode', 'pollWhileRunning', 'cudaGraph'] as const) {
      if (options[key] !== undefined && typeof options[key] !== 'boolean') throw new InvalidTypeError(`options.${key}`, 'a boolean', options[key]);
    }
    if (options.model !== undefined && !Array.isArray((options.model as { inputs?: unknown } | null)?.inputs)) {
      throw new InvalidTypeError('options.model', "a model summary (buildEngine's result.model, or readModel's)", options.model);
    }
    const device = validateDevice(options.device, 'options.device') ?? 0;
    const contexts = validateContexts(options.contexts, 'options.contexts');
    const { addon } = requireTensorRT();
    requireDevice(device, 'options.device', addon);
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
        { logLevel: onLog ? levelNumber(level) : -1, allowHostCode: options.allowHostCode ?? false, device, contexts, cudaGraph: options.cudaGraph ?? false },
        callback,
      );
      return new Engine(native, options.pollWhileRunning ?? false, options.model && dimensionNames(options.model.inputs));
    } catch (err) {
      throw fromNativeError(err, typeof plan === 'string' ? `Engine.load(${plan})` : 'Engine.load(<bytes>)', callSite);
    }
  }

  get disposed(): boolean {
    return this.#native === null;
  }

  /**
   * Runs the engine; resolves to the outputs by name ({type, dims, data}, like onnxruntime-node's results). The feeds
   * are read when the run starts on its profile's thread: until the promise settles, do not transfer their
   * ArrayBuffers away (postMessage or structuredClone with `transfer`), which would free their memory under the run.
   */
  async run(feeds: Record<string, unknown>, options: EngineRunOptions = {}): Promise<NamedTensors> {
    const packed = await this.#runPrepared(this.#prepare(feeds, options), false);
    return this.#unpackOutputs(packed, outputDims(packed[0], this.outputs.length));
  }

  /**
   * Like run(), with the profile used, CUDA-event timings of the copies and the compute, and where and how it ran
   * (device, execution context, CUDA graph).
   */
  async runWithTimings(feeds: Record<string, unknown>, options: EngineRunOptions = {}): Promise<RunResult> {
    const prepared = this.#prepare(feeds, options);
    const packed = await this.#runPrepared(prepared, true);
    const outputs = this.#unpackOutputs(packed, outputDims(packed[0], this.outputs.length));
    const reason = packed[1 + this.outputs.length];
    return { outputs, profile: prepared.profile, timings: unpackTimings(packed[0]), execution: unpackExecution(packed[0], typeof reason === 'string' ? reason : undefined) };
  }

  /**
   * Binds feeds for runs in place, for a caller that runs one shape over and over (a video stream, a server's fixed
   * batch): the binding's runs read the feeds' arrays as they are at each run and write into output arrays allocated
   * once, with nothing validated, copied through staging or allocated per run, and the arrays page-locked where CUDA
   * allows. Write new input values into `binding.inputs` (the arrays given here) between runs. It makes one ordinary
   * run first, which gives the outputs their shapes (and `binding.outputs` that run's values). Outputs whose shape
   * depends on the input values rather than on the input shapes make a later run reject. The bound arrays cannot be
   * transferred (worker_threads.markAsUntransferable: postMessage and structuredClone copy them instead), so their
   * memory stays where the binding reads and writes it.
   */
  async bind(feeds: Record<string, unknown>, options: EngineRunOptions = {}): Promise<IOBinding> {
    const prepared = this.#prepare(feeds, options);
    const first = await this.#runPrepared(prepared, false);
    const native = this.#native;
    if (native === null) throw new DisposedError('This Engine');
    const dims = outputDims(first[0], this.outputs.length);
    let bound: [NativeBindingHandle, boolean[], ...ArrayBuffer[]];
    try {
      bound = native.bind(prepared.profile, prepared.data, prepared.dims, dims.flat());
    } catch (err) {
      throw fromNativeError(err, 'Engine.bind', new Error());
    }
    const [handle, locked, ...buffers] = bound;
    // A transferred ArrayBuffer takes its memory along: the binding would read and write freed memory. (The native side
    // refuses a run of a binding whose arrays were detached all the same.) SharedArrayBuffers are never detached.
    for (const buffer of [...prepared.data.map((d) => d.buffer), ...buffers]) {
      if (isArrayBuffer(buffer)) markAsUntransferable(buffer); // realm-independent (jest and vm contexts have their own)
    }
    const pageLocked: Record<string, boolean> = {};
    [...this.inputs, ...this.outputs].forEach((t, i) => (pageLocked[t.name] = locked[i]));
    buffers.forEach((buffer, i) => new Uint8Array(buffer).set(new Uint8Array(first[i + 1] as ArrayBuffer)));
    const inputs: NamedTensors = {};
    let d = 0;
    this.inputs.forEach((input, i) => {
      const rank = input.dims.length;
      inputs[input.name] = { type: input.type as TensorType, dims: prepared.dims.slice(d, (d += rank)), data: prepared.data[i] };
    });
    return new IOBinding(prepared.profile, inputs, this.#unpackOutputs([first[0], ...buffers], dims), pageLocked, {
      run: (timed) => {
        const current = this.#native;
        if (current === null) return Promise.reject(new DisposedError('The Engine of this IOBinding'));
        return this.#settled(current, current.runBound(handle, timed), 'IOBinding.run');
      },
      release: () => native.unbind(handle),
    });
  }

  #prepare(feeds: Record<string, unknown>, options: EngineRunOptions): PreparedFeeds {
    if (this.#native === null) throw new DisposedError('This Engine');
    if (typeof options !== 'object' || options === null) throw new InvalidTypeError('options', 'an object', options);
    knownKeys(options as Record<string, unknown>, 'options', RUN_OPTIONS);
    if (this.#unusable) throw new EngineError(`This engine cannot be run from trt-node: ${this.#unusable}`);
    return prepareFeeds(feeds, this.#tensors, this.profileCount, options.profile, this.#dimensionNames);
  }

  // Runs on one profile queue natively for its first free execution context; a free one starts at once.
  #runPrepared(prepared: PreparedFeeds, timed: boolean): Promise<NativeRunResult> {
    const native = this.#native as NativeEngine;
    return this.#settled(native, native.run(prepared.profile, prepared.data, prepared.dims, timed), 'Engine.run');
  }

  // Waits for a native run (polling meanwhile, with pollWhileRunning); its failure becomes a trt-node error.
  async #settled<T>(native: NativeEngine, run: Promise<T>, what: string): Promise<T> {
    if (this.#pollWhileRunning) {
      this.#inFlight++;
      this.#poll(native);
    }
    try {
      return await run;
    } catch (err) {
      // Made here, not at the call: this Error's stack still names the caller (through the await), and a run that
      // succeeds pays nothing for it.
      throw fromNativeError(err, what, new Error());
    } finally {
      if (this.#pollWhileRunning) this.#inFlight--;
    }
  }

  #unpackOutputs(packed: NativeRunResult, dims: number[][]): NamedTensors {
    const outputs: NamedTensors = {};
    for (let i = 0; i < this.outputs.length; i++) {
      const { name, type } = this.outputs[i];
      outputs[name] = toTensor(name, type, dims[i], packed[i + 1] as ArrayBuffer);
    }
    return outputs;
  }

  // Polls for finished runs once per turn of the event loop while any is in flight, waiting up to POLL_WAIT_MICROS
  // each turn for one to finish. A pending immediate also keeps libuv from blocking in its poll phase (Node starts an
  // idle handle for it), so the loop never sleeps meanwhile. One chain of immediates per engine: a run settled by a
  // tick is counted out only in the microtasks after it, when the caller's next run may already be counted in.
  #poll(native: NativeEngine): void {
    if (this.#polling) return;
    this.#polling = true;
    const tick = () => {
      native.poll(POLL_WAIT_MICROS);
      if (this.#inFlight > 0) setImmediate(tick);
      else this.#polling = false;
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

/** Each output's dims, from a run's meta array (after the timings: per output its rank, then its dims). */
function outputDims(meta: Float64Array, count: number): number[][] {
  const dims: number[][] = [];
  let k = RUN_META_OUTPUTS;
  for (let i = 0; i < count; i++) {
    const rank = meta[k++];
    const d = new Array<number>(rank);
    for (let a = 0; a < rank; a++) d[a] = meta[k++];
    dims.push(d);
  }
  return dims;
}
