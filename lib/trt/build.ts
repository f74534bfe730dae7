/**
 * buildEngine(model, options): ONNX (path or bytes) -> serialized TensorRT engine (plan), built off the JS thread.
 * Order of checks: options, then the model and its profiles (lib/onnx reader), then TensorRT's presence and version,
 * and only then the native build.
 */
import * as fs from 'fs';
import * as path from 'path';
import { AbortError, FileError, InvalidTypeError } from '../errors';
import type { NativeBuildJob, NativeBuildOptions, NativeProgressEvent, NativeSeverity } from '../native/binding';
import { fromNativeError } from './native-error';
import { readModel } from '../onnx/reader';
import type { ModelSummary } from '../onnx/types';
import { BuildEngineOptions, checkForTensorRTVersion, resolveProfiles, validateBuildOptions } from './build-options';
import { requireDevice } from './device';
import { LogEntry, levelNumber, logEntry, severityName, writeToConsole } from './log';
import type { OptimizationProfile } from '../shapes/profiles';
import { requireTensorRT } from './tensorrt';

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
  /** Wall time of the native build (parse + build), ms. */
  buildMs: number;
  /** The timing cache file written, or null. */
  timingCacheFile: string | null;
  /** TensorRT's warnings and errors logged by this build, then trt-node's notes (e.g. a timing cache replaced). */
  warnings: LogEntry[];
  /** The model's summary (from lib/onnx), for callers that want to report on inputs. */
  model: ModelSummary;
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

/**
 * Builds a TensorRT engine from an ONNX model.
 * @param model a path to an .onnx file (external data is found next to it) or the model's bytes
 */
export async function buildEngine(model: string | Uint8Array, options?: BuildEngineOptions): Promise<BuildEngineResult> {
  const callSite = new Error();
  if (typeof model !== 'string' && !(model instanceof Uint8Array)) {
    throw new InvalidTypeError('model', 'a path to an .onnx file or its bytes (Uint8Array)', model);
  }
  const opts = validateBuildOptions(options);
  const what = typeof model === 'string' ? `buildEngine(${model})` : 'buildEngine(<bytes>)';
  if (opts.signal?.aborted) throw new AbortError(what);

  const summary = await readModel(model, opts.baseDir ? { baseDir: opts.baseDir } : {});
  const profiles = resolveProfiles(opts.rawProfiles, opts.sampleShapes, summary);

  const { addon, version } = requireTensorRT();
  requireDevice(opts.device, 'options.device', addon);
  const stronglyTyped = checkForTensorRTVersion(opts, version);
  const timingCache = opts.timingCache ? await readTimingCache(opts.timingCache) : null;
  if (opts.signal?.aborted) throw new AbortError(what);

  const native: NativeBuildOptions = {
    profiles: profiles.map((p) => Object.entries(p).map(([name, r]) => ({ name, min: [...r.min], opt: [...r.opt], max: [...r.max] }))),
    useTimingCache: Boolean(opts.timingCache),
    timingCache,
    fp16: opts.fp16,
    bf16: opts.bf16,
    int8: opts.int8,
    tf32: opts.tf32,
    stronglyTyped,
    versionCompatible: opts.versionCompatible,
    device: opts.device,
    logLevel: Math.max(opts.onLog ? levelNumber(opts.logLevel) : -1, levelNumber(opts.consoleLogLevel)),
  };
  if (typeof model === 'string') {
    native.modelPath = path.resolve(model);
  } else {
    native.modelBytes = model;
    // TensorRT resolves external data against the folder of this (never opened) path.
    if (opts.baseDir) native.modelPath = path.join(path.resolve(opts.baseDir), 'model.onnx');
  }
  if (opts.workspaceBytes !== undefined) native.workspaceBytes = opts.workspaceBytes;
  if (opts.optimizationLevel !== undefined) native.optimizationLevel = opts.optimizationLevel;

  const callbackLevel = opts.onLog ? levelNumber(opts.logLevel) : -1;
  const consoleLevel = levelNumber(opts.consoleLogLevel);
  // User callbacks run from the addon's ThreadSafeFunction: they must not throw into native code.
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
  let result;
  try {
    result = await job.promise;
  } catch (err) {
    if (opts.signal?.aborted) throw new AbortError(what);
    throw fromNativeError(err, typeof model === 'string' ? model : 'the model bytes', callSite);
  } finally {
    untrack();
    opts.signal?.removeEventListener('abort', abort);
  }

  const warnings = result.warnings.map(logEntry);
  let timingCacheFile: string | null = null;
  if (opts.timingCache && result.timingCache) {
    try {
      const saved = await addon.saveTimingCache(path.resolve(opts.timingCache), result.timingCache, { device: opts.device });
      for (const message of saved.warnings) warnings.push({ severity: 'warning', message: `trt-node: ${message}` });
    } catch (err) {
      throw new FileError(opts.timingCache, `the timing cache could not be written: ${(err as Error).message}`, { cause: err });
    }
    timingCacheFile = opts.timingCache;
  }
  return {
    plan: result.plan,
    profiles,
    tensorrtVersion: version.text,
    stronglyTyped,
    buildMs: result.buildMs,
    timingCacheFile,
    warnings,
    model: summary,
  };
}
