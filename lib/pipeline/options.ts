/**
 * The options check() and crossCheck() share, validated once for both before anything runs (through lib/validate,
 * the layer every public function and the CLI use): the model argument, the seed, the value ranges of generated
 * inputs, tolerances (values, and output names that exist), order-insensitive outputs, the memory budget, error maps,
 * the abort signal, the probe-size cap and the progress callbacks.
 */
import { validateToleranceOutputs, validateTolerances, type ToleranceOverrides } from '../compare/tolerances';
import { resolveLayers, type LayerSelection, type ResolvedLayers } from '../diagnostics/layers/selection';
import { InvalidTypeError, InvalidValueError } from '../errors';
import { isModelSummary, readModel } from '../onnx/reader';
import type { ModelSummary } from '../onnx/types';
import { DEFAULT_MAX_TENSOR_BYTES, maxTensorBytes } from '../io/budget';
import { quoted } from '../util/terminal';
import * as v from '../validate';

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
  /**
   * Bytes of tensor data one run may hold (its inputs and the outputs the model declares), checked before anything
   * is read or generated: larger requested shapes are a MemoryBudgetError, larger sweep probes are skipped. Also
   * bounds the .npz files read. Default: 1 GiB or a quarter of the RAM, whichever is less.
   */
  maxTensorBytes?: number;
  /** Keep the error map of image-like outputs at their worst probe (for the HTML report). Default false. */
  errorMaps?: boolean | { maxSide?: number };
  /** Stops the run: between probes, and mid-run for onnxruntime. The promise rejects with AbortError (see `partial`). */
  signal?: AbortSignal;
  /**
   * The folder the model's external data (model.onnx.data) is in, when it is not the model's own: the reader,
   * onnxruntime and a TensorRT build look there. Default: the model's folder.
   */
  externalDataDir?: string;
  /**
   * A layer-wise comparison: 'all', or tensor names, node names and op types of the model. Every selected
   * intermediate tensor becomes an output of each runner (onnxruntime runs the model with them as graph outputs; a
   * TensorRT engine built from the model is built once more with them marked, as '<name>-marked', its unmarked twin
   * still compared), in the same one run per probe, and is compared with the expected side's with the outputs'
   * tolerances. The report's `layers` names the first diverging node (FIRST_DIVERGENCE) and its PyTorch module. To
   * compare with PyTorch's activations, put them in the samples' reference .npz under their tensor names (a leading
   * '/' may be left out). Default: none.
   */
  layers?: LayerSelection;
}

/**
 * A path (read with its external data in `externalDataDir`, validated here, when given), or a ModelSummary from
 * readModel; anything else is a usage error (not a TypeError from deep inside).
 */
export async function loadModelArgument(model: unknown, externalDataDir?: unknown): Promise<ModelSummary> {
  const baseDir = externalDataDir === undefined ? undefined : v.filePath(externalDataDir, 'options.externalDataDir');
  // The bytes are kept: onnxruntime runs exactly what was read and diagnosed (lib/onnx/reader.ts keepBytes).
  if (typeof model === 'string') return readModel(v.filePath(model, 'model'), { keepBytes: true, ...(baseDir !== undefined ? { baseDir } : {}) });
  if (isModelSummary(model)) return model;
  throw new InvalidTypeError('model', 'the path of an .onnx file, or a ModelSummary from readModel()', model);
}

function valueRange(value: unknown, parameter: string): readonly [number, number] {
  if (!Array.isArray(value) || value.length !== 2) throw new InvalidTypeError(parameter, '[low, high]', value);
  const lo = v.finiteNumber(value[0], `${parameter}[0]`);
  const hi = v.finiteNumber(value[1], `${parameter}[1]`);
  if (lo > hi) throw new InvalidValueError(parameter, '[low, high] with low ≤ high', value);
  return [lo, hi];
}

export type ResolvedRunOptions = Omit<CommonRunOptions, 'seed' | 'maxTensorBytes' | 'layers'> & { seed: number; maxTensorBytes: number; layers?: ResolvedLayers };

export function commonRunOptions(model: ModelSummary, options: CommonRunOptions, prefix: string): ResolvedRunOptions {
  const o = v.options<CommonRunOptions>(options, prefix);
  const outputs = model.outputs.map((x) => x.name);
  const inputs = model.inputs.map((x) => x.name);
  const seed = o.seed === undefined ? 0 : v.safeInteger(o.seed, `${prefix}.seed`, { min: 0 });
  const out: ResolvedRunOptions = { seed, maxTensorBytes: o.maxTensorBytes === undefined ? DEFAULT_MAX_TENSOR_BYTES : maxTensorBytes(o.maxTensorBytes, `${prefix}.maxTensorBytes`) };
  if (o.valueRange !== undefined) out.valueRange = valueRange(o.valueRange, `${prefix}.valueRange`);
  if (o.valueRanges !== undefined) {
    out.valueRanges = v.record(o.valueRanges, `${prefix}.valueRanges`, valueRange, 'an object of [low, high] by input name');
    for (const name of Object.keys(out.valueRanges)) {
      if (!inputs.includes(name)) throw new InvalidValueError(`${prefix}.valueRanges`, `an input of the model (${inputs.map(quoted).join(', ')})`, name);
    }
  }
  if (o.tolerance !== undefined) {
    out.tolerance = validateTolerances(o.tolerance, `${prefix}.tolerance`);
    validateToleranceOutputs(out.tolerance, outputs, `${prefix}.tolerance.perOutput`);
  }
  if (o.unordered !== undefined) {
    out.unordered = v.arrayOf(o.unordered, `${prefix}.unordered`, (x, p) => v.oneOf(x, p, outputs));
  }
  if (o.signal !== undefined) out.signal = v.abortSignal(o.signal, `${prefix}.signal`);
  if (o.layers !== undefined) out.layers = resolveLayers(model, o.layers, `${prefix}.layers`);
  if (o.externalDataDir !== undefined) out.externalDataDir = v.filePath(o.externalDataDir, `${prefix}.externalDataDir`);
  // Options both check() and crossCheck() declare, each in its own interface: checked here, once, before any run.
  const more = o as { maxElements?: unknown; onProgress?: unknown; onStart?: unknown };
  if (more.maxElements !== undefined) v.safeInteger(more.maxElements, `${prefix}.maxElements`, { min: 1 });
  if (more.onProgress !== undefined) v.callback(more.onProgress, `${prefix}.onProgress`);
  if (more.onStart !== undefined) v.callback(more.onStart, `${prefix}.onStart`);
  if (o.errorMaps !== undefined) {
    if (typeof o.errorMaps !== 'boolean' && (typeof o.errorMaps !== 'object' || o.errorMaps === null)) throw new InvalidTypeError(`${prefix}.errorMaps`, 'a boolean or {maxSide}', o.errorMaps);
    out.errorMaps = o.errorMaps;
  }
  return out;
}
