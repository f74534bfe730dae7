/**
 * The options check() and crossCheck() share, validated once for both before anything runs: the model argument,
 * the seed, the value range of generated inputs, tolerances (values, and output names that exist), error maps and
 * the abort signal.
 */
import { validateToleranceOverrides, type ToleranceOverrides } from '../compare';
import { InvalidTypeError, InvalidValueError } from '../errors';
import { readModel } from '../onnx/reader';
import type { ModelSummary } from '../onnx/types';

export interface CommonRunOptions {
  /** Seed of generated inputs; probe i uses seed + i. Default 0. */
  seed?: number;
  /** Range of generated inputs [low, high) (integers: whole numbers in it). Default [0, 1]. */
  valueRange?: readonly [number, number];
  /** Ranges for some inputs by name, overriding valueRange (e.g. token ids: {input_ids: [0, 30522]}). Default none. */
  valueRanges?: Record<string, readonly [number, number]>;
  /** atol/rtol for every output and per output (names must be the model's outputs). Default: per dtype. */
  tolerance?: ToleranceOverrides;
  /**
   * Outputs compared without regard to their row order (axis 0): detections after NonMaxSuppression or TopK.
   * Their rows are matched in any order first. Default none (a failure that is the same rows reordered says so).
   */
  unordered?: string[];
  /** Keep the error map of image-like outputs at their worst probe (for the HTML report). Default false. */
  errorMaps?: boolean | { maxSide?: number };
  /** Stops the run: between probes, and mid-run for onnxruntime. The promise rejects with AbortError (see `partial`). */
  signal?: AbortSignal;
}

/** A path, or a ModelSummary from readModel; anything else is a usage error (not a TypeError from deep inside). */
export async function loadModelArgument(model: unknown): Promise<ModelSummary> {
  if (typeof model === 'string') {
    if (model === '') throw new InvalidValueError('model', 'the path of an .onnx file', model);
    return readModel(model);
  }
  const m = model as Partial<ModelSummary> | null;
  if (m !== null && typeof m === 'object' && Array.isArray(m.inputs) && Array.isArray(m.outputs) && Array.isArray(m.nodes)) return m as ModelSummary;
  throw new InvalidTypeError('model', 'the path of an .onnx file, or a ModelSummary from readModel()', model);
}

/** Tolerance overrides whose per-output names are all outputs of the model (a typo would silently keep the default). */
export function validateToleranceNames(model: ModelSummary, t: ToleranceOverrides | undefined, parameter: string): void {
  const outputs = model.outputs.map((o) => o.name);
  for (const name of Object.keys(t?.perOutput ?? {})) {
    if (!outputs.includes(name)) {
      throw new InvalidValueError(parameter, `names of the model's outputs (${outputs.join(', ')})`, name, `No output is called '${name}'`);
    }
  }
}

export function commonRunOptions(model: ModelSummary, o: CommonRunOptions, prefix: string): Required<Pick<CommonRunOptions, 'seed'>> & Omit<CommonRunOptions, 'seed'> {
  const seed = o.seed ?? 0;
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed) || seed < 0) throw new InvalidValueError(`${prefix}.seed`, 'a non-negative safe integer', seed);
  const checkRange = (r: unknown, parameter: string) => {
    if (!Array.isArray(r) || r.length !== 2 || !r.every((x) => typeof x === 'number' && Number.isFinite(x)) || r[0] > r[1]) {
      throw new InvalidValueError(parameter, '[low, high] with finite low ≤ high', r);
    }
  };
  if (o.valueRange !== undefined) checkRange(o.valueRange, `${prefix}.valueRange`);
  if (o.valueRanges !== undefined) {
    if (typeof o.valueRanges !== 'object' || o.valueRanges === null) throw new InvalidTypeError(`${prefix}.valueRanges`, 'an object {input: [low, high]}', o.valueRanges);
    const inputs = model.inputs.map((i) => i.name);
    for (const [name, r] of Object.entries(o.valueRanges)) {
      if (!inputs.includes(name)) throw new InvalidValueError(`${prefix}.valueRanges`, `names of the model's inputs (${inputs.join(', ')})`, name);
      checkRange(r, `${prefix}.valueRanges['${name}']`);
    }
  }
  if (o.tolerance !== undefined && (typeof o.tolerance !== 'object' || o.tolerance === null)) throw new InvalidTypeError(`${prefix}.tolerance`, 'an object {atol?, rtol?, perOutput?}', o.tolerance);
  validateToleranceOverrides(o.tolerance, `${prefix}.tolerance`);
  validateToleranceNames(model, o.tolerance, `${prefix}.tolerance.perOutput`);
  if (o.unordered !== undefined) {
    if (!Array.isArray(o.unordered) || !o.unordered.every((x) => typeof x === 'string')) throw new InvalidTypeError(`${prefix}.unordered`, 'an array of output names', o.unordered);
    const outputs = model.outputs.map((x) => x.name);
    for (const name of o.unordered) if (!outputs.includes(name)) throw new InvalidValueError(`${prefix}.unordered`, `names of the model's outputs (${outputs.join(', ')})`, name);
  }
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal)) throw new InvalidTypeError(`${prefix}.signal`, 'an AbortSignal', o.signal);
  const e = o.errorMaps;
  if (e !== undefined && typeof e !== 'boolean' && (typeof e !== 'object' || e === null)) throw new InvalidTypeError(`${prefix}.errorMaps`, 'a boolean or {maxSide}', e);
  return {
    seed,
    ...(o.valueRange ? { valueRange: o.valueRange } : {}),
    ...(o.valueRanges ? { valueRanges: o.valueRanges } : {}),
    ...(o.tolerance ? { tolerance: o.tolerance } : {}),
    ...(o.unordered?.length ? { unordered: o.unordered } : {}),
    ...(e !== undefined ? { errorMaps: e } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
  };
}
