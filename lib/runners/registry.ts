/**
 * The runner registry: a kind's name → how to make that runner from a spec, as onnxruntime-common's
 * `registerBackend(name, backend, priority)` maps a backend's name to its implementation. The built-in kinds register
 * themselves, each in its own file (./onnxruntime/runner.ts, ./tensorrt/runner.ts, ./reference.ts). Yours is one
 * file and one call:
 *
 *   registerRunner('triton', (spec, { model }) => createTritonRunner(model, spec.options));
 *
 * after which `{ kind: 'triton', options: {...} }` (or the bare kind, for runBench) works in crossCheck(), check()
 * and runBench() like the built-ins. A Runner object passed in directly needs no registration.
 */
import type { LoadedSample } from '../data/samples';
import { InvalidTypeError, InvalidValueError } from '../errors';
import type { ModelBytes } from '../onnx/reader';
import type { OptimizationProfile } from '../shapes/profiles';
import { quoted } from '../util/terminal';
import type { Runner } from './runner';

/**
 * A spec for a kind registered with registerRunner: the kind, optionally a name, and the runner's own options. (The
 * options sit under `options` so that TypeScript still checks the built-in specs' fields strictly: a spec type with
 * an index signature would accept any field for `kind: 'onnxruntime'` too.)
 */
export interface CustomRunnerSpec {
  kind: string;
  /** The runner's name in reports; unique among the runners of one call. Default: the kind. */
  name?: string;
  options?: Readonly<Record<string, unknown>>;
}

/** What a factory is told besides its spec: the call's model, samples, profiles and signal. */
export interface RunnerFactoryContext {
  /** The .onnx file of the call; null when the model was given as a ModelSummary read from bytes. */
  model: string | null;
  /** The call's saved samples (the reference runner answers with their outputs). */
  samples: readonly LoadedSample[];
  /** The optimization profiles of the call (given, or derived): what an engine built on the fly covers. */
  profiles(): OptimizationProfile[];
  /** The call's abort signal: a long load (an engine build) should stop with it. */
  signal?: AbortSignal;
  /** The folder the model's external data is in, when it is not the model's own (a runner loading the file looks there). */
  externalDataDir?: string;
  /**
   * The bytes the model was read from and diagnosed, when they were kept (check() and crossCheck() keep them): a
   * runner that loads the model should load these, so that it runs exactly the model diagnosed, not what the path
   * names a moment later.
   */
  modelBytes?: ModelBytes;
  /** Where the spec was given, for error messages: 'options.runners[1]'. */
  parameter: string;
}

/** Makes a runner from its spec. A usage error (a bad option) should be thrown as InvalidTypeError/InvalidValueError. */
export type RunnerFactory<S extends { kind: string } = CustomRunnerSpec> = (spec: S, context: RunnerFactoryContext) => Runner | Promise<Runner>;

/**
 * Who is the expected side of each comparison: at every probe, each runner that ran is compared with the one of
 * lowest rank that ran. `savedOutputs`: outputs saved with the samples (PyTorch's); `runtime`: a runtime that
 * follows the ONNX spec closely (onnxruntime, and by default yours); `underTest`: what is being checked against the
 * others (TensorRT).
 */
export const EXPECTED_RANK = { savedOutputs: 0, runtime: 1, underTest: 2 } as const;

export interface RunnerRegistrationOptions<S extends { kind: string } = CustomRunnerSpec> {
  /** Its rank as the expected side of comparisons (see EXPECTED_RANK). Default EXPECTED_RANK.runtime. */
  expectedRank?: number;
  /** The runner's name for a spec, known before the runner exists (a runner that failed is reported by it). Default: spec.name, else the kind. */
  name?: (spec: S) => string;
  /**
   * Set when a runner that cannot load the model tells something about the model rather than about the call
   * (onnxruntime and a custom op): the failure is reported in the result, under `description` and in the runtime's
   * own words (`describe`, default the error's message), and the other runners go on. Without it, a failure to
   * create the runner is thrown. Usage errors (InvalidTypeError, InvalidValueError, UnsupportedOptionError) are
   * always thrown.
   */
  reportsLoadFailure?: { description: string; describe?: (err: unknown) => string };
}

/** A registered kind, as createRunners uses it. */
export interface RunnerRegistration {
  readonly kind: string;
  readonly create: RunnerFactory<{ kind: string }>;
  readonly expectedRank: number;
  nameOf(spec: { kind: string; name?: string }): string;
  readonly reportsLoadFailure?: { description: string; describe: (err: unknown) => string };
}

const registry = new Map<string, RunnerRegistration>();

/** 'custom' is the kind of a Runner made by hand, never registered (its rank is the default). */
const RESERVED = 'custom';

function known(): string {
  return [...registry.keys()].sort().map(quoted).join(', ') || 'none';
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0];
}

/**
 * Registers a runner kind. Throws for a kind registered already (each kind has one factory; pick another name)
 * and for malformed arguments.
 */
export function registerRunner<S extends { kind: string } = CustomRunnerSpec>(kind: string, factory: RunnerFactory<S>, options: RunnerRegistrationOptions<S> = {}): void {
  if (typeof kind !== 'string' || kind === '') throw new InvalidTypeError('kind', 'a non-empty string', kind);
  if (kind === RESERVED) throw new InvalidValueError('kind', `a kind other than '${RESERVED}' (the kind of a Runner made by hand)`, kind);
  if (registry.has(kind)) {
    throw new InvalidValueError('kind', `a runner kind not registered yet (registered: ${known()})`, kind, 'Each kind is registered once: give yours another name');
  }
  if (typeof factory !== 'function') throw new InvalidTypeError(`the factory of runner kind ${quoted(kind)}`, 'a function (spec, context) => Runner', factory);
  if (typeof options !== 'object' || options === null) throw new InvalidTypeError('options', 'an object', options);
  const rank = options.expectedRank ?? EXPECTED_RANK.runtime;
  if (!Number.isFinite(rank)) throw new InvalidValueError('options.expectedRank', 'a finite number (see EXPECTED_RANK)', rank);
  if (options.name !== undefined && typeof options.name !== 'function') throw new InvalidTypeError('options.name', 'a function (spec) => string', options.name);
  const failure = options.reportsLoadFailure;
  if (failure !== undefined && (typeof failure !== 'object' || failure === null || typeof failure.description !== 'string')) {
    throw new InvalidTypeError('options.reportsLoadFailure', '{ description, describe? }', failure);
  }
  const nameOf = options.name as ((spec: { kind: string; name?: string }) => string) | undefined;
  registry.set(kind, {
    kind,
    create: factory as unknown as RunnerFactory<{ kind: string }>,
    expectedRank: rank,
    nameOf: (spec) => nameOf?.(spec) ?? spec.name ?? kind,
    ...(failure ? { reportsLoadFailure: { description: failure.description, describe: failure.describe ?? firstLine } } : {}),
  });
}

/**
 * The registration of `kind`, or a usage error naming `parameter` and the kinds registered.
 * @param parameter e.g. 'options.runners[1].kind'.
 */
export function runnerRegistration(kind: unknown, parameter: string): RunnerRegistration {
  const found = typeof kind === 'string' ? registry.get(kind) : undefined;
  if (found) return found;
  if (typeof kind !== 'string') throw new InvalidTypeError(parameter, `a runner kind (${known()})`, kind);
  throw new InvalidValueError(parameter, `a registered runner kind (${known()})`, kind, 'Register your own with registerRunner(kind, factory)');
}

/** The kinds registered, sorted. */
export function runnerKinds(): string[] {
  return [...registry.keys()].sort();
}

/** A kind's rank as the expected side (EXPECTED_RANK): its registration's, else the default (a Runner made by hand). */
export function expectedRank(kind: string): number {
  return registry.get(kind)?.expectedRank ?? EXPECTED_RANK.runtime;
}

/** The runners in the order they are expected: lowest rank first, and in the given order within a rank. */
export function inExpectedOrder<T>(runners: readonly T[], kindOf: (runner: T) => string): T[] {
  return runners
    .map((runner, i) => ({ runner, i, rank: expectedRank(kindOf(runner)) }))
    .sort((a, b) => a.rank - b.rank || a.i - b.i)
    .map((x) => x.runner);
}
