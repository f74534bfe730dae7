/**
 * Engine: a deserialized TensorRT engine you run from Node.
 *
 * Concurrency: the native side keeps one execution context (with its CUDA stream and reusable buffers) per
 * optimization profile. Runs on different profiles execute in parallel; runs on the same profile are queued here,
 * in call order, so no libuv thread ever blocks waiting for a busy context.
 */
import * as fs from 'fs';
import { DisposedError, FileError, InvalidTypeError, InvalidValueError } from '../errors';
import type { NativeEngine, NativeSeverity, NativeTensorInfo } from '../native/binding';
import { fromNativeError } from '../native/native-error';
import type { NamedTensors } from '../tensor/types';
import { prepareFeeds, toTensor } from './feeds';
import { LogEntry, LogLevel, levelNumber, severityName, validateLogLevel } from './log';
import { requireTensorRT } from './tensorrt';

export interface EngineLoadOptions {
  /** Receives TensorRT's messages while the plan is deserialized, up to `logLevel`. Default: none. */
  onLog?: (entry: LogEntry) => void;
  /** Least severe message passed to `onLog`. Default: 'warning'. */
  logLevel?: LogLevel;
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
  /** 'float32', 'float16', ... as onnxruntime names them; 'bfloat16' and others are reported but cannot be fed. */
  type: string;
  /** -1 marks a dynamic axis. */
  dims: number[];
}

export interface EngineInputInfo extends EngineTensorInfo {
  /** The accepted shapes of this input, per optimization profile. */
  profiles: { min: number[]; opt: number[]; max: number[] }[];
}

export interface RunTimings {
  /** Host-to-device copies, on the run's CUDA stream (CUDA events). */
  h2dMs: number;
  /** enqueueV3: the engine itself (CUDA events). */
  computeMs: number;
  /** Device-to-host copies (CUDA events). */
  d2hMs: number;
  /** The whole native run on its worker thread (staging copies and synchronisation included). */
  wallMs: number;
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
  #native: NativeEngine | null;
  #tensors: NativeTensorInfo[];
  #queues = new Map<number, Promise<unknown>>();

  private constructor(native: NativeEngine) {
    const info = native.info();
    this.#native = native;
    this.#tensors = info.tensors;
    this.profileCount = info.profileCount;
    this.deviceMemoryBytes = info.deviceMemoryBytes;
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
      const native = await addon.loadEngine(bytes, { logLevel: onLog ? levelNumber(level) : -1 }, callback);
      return new Engine(native);
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
    const callSite = new Error();
    if (this.#native === null) throw new DisposedError('This Engine');
    if (typeof options !== 'object' || options === null) throw new InvalidTypeError('options', 'an object', options);
    const prepared = prepareFeeds(feeds, this.#tensors, this.profileCount, options.profile);
    const previous = this.#queues.get(prepared.profile) ?? Promise.resolve();
    const run = previous.then(async () => {
      const native = this.#native;
      if (native === null) throw new DisposedError('This Engine');
      try {
        return await native.run(prepared.profile, prepared.native);
      } catch (err) {
        throw fromNativeError(err, 'Engine.run', callSite);
      }
    });
    const settled = run.catch(() => undefined);
    this.#queues.set(prepared.profile, settled);
    void settled.then(() => {
      if (this.#queues.get(prepared.profile) === settled) this.#queues.delete(prepared.profile);
    });
    const result = await run;
    const outputs: NamedTensors = {};
    for (const o of result.outputs) outputs[o.name] = toTensor(o.name, o.type, o.dims, o.data);
    return { outputs, profile: prepared.profile, timings: result.timings };
  }

  /**
   * Frees the engine and its GPU memory. Runs already started finish first (they hold the native engine); runs
   * queued after this call reject with DisposedError. Calling it twice is harmless.
   */
  dispose(): void {
    const native = this.#native;
    this.#native = null;
    native?.dispose();
  }
}
