/**
 * onnxruntime-node behind one small class: one InferenceSession per model and settings, created once and reused for
 * every run (session creation costs far more than a run). Used by `check`, the cross-check and the benchmark.
 */
import * as ort from 'onnxruntime-node';
import { InvalidValueError, TrtNodeError } from '../errors';
import type { NamedTensors, TensorLike, TensorType } from '../tensor/types';

export type GraphOptimizationLevel = 'disabled' | 'basic' | 'extended' | 'all';

export interface OrtRunnerOptions {
  /** Execution provider. Defaults to 'cpu'; others only where this onnxruntime-node build has them. */
  executionProvider?: string;
  /** Graph optimization level. Defaults to 'all' (onnxruntime's own default). */
  graphOptimization?: GraphOptimizationLevel;
  /** Threads inside one operator. Defaults to onnxruntime's choice (0: one per physical core). */
  intraOpNumThreads?: number;
  /** Threads across operators. Defaults to onnxruntime's choice (0). */
  interOpNumThreads?: number;
}

/** The settings a runner was made with, as reported by benchmarks and reports. */
export interface OrtRunnerSettings {
  executionProvider: string;
  graphOptimization: GraphOptimizationLevel;
  intraOpNumThreads: number;
  interOpNumThreads: number;
  version: string;
}

const LEVELS: readonly GraphOptimizationLevel[] = ['disabled', 'basic', 'extended', 'all'];

/** The execution providers this onnxruntime-node can use now (bundled ones, plus installed non-bundled ones). */
export function availableExecutionProviders(): string[] {
  return ort.listSupportedBackends().map((b) => b.name);
}

function validate(options: OrtRunnerOptions): Required<Omit<OrtRunnerOptions, 'executionProvider'>> & { executionProvider: string } {
  const ep = options.executionProvider ?? 'cpu';
  const available = availableExecutionProviders();
  if (!available.includes(ep)) {
    throw new InvalidValueError('executionProvider', `one of ${available.join(', ')}`, ep);
  }
  const graphOptimization = options.graphOptimization ?? 'all';
  if (!LEVELS.includes(graphOptimization)) {
    throw new InvalidValueError('graphOptimization', `one of ${LEVELS.join(', ')}`, graphOptimization);
  }
  for (const key of ['intraOpNumThreads', 'interOpNumThreads'] as const) {
    const v = options[key];
    if (v !== undefined && (!Number.isSafeInteger(v) || v < 0)) throw new InvalidValueError(key, 'an integer ≥ 0', v);
  }
  return {
    executionProvider: ep,
    graphOptimization,
    intraOpNumThreads: options.intraOpNumThreads ?? 0,
    interOpNumThreads: options.interOpNumThreads ?? 0,
  };
}

function toOrt(t: TensorLike): ort.Tensor {
  return t instanceof ort.Tensor ? t : new ort.Tensor(t.type, t.data as Float32Array, t.dims as number[]);
}

/** The raw onnxruntime message of an error (its cause's too, where it wraps one). */
export function ortMessage(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as Error & { cause?: unknown }).cause;
    return cause instanceof Error && cause.message && !err.message.includes(cause.message)
      ? `${err.message}\n${cause.message}`
      : err.message;
  }
  return String(err);
}

export class OrtRunner {
  private constructor(
    readonly model: string,
    readonly settings: OrtRunnerSettings,
    private session: ort.InferenceSession | null,
  ) {}

  /**
   * Loads the model. Errors from onnxruntime (unknown ops, malformed model) become TrtNodeError
   * 'ERR_TRT_NODE_ORT' with onnxruntime's text in `details.ortMessage`.
   */
  static async create(model: string, options: OrtRunnerOptions = {}): Promise<OrtRunner> {
    const o = validate(options);
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(model, {
        executionProviders: [o.executionProvider],
        graphOptimizationLevel: o.graphOptimization,
        intraOpNumThreads: o.intraOpNumThreads,
        interOpNumThreads: o.interOpNumThreads,
        // Severity 4 (fatal only): at 3 onnxruntime prints every kernel error to stderr, which would break
        // `--json` output and repeat what trt-node reports as findings.
        logSeverityLevel: 4,
      });
    } catch (err) {
      throw new TrtNodeError('ERR_TRT_NODE_ORT', `${model}: onnxruntime-node cannot load the model: ${ortMessage(err)}`, {
        file: model,
        ortMessage: ortMessage(err),
      });
    }
    const version = (ort.env as { versions?: { node?: string } }).versions?.node ?? '';
    return new OrtRunner(model, { ...o, version }, session);
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

  /** Runs once; outputs come back as {type, dims, data} (onnxruntime Tensors satisfy TensorLike). */
  async run(feeds: NamedTensors): Promise<NamedTensors> {
    const session = this.live();
    const ortFeeds: Record<string, ort.Tensor> = {};
    for (const [name, t] of Object.entries(feeds)) ortFeeds[name] = toOrt(t);
    let out: ort.InferenceSession.OnnxValueMapType;
    try {
      out = await session.run(ortFeeds);
    } catch (err) {
      throw new TrtNodeError('ERR_TRT_NODE_ORT', `${this.model}: onnxruntime-node run failed: ${ortMessage(err)}`, {
        file: this.model,
        ortMessage: ortMessage(err),
      });
    }
    const result: NamedTensors = {};
    for (const [name, t] of Object.entries(out)) {
      const tensor = t as ort.Tensor;
      result[name] = { type: tensor.type as TensorType, dims: [...tensor.dims], data: tensor.data as TensorLike['data'] };
    }
    return result;
  }

  async dispose(): Promise<void> {
    const s = this.session;
    this.session = null;
    if (s) await s.release();
  }

  private live(): ort.InferenceSession {
    if (!this.session) throw new TrtNodeError('ERR_TRT_NODE_DISPOSED', `${this.model}: the onnxruntime session was disposed`);
    return this.session;
  }
}
