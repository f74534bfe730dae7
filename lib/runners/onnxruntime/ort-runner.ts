/**
 * onnxruntime-node behind one small class: one InferenceSession per model and settings, created once and reused for
 * every run (session creation costs far more than a run). Used by `check`, the cross-check and the benchmark.
 * onnxruntime's errors come out as TrtNodeError 'ERR_TRT_NODE_ORT' with the raw text in `details.ortMessage` and
 * its classification (lib/diagnostics/ort-errors.ts) in `details.ortError`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { AbortError, DisposedError, InvalidTypeError, InvalidValueError, TrtNodeError, UnsupportedOptionError } from '../../errors';
import type { NamedTensors } from '../../tensor/types';
import { FeedsInput, toFeeds } from '../../data/feeds';
import { OrtErrorInfo, classifyOrtError, ortErrorText } from '../../diagnostics/ort-errors';
import type { ModelBytes } from '../../onnx/reader';
import { knownKeys } from '../../validate';
import { ORT_RUNNER_OPTIONS } from '../option-names';
import { loadOrt, mainThreadSession, workerSession, type SessionBackend, type SessionRun, type SessionThread } from './session';
import { ortSource } from './source';

export type { SessionThread } from './session';


export type GraphOptimizationLevel = 'disabled' | 'basic' | 'extended' | 'all';

export interface OrtRunnerOptions {
  /**
   * Execution provider: 'cpu' (default), or another this onnxruntime-node has (`executionProviders()`): 'cuda' and
   * 'tensorrt' need onnxruntime-node's CUDA binaries (installed with `--onnxruntime-node-install=cuda12`).
   */
  executionProvider?: string;
  /** Graph optimization level. Default 'all' (onnxruntime's own default). */
  graphOptimization?: GraphOptimizationLevel;
  /** Threads inside one operator. Default 0: onnxruntime's choice (one per physical core). */
  intraOpNumThreads?: number;
  /** Threads across operators. Default 0: onnxruntime's choice. */
  interOpNumThreads?: number;
  /**
   * Where the session runs: 'worker' (default), a worker thread of its own, so runs never block the caller's event
   * loop; 'main', the calling thread, exactly as onnxruntime-node is used directly (its run blocks that thread).
   */
  thread?: SessionThread;
  /**
   * The folder the model's external data (model.onnx.data) is in, when it is not the model's own. The session is
   * then made from the model's bytes with onnxruntime's `session.model_external_initializers_file_folder_path`.
   * Default: the model's folder (a model given as bytes: the current one).
   */
  externalDataDir?: string;
}

/** The settings a runner was made with, as reported by benchmarks and reports. */
export interface OrtRunnerSettings {
  executionProvider: string;
  graphOptimization: GraphOptimizationLevel;
  intraOpNumThreads: number;
  interOpNumThreads: number;
  thread: SessionThread;
  version: string;
}

/** A model input or output as the session sees it: type and dims (symbolic dims as their names). */
export interface OrtValueInfo {
  name: string;
  /** e.g. 'float32'; null for non-tensor values (sequences, maps). */
  type: string | null;
  dims: (number | string)[];
}

const LEVELS: readonly GraphOptimizationLevel[] = ['disabled', 'basic', 'extended', 'all'];

export interface ExecutionProviderInfo {
  name: string;
  /** Shipped inside the onnxruntime-node package. */
  bundled: boolean;
  /**
   * Its libraries are present (bundled, or installed by onnxruntime-node's install script); null where that
   * cannot be told. Present libraries can still fail to start (no GPU, wrong CUDA): `OrtRunner.create` says so.
   */
  installed: boolean | null;
}

/** The folder onnxruntime-node loads its native libraries from (bin/napi-v6/<platform>/<arch>). */
function bindingFolder(): string | undefined {
  try {
    const root = path.dirname(require.resolve('onnxruntime-node/package.json'));
    const dir = path.join(root, 'bin', 'napi-v6', process.platform, process.arch);
    return fs.existsSync(dir) ? dir : undefined;
  } catch {
    return undefined;
  }
}

function providerLibraryPresent(dir: string, name: string): boolean {
  const file = process.platform === 'win32' ? `onnxruntime_providers_${name}.dll` : process.platform === 'darwin' ? `libonnxruntime_providers_${name}.dylib` : `libonnxruntime_providers_${name}.so`;
  return fs.existsSync(path.join(dir, file));
}

/** Every execution provider onnxruntime-node lists, with whether it can be used here. */
export function executionProviders(): ExecutionProviderInfo[] {
  const dir = bindingFolder();
  return loadOrt().listSupportedBackends().map((b) => ({
    name: b.name,
    bundled: b.bundled,
    installed: b.bundled ? true : dir ? providerLibraryPresent(dir, b.name) && providerLibraryPresent(dir, 'shared') : null,
  }));
}


function providerError(ep: string, reason: string, extra: Record<string, unknown> = {}): UnsupportedOptionError {
  const all = executionProviders();
  const usable = all.filter((p) => p.installed !== false).map((p) => p.name);
  const missing = all.filter((p) => p.installed === false).map((p) => p.name);
  return new UnsupportedOptionError(
    'executionProvider',
    `onnxruntime-node cannot use execution provider '${ep}': ${reason}. Available here: ${usable.join(', ') || 'none'}` +
      (missing.length ? ` (listed but not installed: ${missing.join(', ')}; onnxruntime-node installs them with --onnxruntime-node-install=cuda12 on Linux x64)` : ''),
    { provider: ep, available: usable, notInstalled: missing, ...extra },
  );
}

function validate(options: OrtRunnerOptions): Omit<OrtRunnerSettings, 'version'> & { externalDataDir?: string } {
  if (options === null || typeof options !== 'object') throw new InvalidTypeError('options', 'an object', options);
  knownKeys(options as Record<string, unknown>, 'options', ORT_RUNNER_OPTIONS);
  const ep = options.executionProvider ?? 'cpu';
  if (typeof ep !== 'string') throw new InvalidTypeError('executionProvider', 'a string', ep);
  const listed = executionProviders().find((p) => p.name === ep);
  if (!listed) throw providerError(ep, 'this onnxruntime-node does not know it');
  if (listed.installed === false) throw providerError(ep, 'its libraries are not installed');
  const graphOptimization = options.graphOptimization ?? 'all';
  if (!LEVELS.includes(graphOptimization)) {
    throw new InvalidValueError('graphOptimization', `one of ${LEVELS.join(', ')}`, graphOptimization);
  }
  for (const key of ['intraOpNumThreads', 'interOpNumThreads'] as const) {
    const v = options[key];
    if (v !== undefined && (!Number.isSafeInteger(v) || v < 0)) throw new InvalidValueError(key, 'an integer ≥ 0', v);
  }
  const thread = options.thread ?? 'worker';
  if (thread !== 'worker' && thread !== 'main') throw new InvalidValueError('thread', "'worker' or 'main'", thread);
  if (options.externalDataDir !== undefined && (typeof options.externalDataDir !== 'string' || options.externalDataDir === '')) {
    throw new InvalidTypeError('externalDataDir', 'the path of a folder', options.externalDataDir);
  }
  return {
    executionProvider: ep,
    graphOptimization,
    intraOpNumThreads: options.intraOpNumThreads ?? 0,
    interOpNumThreads: options.interOpNumThreads ?? 0,
    thread,
    ...(options.externalDataDir !== undefined ? { externalDataDir: path.resolve(options.externalDataDir) } : {}),
  };
}

/** The raw onnxruntime message of an error (its cause's too, where it wraps one). */
export const ortMessage = ortErrorText;

/** A TrtNodeError 'ERR_TRT_NODE_ORT' for a raw onnxruntime error: raw text and classification in details. */
export function ortError(model: string, what: string, err: unknown): TrtNodeError {
  const raw = ortErrorText(err);
  const { raw: _raw, ...info } = classifyOrtError(raw);
  return new TrtNodeError('ERR_TRT_NODE_ORT', `${model}: ${what}: ${info.message}`, { file: model, ortMessage: raw, ortError: info, kind: info.kind }, { cause: err });
}

/** The classification carried by an error from OrtRunner (or computed from any onnxruntime error). */
export function ortErrorInfo(err: unknown): OrtErrorInfo {
  const d = (err as { details?: { ortError?: Omit<OrtErrorInfo, 'raw'>; ortMessage?: string } } | null)?.details;
  if (d?.ortError && typeof d.ortMessage === 'string') return { ...d.ortError, raw: d.ortMessage } as OrtErrorInfo;
  return classifyOrtError(err);
}

export class OrtRunner {
  private constructor(
    /** The model file, or '<N-byte model>' for one created from bytes. */
    readonly model: string,
    readonly settings: OrtRunnerSettings,
    private session: SessionBackend | null,
    private readonly inputTypes: Readonly<Record<string, string>>,
  ) {}

  /**
   * Loads the model once for all later runs. An unknown or not installed execution provider is an
   * UnsupportedOptionError listing the available ones; onnxruntime's load errors (unknown ops, malformed model)
   * are TrtNodeError 'ERR_TRT_NODE_ORT' with onnxruntime's text in `details.ortMessage` and its classification in
   * `details.ortError`.
   */
  static async create(model: string | Uint8Array | ModelBytes, options: OrtRunnerOptions = {}): Promise<OrtRunner> {
    const { externalDataDir, ...o } = validate(options);
    // The bytes a summary was read from (readModel keepBytes) run as they are: exactly what was diagnosed (./source.ts).
    const source = await ortSource(model, externalDataDir);
    const label = source.label;
    let session: SessionBackend;
    try {
      const sessionOptions = {
        executionProviders: [o.executionProvider],
        graphOptimizationLevel: o.graphOptimization,
        intraOpNumThreads: o.intraOpNumThreads,
        interOpNumThreads: o.interOpNumThreads,
        // Severity 4 (fatal only): at 3 onnxruntime prints every kernel error to stderr, which would break
        // `--json` output and repeat what trt-node reports as findings.
        logSeverityLevel: 4,
        // onnxruntime finds external data next to a model file; from bytes, in the folder this config names.
        ...source.sessionOptions,
      };
      session = o.thread === 'worker' ? await workerSession(source.model, sessionOptions) : await mainThreadSession(source.model, sessionOptions);
    } catch (err) {
      if (err instanceof TrtNodeError) throw err;
      const info = classifyOrtError(err);
      if (info.kind === 'provider-unavailable') throw providerError(o.executionProvider, info.message, { ortMessage: info.raw });
      throw ortError(label, 'onnxruntime-node cannot load the model', err);
    }
    const inputTypes: Record<string, string> = Object.create(null);
    for (const m of session.inputs) if (m.type !== null) inputTypes[m.name] = m.type;
    return new OrtRunner(label, { ...o, version: session.version }, session, inputTypes);
  }

  /** e.g. "onnxruntime-node 1.30.0 (cpu, graph optimization all)". */
  get description(): string {
    const s = this.settings;
    return `onnxruntime-node ${s.version} (${s.executionProvider}, graph optimization ${s.graphOptimization})`.replace('  ', ' ');
  }

  get inputNames(): readonly string[] {
    return this.live().inputNames;
  }

  get outputNames(): readonly string[] {
    return this.live().outputNames;
  }

  /** The model's inputs as the session sees them (initializer-backed inputs included only where ORT lists them). */
  get inputs(): OrtValueInfo[] {
    return this.live().inputs.map((m) => ({ ...m, dims: [...m.dims] }));
  }

  get outputs(): OrtValueInfo[] {
    return this.live().outputs.map((m) => ({ ...m, dims: [...m.dims] }));
  }

  /**
   * Runs once. Feeds: TensorLike / onnxruntime Tensors, or typed arrays with dims (`{ data, dims }`, type from the
   * array: see toFeeds). Outputs come back as {type, dims, data}, all of them or those named in `outputNames`.
   * With a `signal`, an abort rejects with AbortError at once. In 'worker' mode the run itself cannot be stopped: it
   * finishes unseen in its thread, and the runner cannot be used again (dispose it; the thread is reused after).
   * On the main thread (which the run occupies) an abort is seen before the run starts.
   * @throws InvalidTypeError / InvalidValueError / ShapeError for malformed feeds (naming the feed);
   *   TrtNodeError 'ERR_TRT_NODE_ORT' when onnxruntime fails (see `ortErrorInfo(err)` for what it means).
   */
  async run(feeds: FeedsInput, outputNames?: readonly string[], options: { signal?: AbortSignal } = {}): Promise<NamedTensors> {
    return (await this.runTimed(feeds, outputNames, options)).outputs;
  }

  /** run(), with the milliseconds spent inside InferenceSession.run on the session's own thread. */
  async runTimed(feeds: FeedsInput, outputNames?: readonly string[], options: { signal?: AbortSignal } = {}): Promise<SessionRun> {
    const session = this.live();
    if ((outputNames ?? session.outputNames).includes('__proto__')) {
      // onnxruntime-node collects outputs by name in plain objects, where '__proto__' sets the prototype: the output
      // is lost inside it ("At least one output should be requested"). Say what happened and what to do.
      throw new TrtNodeError(
        'ERR_TRT_NODE_ORT',
        `${this.model}: onnxruntime-node cannot return an output named '__proto__' (its JavaScript API keys outputs by name in plain objects, where that name is the prototype). Rename the output (output_names in torch.onnx.export)`,
        { file: this.model, output: '__proto__' },
      );
    }
    const tensors = toFeeds(feeds, this.inputTypes);
    try {
      return await session.run(tensors, outputNames, options.signal);
    } catch (err) {
      if (err instanceof TrtNodeError || err instanceof AbortError) throw err;
      throw ortError(this.model, 'onnxruntime-node run failed', err);
    }
  }

  /** Releases the session (and its thread); later calls throw DisposedError. Safe to call twice. */
  async dispose(): Promise<void> {
    const s = this.session;
    this.session = null;
    if (s) await s.release();
  }

  private live(): SessionBackend {
    if (!this.session) throw new DisposedError(`The onnxruntime session of ${this.model}`);
    return this.session;
  }
}
