/**
 * buildEngine's options: the public interface (with defaults), and their validation. Everything is checked here;
 * the C++ side receives one plain NativeBuildOptions object and trusts it.
 */
import { InvalidTypeError, InvalidValueError, UnsupportedOptionError } from '../errors';
import type { NativeProgressEvent } from '../native/binding';
import type { ModelSummary } from '../onnx/types';
import { validateDevice } from './device';
import { LogEntry, LogLevel, validateLogLevel } from './log';
import { OptimizationProfile, Shape, profileFromSamples, validateProfiles } from '../shapes/profiles';

export type BuildProgressEvent = NativeProgressEvent;

export interface BuildEngineOptions {
  /**
   * Optimization profiles: one object or an array, each mapping input names to `{ min, opt, max }` shapes.
   * Required (or `sampleShapes`) when the model has dynamic inputs; fully static inputs may be left out.
   * Default: none (only valid for a fully static model).
   */
  profiles?: OptimizationProfile | OptimizationProfile[];
  /**
   * Derive one more profile from the shapes you will feed: per axis min and max over the samples, opt the median.
   * Default: none.
   */
  sampleShapes?: Record<string, Shape>[];
  /**
   * When the model is given as bytes: the folder its external-data files are in (they are found next to the model
   * file when the model is a path). Default: none.
   */
  baseDir?: string;
  /** Limit of TensorRT's workspace memory pool, in bytes. Default: TensorRT's (the device's global memory). */
  workspaceBytes?: number;
  /** Builder optimization level 0 (fast build) .. 5 (slowest build, best kernels). Default: TensorRT's, 3. */
  optimizationLevel?: number;
  /**
   * A timing cache file: loaded when it exists, and after a successful build merged with what the file then holds
   * (under a lock on "<file>.lock", so builds sharing the file keep each other's entries) and written back
   * atomically. A cache TensorRT cannot use here (another GPU or TensorRT version) does not fail the build: the build
   * starts a fresh cache, says so in `warnings`, and replaces the file. Default: no timing cache file.
   */
  timingCache?: string;
  /** TensorRT 10 only (weakly typed networks): allow FP16 kernels. TensorRT 11 rejects it. Default: false. */
  fp16?: boolean;
  /** TensorRT 10 only: allow BF16 kernels. TensorRT 11 rejects it. Default: false. */
  bf16?: boolean;
  /** TensorRT 10 only: allow INT8 kernels (for Q/DQ models; no calibration). TensorRT 11 rejects it. Default: false. */
  int8?: boolean;
  /**
   * TF32 for float32 convolutions and matrix products on Ampere and later (TensorRT's default: on). false builds
   * them in full float32, which tells TF32 noise (~1e-3) from a real disagreement. Default: true.
   */
  tf32?: boolean;
  /**
   * Build a strongly typed network: tensor types follow the model, no precision flags. TensorRT 11 networks are
   * always strongly typed (false is rejected there). Default: false on TensorRT 10, true on 11.
   */
  stronglyTyped?: boolean;
  /**
   * Build a version-compatible plan (BuilderFlag::kVERSION_COMPATIBLE): it embeds TensorRT's lean runtime and loads
   * with later TensorRT versions, through `Engine.load(plan, { allowHostCode: true })`. Default: false.
   */
  versionCompatible?: boolean;
  /**
   * The CUDA device to build on (trtexec's --device): TensorRT builds for it, and the plan it makes is for its kind of
   * GPU. 0 .. the number of devices the CUDA runtime sees - 1. Default: 0.
   */
  device?: number;
  /** Receives TensorRT's log messages up to `logLevel`. Default: none. */
  onLog?: (entry: LogEntry) => void;
  /** Least severe message passed to `onLog`. Default: 'warning'. */
  logLevel?: LogLevel;
  /** Also print TensorRT's messages up to this level to stderr. Default: 'none'. */
  consoleLogLevel?: LogLevel | 'none';
  /** Build progress: TensorRT's phases (start, step, finish), nested through `parent`. Default: none. */
  onProgress?: (event: BuildProgressEvent) => void;
  /** Cancels the build: the promise rejects with AbortError (code ERR_TRT_NODE_ABORTED). Default: none. */
  signal?: AbortSignal;
}

/** The options after validation, defaults applied (what buildEngine works from). */
export interface ResolvedBuildOptions {
  profiles: OptimizationProfile[];
  baseDir?: string;
  workspaceBytes?: number;
  optimizationLevel?: number;
  timingCache?: string;
  fp16: boolean;
  bf16: boolean;
  int8: boolean;
  tf32: boolean;
  /** null: the TensorRT version decides (false on 10, true on 11). */
  stronglyTyped: boolean | null;
  versionCompatible: boolean;
  device: number;
  onLog?: (entry: LogEntry) => void;
  logLevel: LogLevel;
  consoleLogLevel: LogLevel | 'none';
  onProgress?: (event: BuildProgressEvent) => void;
  signal?: AbortSignal;
}

const KNOWN = new Set([
  'profiles', 'sampleShapes', 'baseDir', 'workspaceBytes', 'optimizationLevel', 'timingCache', 'fp16', 'bf16', 'int8', 'tf32',
  'stronglyTyped', 'versionCompatible', 'device', 'onLog', 'logLevel', 'consoleLogLevel', 'onProgress', 'signal',
]);

function optionalBool(o: Record<string, unknown>, key: string): boolean | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') throw new InvalidTypeError(`options.${key}`, 'a boolean', v);
  return v;
}

function optionalFunction<T>(o: Record<string, unknown>, key: string): T | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'function') throw new InvalidTypeError(`options.${key}`, 'a function', v);
  return v as T;
}

function optionalString(o: Record<string, unknown>, key: string): string | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v === '') throw new InvalidTypeError(`options.${key}`, 'a non-empty string', v);
  return v;
}

/**
 * Checks every option that does not depend on the model or the TensorRT version (types, ranges, unknown keys).
 * Profiles are checked against the model by resolveProfiles.
 */
export function validateBuildOptions(options: unknown): ResolvedBuildOptions & { rawProfiles: unknown; sampleShapes?: unknown } {
  if (options === undefined) options = {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidTypeError('options', 'an object', options);
  }
  const o = options as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!KNOWN.has(key)) {
      throw new InvalidValueError('options', `known option names (${[...KNOWN].join(', ')})`, key, `Unknown option "${key}"`);
    }
  }
  let workspaceBytes: number | undefined;
  if (o.workspaceBytes !== undefined) {
    const v = o.workspaceBytes;
    if (typeof v !== 'number') throw new InvalidTypeError('options.workspaceBytes', 'a number of bytes', v);
    if (!Number.isSafeInteger(v) || v < 1 << 20) {
      throw new InvalidValueError('options.workspaceBytes', 'an integer number of bytes ≥ 1 MiB (1048576)', v);
    }
    workspaceBytes = v;
  }
  let optimizationLevel: number | undefined;
  if (o.optimizationLevel !== undefined) {
    const v = o.optimizationLevel;
    if (typeof v !== 'number') throw new InvalidTypeError('options.optimizationLevel', 'an integer 0..5', v);
    if (!Number.isInteger(v) || v < 0 || v > 5) throw new InvalidValueError('options.optimizationLevel', 'an integer 0..5', v);
    optimizationLevel = v;
  }
  const signal = o.signal;
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw new InvalidTypeError('options.signal', 'an AbortSignal', signal);
  const fp16 = optionalBool(o, 'fp16') ?? false;
  const bf16 = optionalBool(o, 'bf16') ?? false;
  const int8 = optionalBool(o, 'int8') ?? false;
  const stronglyTyped = optionalBool(o, 'stronglyTyped') ?? null;
  if (stronglyTyped === true && (fp16 || bf16 || int8)) {
    const flag = fp16 ? 'fp16' : bf16 ? 'bf16' : 'int8';
    throw new InvalidValueError(
      `options.${flag}`,
      'no precision flag with stronglyTyped: true',
      true,
      'A strongly typed network takes its precision from the model; drop the flag or stronglyTyped',
    );
  }
  if (o.sampleShapes !== undefined && !Array.isArray(o.sampleShapes)) {
    throw new InvalidTypeError('options.sampleShapes', 'an array of {inputName: shape} objects', o.sampleShapes);
  }
  if (o.profiles !== undefined && (typeof o.profiles !== 'object' || o.profiles === null)) {
    throw new InvalidTypeError('options.profiles', 'a profile object or an array of them', o.profiles);
  }
  return {
    rawProfiles: o.profiles,
    sampleShapes: o.sampleShapes,
    profiles: [],
    baseDir: optionalString(o, 'baseDir'),
    workspaceBytes,
    optimizationLevel,
    timingCache: optionalString(o, 'timingCache'),
    fp16,
    bf16,
    int8,
    tf32: optionalBool(o, 'tf32') ?? true,
    stronglyTyped,
    versionCompatible: optionalBool(o, 'versionCompatible') ?? false,
    device: validateDevice(o.device, 'options.device') ?? 0,
    onLog: optionalFunction(o, 'onLog'),
    logLevel: (o.logLevel === undefined ? 'warning' : validateLogLevel(o.logLevel, 'options.logLevel', false)) as LogLevel,
    consoleLogLevel: o.consoleLogLevel === undefined ? 'none' : validateLogLevel(o.consoleLogLevel, 'options.consoleLogLevel', true),
    onProgress: optionalFunction(o, 'onProgress'),
    signal: signal as AbortSignal | undefined,
  };
}

/** Profiles (given ones, then the one derived from sampleShapes) validated against the model. */
export function resolveProfiles(rawProfiles: unknown, sampleShapes: unknown, model: ModelSummary): OptimizationProfile[] {
  const given = rawProfiles === undefined ? [] : Array.isArray(rawProfiles) ? [...rawProfiles] : [rawProfiles];
  if (sampleShapes !== undefined) given.push(profileFromSamples(sampleShapes, 'options.sampleShapes'));
  return validateProfiles(given, model, 'options.profiles');
}

/**
 * Options the linked TensorRT cannot honour: the precision flags and weak typing are gone in TensorRT 11.
 * Returns whether to build strongly typed.
 */
export function checkForTensorRTVersion(options: ResolvedBuildOptions, version: { major: number; text: string }): boolean {
  if (version.major >= 11) {
    for (const flag of ['fp16', 'bf16', 'int8'] as const) {
      if (options[flag]) {
        throw new UnsupportedOptionError(
          flag,
          `${flag} is not supported by TensorRT ${version.text}: TensorRT 11 builds strongly typed networks only, ` +
            `so precision comes from the model. Export the model in the precision you want (e.g. model.half() before ` +
            `torch.onnx.export for fp16, or Q/DQ nodes for int8) and build without ${flag}`,
          { tensorrt: version.text },
        );
      }
    }
    if (options.stronglyTyped === false) {
      throw new UnsupportedOptionError(
        'stronglyTyped',
        `stronglyTyped: false is not supported by TensorRT ${version.text}: its networks are always strongly typed`,
        { tensorrt: version.text },
      );
    }
    return true;
  }
  return options.stronglyTyped ?? false;
}
