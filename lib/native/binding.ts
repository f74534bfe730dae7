/**
 * The ONE place that loads the native addon (build/Release/trt_node.node) and types its raw surface. Everything else
 * in lib/ talks to `loadAddon()`; nothing else requires a .node file. The addon is tried once per process; a failure
 * is remembered and rethrown as an AddonLoadError naming every file tried and the fixes matched to the cause.
 */
import * as fs from 'fs';
import * as path from 'path';
import { AddonLoadError } from '../errors';

// ---------------------------------------------------------------------------------------------- raw addon types

/** What the addon was compiled with (CMakeLists.txt / binding.gyp record it in a generated header). */
export interface NativeBuildInfo {
  addonVersion: string;
  napiVersion: number;
  buildSystem: 'cmake-js' | 'node-gyp' | string;
  compiler: string;
  tensorrt: {
    available: boolean;
    /** NV_TENSORRT_MAJOR.MINOR.PATCH of the headers compiled against, or null. */
    headerVersion: string | null;
    headerMajor: number | null;
    includeDir: string | null;
    libraries: string[];
    /** Every setting and folder the build looked at, in order. */
    searched: string[];
    /** Why TensorRT was not used, or null. */
    reason: string | null;
  };
  cuda: {
    available: boolean;
    version: string | null;
    includeDir: string | null;
    library: string | null;
    reason: string | null;
  };
}

/** The loaded libnvinfer's version (getInferLib*Version), or null in a build without TensorRT. */
export interface NativeTensorRTVersion {
  major: number;
  minor: number;
  patch: number;
  build: number;
  encoded: number;
  /** Set when that libnvinfer is trt-node's test stand-in (test/tensorrt-standin), not TensorRT: its self-description. */
  standIn: string | null;
}

export interface NativeCudaDevice {
  index: number;
  name?: string;
  computeCapability?: string;
  totalMemoryBytes?: number;
  /** Free device memory now (cudaMemGetInfo): only for the device cudaInfo() was asked about (it needs a context). */
  freeMemoryBytes?: number;
  multiProcessorCount?: number;
  error?: string;
}

/** The TensorRT libraries loaded at run time (tensorrtRuntimeInfo()). */
export interface NativeTensorRTRuntimeInfo {
  /** The libnvinfer file in use, and its folder. */
  library: string | null;
  folder: string | null;
  /** Set when that library is trt-node's test stand-in (test/tensorrt-standin), not TensorRT: its self-description. */
  standIn: string | null;
  /** TensorRT's standard plugin library, loaded from libnvinfer's folder and initialised once per process. */
  plugins: { loaded: boolean; path: string | null; error: string | null };
  /** libnvinfer_builder_resource* libraries loaded ahead of libnvinfer's own lookup by soname. */
  builderResources: { loaded: string[]; errors: string[] };
}

/** What the CUDA runtime says right now (cudaRuntimeGetVersion, cudaDriverGetVersion, cudaGetDeviceCount). */
export interface NativeCudaInfo {
  compiled: boolean;
  /** e.g. 13000 for 13.0; null when unknown. */
  runtimeVersion: number | null;
  /** null when no CUDA driver is installed. */
  driverVersion: number | null;
  deviceCount: number;
  devices: NativeCudaDevice[];
  /** The failing call and CUDA's error, e.g. "cudaGetDeviceCount failed: cudaErrorNoDevice (...)". */
  error: string | null;
}

/** Severity as TensorRT numbers it: 0 internal error, 1 error, 2 warning, 3 info, 4 verbose. */
export type NativeSeverity = 0 | 1 | 2 | 3 | 4;

export interface NativeLogRecord {
  severity: NativeSeverity;
  message: string;
  /** Logged on another thread than the job's own (a TensorRT worker thread, another job's teardown). */
  foreign?: boolean;
}

export interface NativeProgressEvent {
  kind: 'start' | 'step' | 'finish';
  phase: string;
  parent: string | null;
  step: number;
  steps: number;
}

export interface NativeProfileInput {
  name: string;
  min: number[];
  opt: number[];
  max: number[];
}

/** Validated and defaulted by lib/trt/build-options.ts; C++ trusts it. */
export interface NativeBuildOptions {
  modelPath?: string;
  modelBytes?: Uint8Array;
  profiles: NativeProfileInput[][];
  useTimingCache: boolean;
  timingCache?: Uint8Array | null;
  /** NetworkDefinitionCreationFlag::kSTRONGLY_TYPED (TensorRT 10; 11's networks always are). */
  stronglyTyped: boolean;
  /**
   * IBuilderConfig settings by option name (lib/trt/build-options.ts BUILD_OPTIONS, the 'config' ones), applied by
   * the table in native/trt/build_options.cc: a boolean sets or clears a BuilderFlag, a number or a choice's name
   * sets a value. An option left out keeps TensorRT's default.
   */
  config: Record<string, boolean | number | string>;
  /** Forward TensorRT messages up to this severity to the log callback; -1 for none. */
  logLevel: number;
  /** The CUDA device to build on. Default 0. */
  device?: number;
  /** ONNX tensor names to mark as network outputs after parsing (those no layer outputs are left unmarked). */
  markOutputs?: string[];
}

export interface NativeBuildResult {
  plan: Buffer;
  timingCache: Buffer | null;
  buildMs: number;
  /** The build's own warnings and errors (not those of other threads), then trt-node's notes about the build. */
  warnings: NativeLogRecord[];
}

export interface NativeBuildJob {
  promise: Promise<NativeBuildResult>;
  /** Sets the flag that IProgressMonitor::stepComplete polls; the promise then rejects with ERR_TRT_NODE_ABORTED. */
  cancel(): void;
}

export interface NativeProfileShape {
  min: number[];
  opt: number[];
  max: number[];
}

export interface NativeTensorInfo {
  name: string;
  mode: 'input' | 'output';
  /** 'float32', 'float16', 'bfloat16', 'int8', 'int32', 'int64', 'uint8', 'bool', 'float8e4m3fn', 'int4', 'unsupported'. */
  type: string;
  /** -1 for a dynamic axis. */
  dims: number[];
  location: 'device' | 'host';
  /** Inputs: one entry per optimization profile. */
  profiles: NativeProfileShape[];
}

export interface NativeEngineInfo {
  profileCount: number;
  device: number;
  /** Execution contexts per optimization profile. */
  contexts: number;
  cudaGraph: boolean;
  deviceMemoryBytes: number;
  /** "TensorRT 10.16.0", or the test stand-in's description of itself. */
  library: string;
  /** ICudaEngine::getName(). */
  name: string;
  tensors: NativeTensorInfo[];
}

/**
 * What a native run resolves to, packed so that the JS thread builds as few objects as possible per run:
 * `[meta, ...one ArrayBuffer per engine output, in engine order, why CUDA graph capture was refused (only when it
 * was)]`, where `meta` holds RUN_META_TIMINGS then RUN_META_EXECUTION (in that order), then for each output its rank
 * and dims. lib/trt/engine.ts unpacks it.
 */
export type NativeRunResult = [Float64Array, ...(ArrayBuffer | string)[]];

/** The timing slots at the start of a run's meta array (native/trt/run_delivery.cc writes them in this order). */
export const RUN_META_TIMINGS = ['h2dMs', 'computeMs', 'd2hMs', 'wallMs', 'hostPrepareMs', 'hostFinishMs', 'toThreadMs', 'toJsMs'] as const;

/**
 * The slots after the timings: the engine's device, the execution context (0 .. contexts - 1 of its profile), the
 * CUDA graph use (RUN_CUDA_GRAPH_USE's index), and when the run started and ended on the context's thread (ms on a
 * monotonic clock of the addon, comparable between the runs of one process).
 */
export const RUN_META_EXECUTION = ['device', 'context', 'cudaGraph', 'startedAtMs', 'endedAtMs'] as const;

/** native/trt/engine_core.h CudaGraphUse, by value. */
export const RUN_CUDA_GRAPH_USE = ['off', 'launched', 'captured', 'refused'] as const;

/** Where a run's meta array holds the outputs' ranks and dims. */
export const RUN_META_OUTPUTS = RUN_META_TIMINGS.length + RUN_META_EXECUTION.length;

/** An opaque native handle of an IOBinding. */
export type NativeBindingHandle = { readonly __nativeBinding: unique symbol };

export interface NativeEngine {
  info(): NativeEngineInfo;
  /**
   * Queues a run on the profile's queue, which its first free execution slot takes: `data` holds one view per engine input in input order, `dims` their
   * dims one after the other.
   */
  run(profile: number, data: ArrayBufferView[], dims: number[], timed: boolean): Promise<NativeRunResult>;
  /**
   * Binds feeds (as run() takes them) and outputs of the given dims (every output's, one after the other) for runs in
   * place: `[handle, pageLocked (per input, then per output), ...one ArrayBuffer per output, in engine order]`; the
   * binding's runs fill the ArrayBuffers.
   */
  bind(profile: number, data: ArrayBufferView[], dims: number[], outputDims: number[]): [NativeBindingHandle, boolean[], ...ArrayBuffer[]];
  /** One run of a binding: its meta (RUN_META_TIMINGS, RUN_META_EXECUTION) if timed, else undefined. */
  runBound(binding: NativeBindingHandle, timed: boolean): Promise<Float64Array | undefined>;
  /** Releases a binding's memory once its runs in flight have settled. */
  unbind(binding: NativeBindingHandle): void;
  /**
   * Settles the runs that have finished, without waiting for the event loop to be woken for them; returns how many.
   * With `waitMicros` (at most 1000), and none finished, it first waits up to that long for one, blocking the JS thread.
   */
  poll(waitMicros?: number): number;
  dispose(): void;
  readonly disposed: boolean;
}

export interface NativeAddon {
  buildInfo(): NativeBuildInfo;
  /** Loads nothing. */
  tensorrtVersion(): NativeTensorRTVersion | null;
  /**
   * The CUDA runtime and the GPUs it sees, creating no CUDA context; `freeMemoryOf`: that device's free memory too
   * (measured with its context, which is created if it does not exist yet).
   */
  cudaInfo(freeMemoryOf?: number): NativeCudaInfo;
  /** null in a build without TensorRT. Loads the plugin library and builder resources the first time. */
  tensorrtRuntimeInfo(): NativeTensorRTRuntimeInfo | null;
  /** Creates and destroys a builder, network and config: null when that works, else why not. */
  probeBuilder(): string | null;
  /** Writes a timing cache, merged under a file lock with what the file holds now (see native/trt/timing_cache.h). */
  saveTimingCache(path: string, bytes: Uint8Array, options?: { device?: number }): Promise<{ warnings: string[] }>;
  buildEngine(
    options: NativeBuildOptions,
    onLog?: (severity: NativeSeverity, message: string) => void,
    onProgress?: (event: NativeProgressEvent) => void,
  ): NativeBuildJob;
  loadEngine(
    plan: Uint8Array,
    options?: { logLevel: number; allowHostCode?: boolean; device?: number; contexts?: number; cudaGraph?: boolean },
    onLog?: (severity: NativeSeverity, message: string) => void,
  ): Promise<NativeEngine>;
}

// ------------------------------------------------------------------------------------------------------- loading

const PACKAGE_ROOT = path.resolve(__dirname, '..', '..');

/** Where the addon is looked for, in order. TRT_NODE_ADDON (a file path) overrides the search. */
export function addonCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  if (env.TRT_NODE_ADDON) return [path.resolve(env.TRT_NODE_ADDON)];
  return [
    path.join(PACKAGE_ROOT, 'build', 'Release', 'trt_node.node'),
    path.join(PACKAGE_ROOT, 'build', 'Debug', 'trt_node.node'),
  ];
}

type LoadState = { addon: NativeAddon; path: string } | { error: AddonLoadError };
let state: LoadState | undefined;

/** How to rebuild the addon, in a project that installed trt-node and in a clone of trt-node itself. */
export const REBUILD_COMMAND = 'npm rebuild trt-node (in a clone of the trt-node repository: npm run build:addon)';

/** Why the install's addon build did not happen, as scripts/install-addon.js recorded it; undefined if it did not. */
function installFailure(): string | undefined {
  try {
    return fs.readFileSync(path.join(PACKAGE_ROOT, 'build', 'addon-build-error.txt'), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Matches the fixes to the cause, sharp-style. */
function loadFailure(tried: { file: string; problem: string }[], cause?: unknown): AddonLoadError {
  const lines = tried.map((t) => `  ${t.file}: ${t.problem}`);
  const solutions: string[] = [];
  const text = tried.map((t) => t.problem).join('\n');
  const failed = process.env.TRT_NODE_ADDON ? undefined : installFailure();
  if (tried.every((t) => t.problem === 'not found')) {
    solutions.push(
      `Build it: ${REBUILD_COMMAND}; it needs cmake ≥ 3.18 and a C++17 compiler (TensorRT and CUDA are optional). ` +
        'Where npm runs only approved install scripts, approve trt-node\'s first: npm install-scripts approve trt-node',
    );
  }
  if (/libnvinfer|libnvonnxparser/.test(text)) {
    solutions.push(
      'TensorRT was found when the addon was built but its libraries cannot be loaded now: put their folder on ' +
        `LD_LIBRARY_PATH, or rebuild against the TensorRT you have: TENSORRT_ROOT=/path/to/TensorRT ${REBUILD_COMMAND}`,
    );
  }
  if (/libcuda|libcudart/.test(text)) {
    solutions.push(`The CUDA libraries the addon was linked against are missing: install the NVIDIA driver / CUDA runtime, or rebuild: ${REBUILD_COMMAND}`);
  }
  if (/NODE_MODULE_VERSION|invalid ELF|wrong ELF class|undefined symbol/.test(text)) {
    solutions.push(`The addon was built for another Node.js, platform or library version: rebuild it with this Node.js (${process.version}): ${REBUILD_COMMAND}`);
  }
  solutions.push('Or point TRT_NODE_ADDON at a trt_node.node built for this machine');
  return new AddonLoadError(
    `Could not load the trt-node native addon.\nTried:\n${lines.join('\n')}\n${failed ? `At install, ${failed}\n` : ''}` +
      `Possible solutions:\n${solutions.map((s) => `- ${s}`).join('\n')}`,
    { tried, ...(failed ? { installError: failed } : {}) },
    { cause },
  );
}

function tryLoad(): LoadState {
  const tried: { file: string; problem: string }[] = [];
  let lastError: unknown;
  for (const file of addonCandidates()) {
    if (!fs.existsSync(file)) {
      tried.push({ file, problem: 'not found' });
      continue;
    }
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const addon = require(file) as NativeAddon;
      if (typeof addon.buildInfo !== 'function' || typeof addon.buildEngine !== 'function') {
        tried.push({ file, problem: 'loaded, but it is not the trt-node addon (no buildInfo/buildEngine)' });
        continue;
      }
      return { addon, path: file };
    } catch (err) {
      lastError = err;
      tried.push({ file, problem: err instanceof Error ? err.message.split('\n')[0] : String(err) });
    }
  }
  return { error: loadFailure(tried, lastError) };
}

/** The addon, loaded once. Throws AddonLoadError (the same one each time) when it cannot be loaded. */
export function loadAddon(): NativeAddon {
  state ??= tryLoad();
  if ('error' in state) throw state.error;
  return state.addon;
}

/** Like loadAddon() but never throws: for `doctor`, which reports either outcome. */
export function addonStatus(): { loaded: true; addon: NativeAddon; path: string } | { loaded: false; error: AddonLoadError } {
  state ??= tryLoad();
  return 'error' in state ? { loaded: false, error: state.error } : { loaded: true, addon: state.addon, path: state.path };
}
