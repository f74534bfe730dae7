/**
 * buildEngine's options. The build settings are one table, BUILD_OPTIONS: one descriptor per option, from which
 * come its public type and documentation (BuildEngineOptions), its default, its validation, the TensorRT versions
 * that take it, its command-line flags (trt-node's spelling and trtexec's, with help; lib/cli/options/engine.ts
 * gives every one of them to build, check and bench) and how it crosses into C++: an IBuilderConfig setting is
 * passed by name in NativeBuildOptions.config and applied by the table in native/trt/build_options.cc, which
 * trusts what this file checked.
 *
 * Adding a build option: a descriptor here; for an IBuilderConfig setting, a row in build_options.cc's table (and
 * the stand-in's IBuilderConfig when it is a method the stand-in does not implement yet); tests and README.
 */
import { InvalidTypeError, InvalidValueError, TrtNodeError, UnsupportedOptionError } from '../errors';
import type { NativeProgressEvent } from '../native/binding';
import type { ModelSummary } from '../onnx/types';
import { splitNamedList } from '../shapes/spec';
import * as v from '../validate';
import { validateDevice } from './device';
import { LogEntry, LogLevel, validateLogLevel } from './log';
import { OptimizationProfile, Shape, profileFromSamples, validateProfiles } from '../shapes/profiles';

export type BuildProgressEvent = NativeProgressEvent;

/** A TensorRT version, as requireTensorRT() reports it. */
export interface TensorRTVersionLike {
  major: number;
  text: string;
}

/** One spelling of a build option on the command line. */
export interface BuildOptionFlag<T> {
  /** commander's spelling: '--fp16', '--no-tf32', '--workspace <size>'. */
  flag: string;
  /** A flag with a value: the text to the option's value, errors naming `flag`. Default: the text. */
  parse?: (text: string, flag: string) => T;
  /** A flag without a value: the option's value when the flag is given. Default: false for '--no-…', else true. */
  value?: T;
}

/** One build option: everything trt-node knows about it, in one place. */
export interface BuildOptionSpec<T> {
  /** Checks a value given to buildEngine, naming `label` ('options.fp16', or the flag that gave it) in errors. */
  check: (value: unknown, label: string) => T;
  /** The value when the option is not given. None: TensorRT's own default stands (nothing is set). */
  default?: T;
  /** Why TensorRT `version` cannot honour `value` (the end of the message), or undefined when it can. */
  unsupported?: (value: T, version: TensorRTVersionLike) => string | undefined;
  /**
   * How it reaches TensorRT: 'config', by name in NativeBuildOptions.config, applied to IBuilderConfig by
   * native/trt/build_options.cc; 'build', read by buildEngine itself (a file to load, the network's flags, the device the build's thread sets).
   */
  native: 'config' | 'build';
  /** The option names a file the build reads: commands refuse to write an output over it. */
  readsFile?: boolean;
  /**
   * Why the option is left out of the engine cache's key (lib/cache/key.ts): it does not change the plan built.
   * Every other option is in the key, so a new option invalidates cached engines unless it says why it need not.
   */
  notInCacheKey?: string;
  /**
   * The command line: trt-node's flag and its help, another spelling of trt-node's shown in the help too (`alias`),
   * and trtexec's spelling (hidden from the help).
   */
  cli: BuildOptionFlag<T> & { help: string; alias?: BuildOptionFlag<T> & { help: string }; trtexec?: BuildOptionFlag<T> };
}

function option<T>(spec: BuildOptionSpec<T>): BuildOptionSpec<T> {
  return spec;
}

// ----------------------------------------------------------------------------------------------- value checks

function boolean(value: unknown, label: string): boolean {
  if (typeof value !== 'boolean') throw new InvalidTypeError(label, 'a boolean', value);
  return value;
}

function optimizationLevel(value: unknown, label: string): number {
  if (typeof value !== 'number') throw new InvalidTypeError(label, 'an integer 0..5', value);
  if (!Number.isInteger(value) || value < 0 || value > 5) throw new InvalidValueError(label, 'an integer 0..5', value);
  return value;
}

function bytesAtLeastMiB(value: unknown, label: string): number {
  if (typeof value !== 'number') throw new InvalidTypeError(label, 'a number of bytes', value);
  if (!Number.isSafeInteger(value) || value < 2 ** 20) throw new InvalidValueError(label, 'an integer number of bytes ≥ 1 MiB (1048576)', value);
  return value;
}

function nonEmptyString(value: unknown, label: string): string {
  if (typeof value !== 'string' || value === '') throw new InvalidTypeError(label, 'a non-empty string', value);
  return value;
}

function tensorNames(value: unknown, label: string): string[] {
  if (!Array.isArray(value) || value.length === 0) throw new InvalidTypeError(label, 'a non-empty array of tensor names', value);
  return value.map((name, i) => nonEmptyString(name, `${label}[${i}]`));
}

function folderOrTrue(value: unknown, label: string): string | true {
  if (value === true) return value;
  if (typeof value !== 'string' || value === '' || value.includes('\0')) throw new InvalidTypeError(label, 'a folder path, or true (the default folder)', value);
  return value;
}

/** "4096" (MiB), "512M", "2G", "1.5GiB" -> bytes (the --workspace flag; trtexec counts MiB). */
export function parseSize(text: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(b|k|m|g|t)?(i?b)?$/i.exec(String(text).trim());
  if (!m) throw new InvalidValueError(flag, 'a size in MiB (e.g. 4096) or with a unit (512M, 2G)', text);
  const unit = (m[2] ?? 'm').toLowerCase() as 'b' | 'k' | 'm' | 'g' | 't';
  const bytes = Math.round(Number(m[1]) * { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }[unit]);
  if (!Number.isSafeInteger(bytes) || bytes < 2 ** 20) throw new InvalidValueError(flag, 'a size of at least 1 MiB', text);
  return bytes;
}

/** trtexec's --memPoolSize: 'workspace:1024' (MiB), 'workspace:2G'; other pools are not trt-node's to set. */
export function parseMemPoolSize(spec: string, flag = '--memPoolSize'): number {
  let workspace: number | undefined;
  for (const { name, value, entry } of splitNamedList(spec, { option: flag, example: 'workspace:1024' })) {
    if (name !== 'workspace') {
      throw new TrtNodeError('ERR_TRT_NODE_UNSUPPORTED_OPTION', `${flag}: pool '${name}' (in '${entry}') is not supported; trt-node sets the workspace pool only (workspace:<size>)`, {
        option: flag,
      });
    }
    workspace = parseSize(value, flag);
  }
  return workspace!;
}

function parseOptimizationLevel(text: string, flag: string): number {
  if (!/^\d$/.test(text) || Number(text) > 5) throw new InvalidValueError(flag, 'an integer 0..5', text);
  return Number(text);
}

/** A device number as typed: digits only ('1.5', '-1', '0x1' are refused naming the flag). */
function parseDevice(text: string, flag: string): number {
  if (!/^\d+$/.test(text)) throw new InvalidValueError(flag, 'a CUDA device number (a whole number ≥ 0)', text);
  return validateDevice(Number(text), flag)!;
}

/** fp16, bf16 and int8 are weak typing's precision flags, gone in TensorRT 11. */
function precisionFlag(name: string, help: string): BuildOptionSpec<boolean> {
  return option({
    check: boolean,
    default: false,
    unsupported: (value, version) =>
      value && version.major >= 11
        ? 'TensorRT 11 builds strongly typed networks only, so precision comes from the model. Export the model in the ' +
          `precision you want (e.g. model.half() before torch.onnx.export for fp16, or Q/DQ nodes for int8) and build without ${name}`
        : undefined,
    native: 'config',
    cli: { flag: `--${name}`, help },
  });
}

/** ProfilingVerbosity by trtexec's names (--profilingVerbosity). */
const PROFILING_VERBOSITY = ['layer_names_only', 'detailed', 'none'] as const;

// ---------------------------------------------------------------------------------------------------- the table

/** Every build setting; the documentation of each is that of BuildEngineOptions. */
export const BUILD_OPTIONS = {
  /** Limit of TensorRT's workspace memory pool, in bytes. Default: TensorRT's (the device's global memory). */
  workspaceBytes: option({
    check: bytesAtLeastMiB,
    native: 'config',
    cli: {
      flag: '--workspace <size>',
      help: 'TensorRT workspace memory pool limit: MiB, or with a unit (512M, 2G)',
      parse: parseSize,
      trtexec: { flag: '--memPoolSize <spec>', parse: parseMemPoolSize },
    },
  }),
  /** Builder optimization level 0 (fast build) .. 5 (slowest build, best kernels). Default: TensorRT's, 3. */
  optimizationLevel: option({
    check: optimizationLevel,
    native: 'config',
    cli: {
      flag: '--opt-level <0-5>',
      help: 'builder optimization level (TensorRT default 3)',
      parse: parseOptimizationLevel,
      trtexec: { flag: '--builderOptimizationLevel <0-5>', parse: parseOptimizationLevel },
    },
  }),
  /**
   * A timing cache file: loaded when it exists, and after a successful build merged with what the file then holds
   * (under a lock on "<file>.lock", so builds sharing the file keep each other's entries) and written back
   * atomically. A cache TensorRT cannot use here (another GPU or TensorRT version) does not fail the build: the build
   * starts a fresh cache, says so in `warnings`, and replaces the file. Default: no timing cache file.
   */
  timingCache: option({
    check: nonEmptyString,
    native: 'build',
    readsFile: true,
    notInCacheKey: 'it keeps how fast kernels ran, which speeds up a build; the plan is still that of the model and settings',
    cli: {
      flag: '--timing-cache <file>',
      help: 'timing cache: read if it exists, written back after the build',
      trtexec: { flag: '--timingCacheFile <file>' },
    },
  }),
  /** TensorRT 10 only (weakly typed networks): allow FP16 kernels. TensorRT 11 rejects it. Default: false. */
  fp16: precisionFlag('fp16', 'allow FP16 kernels (TensorRT 10 only)'),
  /** TensorRT 10 only: allow BF16 kernels. TensorRT 11 rejects it. Default: false. */
  bf16: precisionFlag('bf16', 'allow BF16 kernels (TensorRT 10 only)'),
  /** TensorRT 10 only: allow INT8 kernels (for Q/DQ models; no calibration). TensorRT 11 rejects it. Default: false. */
  int8: precisionFlag('int8', 'allow INT8 kernels for Q/DQ models (TensorRT 10 only)'),
  /**
   * TF32 for float32 convolutions and matrix products on Ampere and later (TensorRT's default: on). false builds
   * them in full float32, which tells TF32 noise (~1e-3) from a real disagreement. Default: true.
   */
  tf32: option({
    check: boolean,
    default: true,
    native: 'config',
    cli: {
      flag: '--no-tf32',
      help: 'disable TF32 for float32 layers (compare with TF32 noise ruled out)',
      trtexec: { flag: '--noTF32', value: false },
    },
  }),
  /**
   * Build a strongly typed network: tensor types follow the model, no precision flags. TensorRT 11 networks are
   * always strongly typed (false is rejected there). Default: false on TensorRT 10, true on 11.
   */
  stronglyTyped: option({
    check: boolean,
    unsupported: (value, version) => (value === false && version.major >= 11 ? 'its networks are always strongly typed' : undefined),
    native: 'build',
    cli: { flag: '--strongly-typed', help: 'strongly typed network (always so on TensorRT 11)', trtexec: { flag: '--stronglyTyped' } },
  }),
  /**
   * Build a version-compatible plan (BuilderFlag::kVERSION_COMPATIBLE): it embeds TensorRT's lean runtime and loads
   * with later TensorRT versions, through `Engine.load(plan, { allowHostCode: true })`. Default: false.
   */
  versionCompatible: option({
    check: boolean,
    default: false,
    native: 'config',
    cli: {
      flag: '--version-compatible',
      help: 'a version-compatible plan (embeds the lean runtime; load it with allowHostCode)',
      trtexec: { flag: '--versionCompatible' },
    },
  }),
  /**
   * The layer information the engine keeps for profilers, NVTX ranges and IEngineInspector
   * (IBuilderConfig::setProfilingVerbosity): 'layer_names_only', 'detailed' (names and parameters: what Nsight
   * Systems and trtexec --dumpLayerInfo show best) or 'none'. Default: TensorRT's, 'layer_names_only'.
   */
  profilingVerbosity: option({
    check: (value, label) => v.oneOf(value, label, PROFILING_VERBOSITY),
    default: 'layer_names_only',
    native: 'config',
    cli: {
      flag: '--profiling-verbosity <level>',
      help: `layer information kept in the engine for profilers: ${PROFILING_VERBOSITY.join(', ')} (default layer_names_only)`,
      parse: (text, flag) => v.oneOf(text, flag, PROFILING_VERBOSITY),
      trtexec: { flag: '--profilingVerbosity <level>', parse: (text, flag) => v.oneOf(text, flag, PROFILING_VERBOSITY) },
    },
  }),
  /**
   * The CUDA device to build on (trtexec's --device): TensorRT builds for it, and the plan it makes is for its kind of
   * GPU. 0 .. the number of devices the CUDA runtime sees - 1 (buildEngine checks that bound). Default: 0.
   */
  device: option({
    check: (value, label) => validateDevice(value, label)!,
    default: 0,
    native: 'build',
    notInCacheKey: "the key has the GPU's name and compute capability instead: a plan is for a kind of GPU, not a device number",
    cli: { flag: '--device <N>', help: "the CUDA device to build on, as trtexec's --device (default 0)", parse: parseDevice },
  }),
  /**
   * ONNX tensors to make outputs of the engine besides the model's own (INetworkDefinition::markOutput after parsing,
   * found by name among the layers' outputs): what a layer-wise comparison (check's `layers`) builds. A tensor
   * TensorRT does not expose (fused away, renamed, folded into weights, a shape tensor) is left out: the engine's
   * outputs say which were marked. Marking can change TensorRT's fusions and kernels. Default: none.
   */
  markOutputs: option({
    check: tensorNames,
    native: 'build',
    cli: { flag: '--mark-outputs <tensors>', help: 'also make these ONNX tensors engine outputs (comma-separated names)', parse: (text, flag) => tensorNames(text.split(',').map((t) => t.trim()).filter(Boolean), flag) },
  }),
  /**
   * An engine cache folder (`true`: the default one, TRT_NODE_CACHE_DIR, else $XDG_CACHE_HOME/trt-node/engines or
   * ~/.cache/trt-node/engines). The plan is looked up there by a key over the model's bytes (external data
   * included), every build option that shapes the plan, the profiles, the TensorRT version and the GPU (name,
   * compute capability); a sound entry is returned without building (`cached: true`), otherwise the engine is built
   * and stored. Processes building the same key build once: the others wait for it, then load. An entry that is
   * truncated or corrupted is rebuilt, with a note in `warnings` saying why. Default: no cache.
   */
  cacheDir: option({
    check: folderOrTrue,
    native: 'build',
    notInCacheKey: 'it is where the cache is',
    cli: {
      flag: '--cache-dir <dir>',
      help: 'engine cache folder: a plan built before with the same model, settings, TensorRT and GPU is reused',
      alias: { flag: '--cache', value: true, help: 'engine cache in the default folder ($TRT_NODE_CACHE_DIR, else ~/.cache/trt-node/engines)' },
    },
  }),
  /**
   * The engine cache's size bound, in bytes (with `cacheDir`): after a new entry is written, the least recently used
   * entries are removed until the cache holds at most this much. Default: 10 GiB.
   */
  cacheMaxBytes: option({
    check: bytesAtLeastMiB,
    native: 'build',
    notInCacheKey: 'it bounds the cache, not the plan',
    cli: { flag: '--cache-max-size <size>', help: 'engine cache size bound: MiB, or with a unit (500M, 20G; default 10G)', parse: parseSize },
  }),
};

export type BuildOptionName = keyof typeof BUILD_OPTIONS;

/** The value type of a build option. */
export type BuildOptionValue<K extends BuildOptionName> = (typeof BUILD_OPTIONS)[K] extends BuildOptionSpec<infer T> ? T : never;

/** The build settings, as buildEngine takes them (each documented in BUILD_OPTIONS). */
export type BuildSettings = { [K in BuildOptionName]?: BuildOptionValue<K> };

/** The settings after validation: defaults applied; undefined leaves TensorRT's own default. */
export type ResolvedBuildSettings = { [K in BuildOptionName]: BuildOptionValue<K> | undefined };

/** The table's entries, typed loosely, for the loops that treat every option alike. */
export function buildOptionEntries(): [BuildOptionName, BuildOptionSpec<unknown>][] {
  return Object.entries(BUILD_OPTIONS) as [BuildOptionName, BuildOptionSpec<unknown>][];
}

export interface BuildEngineOptions extends BuildSettings {
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
   * The folder the model's external-data files are in: for a model given as bytes, or a path whose data is not next
   * to it. Default: the model file's folder (for bytes, none).
   */
  baseDir?: string;
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
export interface ResolvedBuildOptions extends ResolvedBuildSettings {
  baseDir?: string;
  onLog?: (entry: LogEntry) => void;
  logLevel: LogLevel;
  consoleLogLevel: LogLevel | 'none';
  onProgress?: (event: BuildProgressEvent) => void;
  signal?: AbortSignal;
  /** As given; checked against the model by resolveProfiles. */
  rawProfiles: unknown;
  sampleShapes?: unknown;
}

/** How the library names option `name` in messages. */
const optionsLabel = (name: string): string => `options.${name}`;

const OTHER_OPTIONS = ['profiles', 'sampleShapes', 'baseDir', 'onLog', 'logLevel', 'consoleLogLevel', 'onProgress', 'signal'];

/**
 * Checks the build settings of `o` (the table's options; other keys are left to the caller) and applies their
 * defaults. `labelOf` names an option in errors: 'options.fp16' by default, the CLI passes the flag that gave it.
 */
export function validateBuildSettings(o: Readonly<Record<string, unknown>>, labelOf: (name: BuildOptionName) => string = optionsLabel): ResolvedBuildSettings {
  const out = {} as Record<BuildOptionName, unknown>;
  for (const [name, spec] of buildOptionEntries()) {
    out[name] = o[name] === undefined ? spec.default : spec.check(o[name], labelOf(name));
  }
  const settings = out as ResolvedBuildSettings;
  if (settings.cacheMaxBytes !== undefined && settings.cacheDir === undefined) {
    throw new InvalidValueError(labelOf('cacheMaxBytes'), `to come with ${labelOf('cacheDir')}`, settings.cacheMaxBytes, 'It bounds the engine cache, which is used only when asked for');
  }
  if (settings.stronglyTyped === true) {
    const flag = (['fp16', 'bf16', 'int8'] as const).find((f) => settings[f]);
    if (flag) {
      throw new InvalidValueError(
        labelOf(flag),
        `no precision flag with ${labelOf('stronglyTyped')}`,
        true,
        'A strongly typed network takes its precision from the model; drop the flag or stronglyTyped',
      );
    }
  }
  return settings;
}

/**
 * Checks every option that does not depend on the model or the TensorRT version (types, ranges, unknown keys).
 * Profiles are checked against the model by resolveProfiles.
 */
export function validateBuildOptions(options: unknown): ResolvedBuildOptions {
  // An unknown name (a misspelt one) is refused, naming the nearest known one.
  const o = v.options<BuildEngineOptions>(options, 'options', [...OTHER_OPTIONS, ...Object.keys(BUILD_OPTIONS)]) as Record<string, unknown>;
  if (o.sampleShapes !== undefined && !Array.isArray(o.sampleShapes)) {
    throw new InvalidTypeError('options.sampleShapes', 'an array of {inputName: shape} objects', o.sampleShapes);
  }
  if (o.profiles !== undefined && (typeof o.profiles !== 'object' || o.profiles === null)) {
    throw new InvalidTypeError('options.profiles', 'a profile object or an array of them', o.profiles);
  }
  if (o.baseDir !== undefined) nonEmptyString(o.baseDir, 'options.baseDir');
  return {
    ...validateBuildSettings(o),
    rawProfiles: o.profiles,
    sampleShapes: o.sampleShapes,
    baseDir: o.baseDir as string | undefined,
    onLog: v.optional(v.callback)(o.onLog, 'options.onLog') as ResolvedBuildOptions['onLog'],
    logLevel: (o.logLevel === undefined ? 'warning' : validateLogLevel(o.logLevel, 'options.logLevel', false)) as LogLevel,
    consoleLogLevel: o.consoleLogLevel === undefined ? 'none' : validateLogLevel(o.consoleLogLevel, 'options.consoleLogLevel', true),
    onProgress: v.optional(v.callback)(o.onProgress, 'options.onProgress') as ResolvedBuildOptions['onProgress'],
    signal: v.optional(v.abortSignal)(o.signal, 'options.signal'),
  };
}

/** Profiles (given ones, then the one derived from sampleShapes) validated against the model. */
export function resolveProfiles(rawProfiles: unknown, sampleShapes: unknown, model: ModelSummary): OptimizationProfile[] {
  const given = rawProfiles === undefined ? [] : Array.isArray(rawProfiles) ? [...rawProfiles] : [rawProfiles];
  if (sampleShapes !== undefined) given.push(profileFromSamples(sampleShapes, 'options.sampleShapes'));
  return validateProfiles(given, model, 'options.profiles');
}

/**
 * Options the linked TensorRT cannot honour (the precision flags and weak typing are gone in TensorRT 11) are
 * refused, named by `labelOf`. Returns whether to build strongly typed.
 */
export function checkForTensorRTVersion(
  settings: ResolvedBuildSettings,
  version: TensorRTVersionLike,
  labelOf: (name: BuildOptionName) => string = (name) => name,
): boolean {
  for (const [name, spec] of buildOptionEntries()) {
    const value = settings[name];
    const why = value === undefined ? undefined : spec.unsupported?.(value, version);
    if (why !== undefined) {
      const label = labelOf(name);
      throw new UnsupportedOptionError(label, `${label}${value === true ? '' : `: ${JSON.stringify(value)}`} is not supported by TensorRT ${version.text}: ${why}`, {
        tensorrt: version.text,
      });
    }
  }
  return version.major >= 11 || settings.stronglyTyped === true;
}

/**
 * The settings that shape the plan, for the engine cache's key: every option but those that say why they need not
 * be in it, defaults applied, and `stronglyTyped` as the build resolved it (TensorRT 10's default false and an
 * explicit false build the same plan).
 */
export function cacheKeySettings(settings: ResolvedBuildSettings, stronglyTyped: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, spec] of buildOptionEntries()) if (spec.notInCacheKey === undefined) out[name] = settings[name];
  out.stronglyTyped = stronglyTyped;
  return out;
}

/**
 * The IBuilderConfig settings, by name, as native/trt/build_options.cc reads them. A value left out (not given, or
 * its default, which is TensorRT's) is not set: the config keeps TensorRT's own default.
 */
export function nativeConfig(settings: ResolvedBuildSettings): Record<string, boolean | number | string> {
  const out: Record<string, boolean | number | string> = {};
  for (const [name, spec] of buildOptionEntries()) {
    const value = settings[name];
    if (spec.native === 'config' && value !== undefined && value !== spec.default) out[name] = value as boolean | number | string;
  }
  return out;
}
