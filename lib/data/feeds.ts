/**
 * Model feeds, from wherever they come: tensors the caller has (TensorLike, onnxruntime Tensors, typed arrays with
 * dims), an .npz file of arrays named after the inputs, or generated values (./generate.ts) at shapes from the
 * model's summary with dynamic dims given by a trtexec-style shapes spec.
 */
import { InvalidTypeError, InvalidValueError, ShapeError, TrtNodeError } from '../errors';
import type { InputSummary, ModelSummary } from '../onnx/types';
import { toTensorLike } from '../tensor/convert';
import { readFileBytes } from '../tensor/npy';
import { npzArrayNames, parseNpz } from '../tensor/npz';
import type { NamedTensors, TensorData, TensorLike, TensorType } from '../tensor/types';
import { maxTensorBytes } from '../io/budget';
import { hasOwn, namedRecord, own } from '../util/names';
import { quoted } from '../util/terminal';
import * as v from '../validate';
import { generateFeeds, hasGraph, type GenerateOptions } from './generate';
import { validateInputs } from './inputs';
import { BUILD_FEEDS_OPTIONS, NPZ_FEEDS_OPTIONS } from './option-names';

// ---------------------------------------------------------------------------------------------------------------
// Tensors given by the caller

/** A feed as callers may give it: a TensorLike or onnxruntime Tensor, or a typed array with dims (type inferred). */
export type FeedValue = TensorLike | { readonly data: TensorData; readonly dims: readonly number[]; readonly type?: TensorType };

export type FeedsInput = Readonly<Record<string, FeedValue>>;

/** The tensor type a typed array implies (by toStringTag, so arrays of another realm work too). */
const TYPE_OF_ARRAY: Readonly<Record<string, TensorType>> = {
  Float32Array: 'float32',
  Float64Array: 'float64',
  Uint16Array: 'float16', // raw half bits, as onnxruntime-node carries float16 (uint16 where the model says so)
  BigInt64Array: 'int64',
  BigUint64Array: 'uint64',
  Int32Array: 'int32',
  Uint32Array: 'uint32',
  Int16Array: 'int16',
  Int8Array: 'int8',
  Uint8Array: 'uint8',
};

/**
 * Validates feeds and returns them as NamedTensors (data shared, not copied). A feed without `type` gets the one its
 * array implies (Float32Array → float32, Uint16Array → float16 bits, Uint8Array → uint8), or the one `expectedTypes`
 * names when the array fits it too (Uint8Array → bool, Uint16Array → uint16, an array of strings → string).
 * @throws InvalidTypeError / InvalidValueError / ShapeError naming the feed.
 */
export function toFeeds(feeds: FeedsInput, expectedTypes: Readonly<Record<string, string>> = {}): NamedTensors {
  const out = namedRecord<TensorLike>();
  for (const [name, value] of Object.entries(v.record(feeds, 'feeds', (x) => x, 'an object of tensors by input name'))) {
    const label = `feeds["${name}"]`;
    const f = value as { type?: unknown; data?: unknown } | null;
    const expected = own(expectedTypes, name);
    if (f !== null && typeof f === 'object' && f.type === undefined && ArrayBuffer.isView(f.data)) {
      const tag = (f.data as unknown as Record<symbol, unknown>)[Symbol.toStringTag] as string;
      let type = own(TYPE_OF_ARRAY, tag);
      if (!type) throw new InvalidTypeError(`${label}.data`, `one of ${Object.keys(TYPE_OF_ARRAY).join(', ')}`, f.data);
      if ((type === 'uint8' && expected === 'bool') || (type === 'float16' && expected === 'uint16')) type = expected;
      out[name] = toTensorLike({ ...f, type }, label);
    } else if (f !== null && typeof f === 'object' && f.type === undefined && Array.isArray(f.data) && expected === 'string') {
      out[name] = toTensorLike({ ...f, type: 'string' }, label);
    } else {
      out[name] = toTensorLike(value, label);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Shapes

/** The graph inputs a run must be fed: those without an initializer (an initializer is a default value). */
export function feedableInputs(model: ModelSummary | readonly InputSummary[]): InputSummary[] {
  const inputs = Array.isArray(model) ? validateInputs(model) : validateInputs(v.object(model, 'model', 'a model summary or its inputs').inputs, 'model.inputs');
  return inputs.filter((i) => !i.isInitializer);
}

/**
 * The shape to feed each input: the spec's shape where it names the input (it wins, even against a fixed dim, so
 * onnxruntime reports the conflict and `check` can diagnose it), else the model's dims when all are fixed.
 * @param spec e.g. parseShapeList('input:1x1x256x256').
 * @param option named in errors, e.g. '--shapes'.
 * @throws InvalidValueError for a spec naming no model input; ShapeError for an input with dynamic or unknown dims
 *   that the spec leaves out (the message gives the --shapes entry to add).
 */
export function resolveInputShapes(
  inputs: readonly InputSummary[],
  spec: Readonly<Record<string, readonly number[]>> = {},
  option = '--shapes',
): Record<string, number[]> {
  v.string(option, 'option');
  validateInputs(inputs);
  v.shapes(spec, option);
  const known = new Set(inputs.map((i) => i.name));
  for (const name of Object.keys(spec)) {
    if (!known.has(name)) {
      throw new InvalidValueError(option, `an input of the model (${[...known].map(quoted).join(', ') || 'none'})`, name);
    }
  }
  const out = namedRecord<number[]>();
  for (const input of inputs) {
    const given = own(spec, input.name);
    if (given) {
      out[input.name] = [...given];
      continue;
    }
    if (input.dims === null) {
      throw new ShapeError(`Input '${input.name}' has no recorded shape: give it with ${option} ${input.name}:<dims>, e.g. ${input.name}:1x3x224x224`, {
        input: input.name,
      });
    }
    const open = input.dims.map((d, axis) => ({ d, axis })).filter(({ d }) => d.kind !== 'fixed');
    if (open.length) {
      const names = open.map(({ d, axis }) => (d.kind === 'symbolic' ? `${d.name} (axis ${axis})` : `axis ${axis}`)).join(', ');
      const example = input.dims.map((d) => (d.kind === 'fixed' ? d.value : 1)).join('x');
      throw new ShapeError(`Input '${input.name}' has dynamic dims ${names}: give its shape with ${option} ${input.name}:${example} (with your sizes)`, {
        input: input.name,
        axes: open.map(({ axis }) => axis),
      });
    }
    out[input.name] = input.dims.map((d) => (d as { value: number }).value);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// .npz files and everything together

export interface NpzFeedsOptions {
  /** The memory budget for the read (the file and the arrays). Default DEFAULT_MAX_TENSOR_BYTES. */
  maxTensorBytes?: number;
  /**
   * Called for each array, with the name of the model input it feeds and its dtype and dims from its header, before
   * any array is inflated: throw to refuse it (e.g. a rank that cannot fit the input) without paying for the data.
   */
  beforeRead?: (input: string, info: { type: TensorType; dims: readonly number[] }) => void;
}

/**
 * Reads feeds from an .npz file (numpy.savez(file, input=x)). Positional archives (numpy.savez(file, x), keys
 * arr_0, arr_1, ...) are mapped to the model's feedable inputs in order. With `inputs`, arrays must name model
 * inputs and carry their element type: both are checked from the archive's directory and the arrays' headers before
 * anything is inflated.
 * @throws FileError / NpyFormatError / MemoryBudgetError (from the reader); TrtNodeError 'ERR_TRT_NODE_INVALID_VALUE'
 *   naming the file and array.
 */
export async function feedsFromNpz(file: string, inputs?: readonly InputSummary[], options: NpzFeedsOptions = {}): Promise<NamedTensors> {
  v.filePath(file, 'file');
  const list = inputs === undefined ? undefined : validateInputs(inputs);
  const o = v.options<NpzFeedsOptions>(options, 'options', NPZ_FEEDS_OPTIONS);
  const budget = maxTensorBytes(o.maxTensorBytes, 'maxTensorBytes');
  if (o.beforeRead !== undefined && typeof o.beforeRead !== 'function') throw new InvalidTypeError('beforeRead', 'a function', o.beforeRead);
  const bytes = await readFileBytes(file, budget);
  if (!list) return parseNpz(bytes, file, { maxTensorBytes: budget, ...(o.beforeRead ? { beforeRead: o.beforeRead } : {}) });
  const keys = npzArrayNames(bytes, file);
  const byName = new Map(list.map((i) => [i.name, i]));
  const feedable = feedableInputs(list);
  const positional = keys.length > 0 && keys.every((k, i) => k === `arr_${i}`) && !keys.some((k) => byName.has(k));
  const target = new Map<string, InputSummary>();
  keys.forEach((key, i) => {
    const input = positional ? feedable[i] : byName.get(key);
    if (!input) {
      const names = (positional ? feedable : list).map((x) => quoted(x.name)).join(', ');
      throw new TrtNodeError(
        'ERR_TRT_NODE_INVALID_VALUE',
        positional
          ? `${file}: array ${quoted(key)} has no input to feed: the file holds ${keys.length} positional arrays but the model has ${feedable.length} inputs to feed (${names})`
          : `${file}: array ${quoted(key)} is not an input of the model (its inputs: ${names}). Save arrays by input name: numpy.savez(file, ${list[0]?.name ?? 'input'}=array)`,
        { file, array: key },
      );
    }
    target.set(key, input);
  });
  const arrays = parseNpz(bytes, file, {
    maxTensorBytes: budget,
    beforeRead: (key, info) => {
      const input = target.get(key)!;
      if (input.elemType !== info.type) {
        throw new TrtNodeError(
          'ERR_TRT_NODE_INVALID_VALUE',
          `${file}: array ${quoted(key)} is ${info.type} but the model's input ${quoted(input.name)} takes ${input.elemType}. ` +
            `Convert it before saving: array.astype(numpy.${input.elemType === 'bool' ? 'bool_' : input.elemType === 'string' ? 'str_' : input.elemType})`,
          { file, array: key, dtype: info.type, expected: input.elemType },
        );
      }
      o.beforeRead?.(input.name, info);
    },
  });
  const out = namedRecord<TensorLike>();
  for (const key of keys) out[target.get(key)!.name] = own(arrays, key)!;
  return out;
}

export interface BuildFeedsOptions extends GenerateOptions {
  /** Tensors the caller has, by input name; they win over the other sources. */
  tensors?: FeedsInput;
  /** An .npz file of arrays named after the inputs (see feedsFromNpz). */
  npz?: string;
  /** Shapes of the inputs to generate (parseShapeList of trtexec's --shapes); needed for dynamic dims. */
  shapes?: Readonly<Record<string, readonly number[]>>;
  /** The inputs to feed. Default: every graph input without an initializer (feedableInputs). */
  inputs?: readonly string[];
  /** Generate what the tensors and the .npz do not provide. Default true; false leaves those inputs out. */
  generate?: boolean;
  /** Named in shape errors. Default '--shapes'. */
  shapesOption?: string;
}

export type FeedSource = 'tensor' | 'npz' | 'generated';

/**
 * Feeds for one run of `model`: the caller's tensors, then the .npz file's arrays, then generated values for the
 * inputs still missing (at `shapes`, dynamic dims required there). Also says where each feed came from.
 * `maxTensorBytes` bounds the .npz read and the generated tensors, each.
 */
export async function buildFeeds(model: ModelSummary, options: BuildFeedsOptions = {}): Promise<{ feeds: NamedTensors; sources: Record<string, FeedSource> }> {
  const m = v.object(model, 'model', 'a model summary (from readModel)');
  const inputs = validateInputs(m.inputs, 'model.inputs');
  const o = v.options<BuildFeedsOptions>(options, 'options', BUILD_FEEDS_OPTIONS);
  const shapesOption = o.shapesOption === undefined ? '--shapes' : v.string(o.shapesOption, 'shapesOption');
  const byName = new Map(inputs.map((i) => [i.name, i]));
  const modelInputs = () => `an input of the model (${[...byName.keys()].map(quoted).join(', ')})`;
  const wanted =
    o.inputs !== undefined
      ? v.arrayOf(o.inputs, 'inputs', v.string).map((name) => {
          const input = byName.get(name);
          if (!input) throw new InvalidValueError('inputs', modelInputs(), name);
          return input;
        })
      : feedableInputs(inputs);
  const generate = o.generate === undefined ? true : v.boolean(o.generate, 'generate');
  const budget = maxTensorBytes(o.maxTensorBytes, 'maxTensorBytes');
  const feeds = namedRecord<TensorLike>();
  const sources = namedRecord<FeedSource>();
  if (o.tensors !== undefined) {
    const types = namedRecord(inputs.map((i) => [i.name, i.elemType] as const));
    for (const [name, t] of Object.entries(toFeeds(o.tensors, types))) {
      feeds[name] = t;
      sources[name] = 'tensor';
    }
  }
  if (o.npz !== undefined) {
    for (const [name, t] of Object.entries(await feedsFromNpz(v.filePath(o.npz, 'npz'), inputs, { maxTensorBytes: budget }))) {
      if (hasOwn(feeds, name)) continue;
      feeds[name] = t;
      sources[name] = 'npz';
    }
  }
  const missing = wanted.filter((i) => !hasOwn(feeds, i.name));
  if (missing.length && generate) {
    const spec = o.shapes === undefined ? namedRecord<number[]>() : v.shapes(o.shapes, 'shapes');
    for (const name of Object.keys(spec)) {
      if (!byName.has(name)) throw new InvalidValueError(shapesOption, modelInputs(), name);
    }
    const missingNames = new Set(missing.map((i) => i.name));
    const shapes = resolveInputShapes(missing, namedRecord(Object.entries(spec).filter(([n]) => missingNames.has(n))), shapesOption);
    // The fed inputs' sizes too: an index input generated here may index one of them.
    const known = namedRecord([...Object.entries(feeds).map(([name, t]) => [name, [...t.dims]] as const), ...Object.entries(shapes)]);
    for (const [name, t] of Object.entries(generateFeeds(missing, known, { seed: o.seed, range: o.range, ranges: o.ranges, maxTensorBytes: budget, ...(hasGraph(m) ? { model: m } : {}) }))) {
      feeds[name] = t;
      sources[name] = 'generated';
    }
  }
  return { feeds, sources };
}
