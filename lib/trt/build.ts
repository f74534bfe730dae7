/**
 * buildEngine(model, options): ONNX (path, bytes, or the summary of a model read from a file) -> serialized TensorRT
 * engine (plan), built off the JS thread. Order of checks: options, then the model and its profiles (lib/onnx
 * reader; where TensorRT is missing, a profile error says that too), then TensorRT's presence and version, and only
 * then the engine cache (with `cacheDir`) and the native build.
 */
import * as fs from 'fs';
import * as path from 'path';
import { AbortError, FileError, InvalidTypeError, InvalidValueError } from '../errors';
import { nearestName } from '../util/nearest';
import type { NativeBuildJob, NativeBuildOptions, NativeProgressEvent, NativeSeverity } from '../native/binding';
import { fromNativeError } from './native-error';
import { isModelSummary, readModel } from '../onnx/reader';
import type { ModelSummary } from '../onnx/types';
import { BuildEngineOptions, ResolvedBuildOptions, checkForTensorRTVersion, nativeConfig, resolveProfiles, validateBuildOptions } from './build-options';
import { cachedBuild } from '../cache';
import { cacheLookup, deviceIdentity } from './build-cache';
import { requireDevice } from './device';
import { LogEntry, levelNumber, logEntry, severityName, writeToConsole } from './log';
import { profileEntries, type OptimizationProfile } from '../shapes/profiles';
import { checkProfilesSayingTensorRT, requireTensorRT } from './tensorrt';

export interface BuildEngineResult {
  /** The serialized engine: write it to a .plan file, or hand it to Engine.load. */
  plan: Buffer;
  /** The profiles the engine was built with, in order (Engine.run's `profile` indexes them). */
  profiles: OptimizationProfile[];
  /**
   * The TensorRT library that built it ("10.16.0"; with trt-node's test stand-in the text says so); a plan only loads
   * with the same version.
   */
  tensorrtVersion: string;
  stronglyTyped: boolean;
  /** Wall time of the native build (parse + build), ms; for a plan from the engine cache, that of the build that made it. */
  buildMs: number;
  /** The timing cache file written, or null (also for a plan from the engine cache: nothing was built). */
  timingCacheFile: string | null;
  /**
   * TensorRT's warnings and errors logged by the build (for a cached plan, those of the build that made it), then
   * trt-node's notes (e.g. a timing cache replaced, an engine cache entry rebuilt and why).
   */
  warnings: LogEntry[];
  /** The model's summary (from lib/onnx), for callers that want to report on inputs. */
  model: ModelSummary;
  /** The plan came from the engine cache (`cacheDir`): nothing was built. */
  cached: boolean;
  /** The engine cache entry's plan file, or null without `cacheDir`. */
  cacheEntry: string | null;
}

/** What one native build gives, as the engine cache keeps it (JSON-able but the plan). */
interface BuildRecord {
  buildMs: number;
  timingCacheFile: string | null;
  warnings: LogEntry[];
}

/** A record read back from a cache entry, taken only as far as it has the expected shape (the plan was checked). */
function recordOf(value: unknown): BuildRecord {
  const r = (typeof value === 'object' && value !== null ? value : {}) as Partial<BuildRecord>;
  return {
    buildMs: typeof r.buildMs === 'number' ? r.buildMs : 0,
    timingCacheFile: null,
    warnings: Array.isArray(r.warnings) ? r.warnings.filter((w) => typeof w?.message === 'string' && typeof w?.severity === 'string') : [],
  };
}

async function readTimingCache(file: string): Promise<Buffer | null> {
  try {
    return await fs.promises.readFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null; // a new cache is started
    throw new FileError(file, `timing cache cannot be read: ${(err as Error).message}`, { cause: err });
  }
}

// Builds in flight, cancelled when the process exits: Node's exit path joins the libuv thread pool, so a build still
// running there would keep `process.exit()` waiting until it finished. Cancelling makes TensorRT stop at the next
// IProgressMonitor step (parsing, which reports no steps, cannot be interrupted).
const inFlight = new Set<NativeBuildJob>();
let exitHookInstalled = false;

function cancelOnExit(job: NativeBuildJob): () => void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const j of inFlight) j.cancel();
    });
  }
  inFlight.add(job);
  return () => inFlight.delete(job);
}

/** The model as the native build reads it: a path, or bytes (with a path naming its folder for external data). */
interface ModelSource {
  path?: string;
  bytes?: Uint8Array;
  /** Already read by the caller (not read again). */
  summary?: ModelSummary;
  /** For messages: 'buildEngine(model.onnx)'. */
  what: string;
}

function modelSource(model: unknown): ModelSource {
  if (typeof model === 'string') return { path: model, what: `buildEngine(${model})` };
  if (model instanceof Uint8Array) return { bytes: model, what: 'buildEngine(<bytes>)' };
  if (isModelSummary(model) && typeof model.file === 'string') return { path: model.file, summary: model, what: `buildEngine(${model.file})` };
  throw new InvalidTypeError('model', 'a path to an .onnx file or its bytes (Uint8Array)', model);
}

/** The addon's options: the validated settings as they are, the profiles as entries, the timing cache's bytes. */
async function nativeOptions(source: ModelSource, opts: ResolvedBuildOptions, profiles: OptimizationProfile[], stronglyTyped: boolean): Promise<NativeBuildOptions> {
  const native: NativeBuildOptions = {
    profiles: profiles.map(profileEntries),
    useTimingCache: opts.timingCache !== undefined,
    timingCache: opts.timingCache !== undefined ? await readTimingCache(opts.timingCache) : null,
    stronglyTyped,
    config: nativeConfig(opts),
    device: opts.device ?? 0,
    ...(opts.markOutputs ? { markOutputs: opts.markOutputs } : {}),
    logLevel: Math.max(opts.onLog ? levelNumber(opts.logLevel) : -1, levelNumber(opts.consoleLogLevel)),
  };
  if (source.path !== undefined && opts.baseDir) {
    // External data elsewhere: the parser gets the bytes and a model path in that folder to resolve it against.
    const file = source.path;
    native.modelBytes = await fs.promises.readFile(file).catch((err: unknown) => {
      throw new FileError(file, `cannot be read: ${(err as Error).message}`, { cause: err });
    });
    native.modelPath = path.join(path.resolve(opts.baseDir), 'model.onnx');
  } else if (source.path !== undefined) {
    native.modelPath = path.resolve(source.path);
  } else {
    native.modelBytes = source.bytes;
    // TensorRT resolves external data against the folder of this (never opened) path.
    if (opts.baseDir) native.modelPath = path.join(path.resolve(opts.baseDir), 'model.onnx');
  }
  return native;
}

/**
 * The native job, with the callbacks it reports through (which must not throw into native code), cancelled by
 * the signal and when the process exits.
 */
async function runNativeBuild(addon: ReturnType<typeof requireTensorRT>['addon'], native: NativeBuildOptions, opts: ResolvedBuildOptions, source: ModelSource, callSite: Error) {
  const callbackLevel = opts.onLog ? levelNumber(opts.logLevel) : -1;
  const consoleLevel = levelNumber(opts.consoleLogLevel);
  const onLog = (severity: NativeSeverity, message: string) => {
    const entry: LogEntry = { severity: severityName(severity), message };
    try {
      if (severity <= consoleLevel) writeToConsole(entry);
      if (severity <= callbackLevel) opts.onLog?.(entry);
    } catch {
      // a failing log callback must not break the build
    }
  };
  // Always passed, even without opts.onProgress: when progress can no longer be delivered (the worker thread running
  // this build is being terminated), the addon cancels the build.
  const onProgress = (event: NativeProgressEvent) => {
    try {
      opts.onProgress?.(event);
    } catch {
      // a failing progress callback must not break the build
    }
  };
  const job = addon.buildEngine(native, native.logLevel >= 0 ? onLog : undefined, onProgress);
  const untrack = cancelOnExit(job);
  const abort = () => job.cancel();
  opts.signal?.addEventListener('abort', abort, { once: true });
  try {
    return await job.promise;
  } catch (err) {
    if (opts.signal?.aborted) throw new AbortError(source.what);
    throw fromNativeError(err, source.path ?? 'the model bytes', callSite);
  } finally {
    untrack();
    opts.signal?.removeEventListener('abort', abort);
  }
}

/** Writes the build's timing cache back to its file (merged under a lock); returns the file, or null. */
async function saveTimingCache(
  addon: ReturnType<typeof requireTensorRT>['addon'],
  file: string | undefined,
  cache: Buffer | null,
  device: number,
  warnings: LogEntry[],
): Promise<string | null> {
  if (file === undefined || !cache) return null;
  try {
    const saved = await addon.saveTimingCache(path.resolve(file), cache, { device });
    for (const message of saved.warnings) warnings.push({ severity: 'warning', message: `trt-node: ${message}` });
  } catch (err) {
    throw new FileError(file, `the timing cache could not be written: ${(err as Error).message}`, { cause: err });
  }
  return file;
}

/** Names to mark must be tensors the model's nodes make: a misspelt one is refused with the nearest (not left unmarked). */
function checkTensorNames(names: readonly string[], model: ModelSummary, parameter: string): void {
  const made = new Set(model.nodes.flatMap((n) => n.outputs.filter(Boolean)));
  names.forEach((name, i) => {
    if (made.has(name)) return;
    const near = nearestName(name, made);
    throw new InvalidValueError(`${parameter}[${i}]`, 'the name of a tensor a node of the model outputs', name, near !== undefined ? `Did you mean '${near}'?` : undefined);
  });
}

/**
 * Builds a TensorRT engine from an ONNX model: options checked, then the model and its profiles, then TensorRT's
 * presence and version, then the native build, then the timing cache saved.
 * @param model a path to an .onnx file (external data is found next to it, or in `options.baseDir`), the model's bytes, or the ModelSummary
 *   readModel(path) gave (the model is then not read again)
 */
export async function buildEngine(model: string | Uint8Array | ModelSummary, options?: BuildEngineOptions): Promise<BuildEngineResult> {
  const callSite = new Error();
  const source = modelSource(model);
  const opts = validateBuildOptions(options);
  if (opts.signal?.aborted) throw new AbortError(source.what);

  const summary = source.summary ?? (await readModel((source.path ?? source.bytes)!, opts.baseDir ? { baseDir: opts.baseDir } : {}));
  const profiles = checkProfilesSayingTensorRT(() => resolveProfiles(opts.rawProfiles, opts.sampleShapes, summary));
  if (opts.markOutputs) checkTensorNames(opts.markOutputs, summary, 'options.markOutputs');
  const { addon, version } = requireTensorRT();
  const device = opts.device ?? 0;
  requireDevice(device, 'options.device', addon);
  const stronglyTyped = checkForTensorRTVersion(opts, version);
  const build = async (): Promise<{ plan: Buffer; record: BuildRecord }> => {
    const native = await nativeOptions(source, opts, profiles, stronglyTyped);
    if (opts.signal?.aborted) throw new AbortError(source.what);
    const result = await runNativeBuild(addon, native, opts, source, callSite);
    const warnings = result.warnings.map(logEntry);
    const timingCacheFile = await saveTimingCache(addon, opts.timingCache, result.timingCache, device, warnings);
    return { plan: result.plan, record: { buildMs: result.buildMs, timingCacheFile, warnings } };
  };
  const common = { profiles, tensorrtVersion: version.text, stronglyTyped, model: summary };
  if (opts.cacheDir === undefined) {
    const built = await build();
    return { ...common, ...built.record, plan: built.plan, cached: false, cacheEntry: null };
  }

  const gpu = deviceIdentity(addon, device);
  if (gpu === null) {
    const built = await build();
    const note = `trt-node: the engine cache was not used: the CUDA runtime did not name device ${device} (its name and compute capability are part of the key)`;
    return { ...common, ...built.record, warnings: [...built.record.warnings, { severity: 'warning', message: note }], plan: built.plan, cached: false, cacheEntry: null };
  }
  const lookup = await cacheLookup(source, summary, { ...opts, cacheDir: opts.cacheDir }, profiles, stronglyTyped, version.text, gpu);
  const r = await cachedBuild(lookup.settings, lookup.key, lookup.describes, build);
  const notes: LogEntry[] = r.notes.map((n) => ({ severity: 'warning', message: `trt-node: ${n}` }));
  const record = r.cached ? recordOf(r.record) : r.record;
  return {
    ...common,
    ...record,
    warnings: [...record.warnings, ...notes],
    plan: r.plan,
    cached: r.cached,
    cacheEntry: r.entry,
  };
}
