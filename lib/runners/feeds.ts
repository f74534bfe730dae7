/**
 * Model feeds, from wherever they come: tensors the caller has (TensorLike, onnxruntime Tensors, typed arrays with
 * dims), an .npz file of arrays named after the inputs, or generated per input (seeded, dtype-aware, value range per
 * input) at shapes from the model's summary with dynamic dims given by a trtexec-style shapes spec. Used by check,
 * the cross-check and the benchmark, so a failing run can be repeated with the same values.
 */
import { InvalidTypeError, InvalidValueError, ShapeError, TrtNodeError } from '../errors';
import type { InputSummary, ModelSummary } from '../onnx/types';
import { splitNamedList } from '../shapes/spec';
import { toTensorLike } from '../tensor/convert';
import { readFileBytes } from '../tensor/npy';
import { npzArrayNames, parseNpz } from '../tensor/npz';
import type { NamedTensors, TensorData, TensorLike, TensorType } from '../tensor/types';
import { ELEMENT_SIZE, NUMERIC_TENSOR_TYPES, elementCount, isNumericType } from '../tensor/types';
import { checkBudget, maxTensorBytes, tensorBytes } from '../io/budget';
import { hasOwn, namedRecord, own } from '../util/names';
import { quoted } from '../util/terminal';
import * as v from '../validate';
import { BUILD_FEEDS_OPTIONS, GENERATE_OPTIONS, NPZ_FEEDS_OPTIONS } from './option-names';

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
// Generated values

/** mulberry32: a tiny, fast 32-bit PRNG; the same seed gives the same stream on every machine. Values in [0, 1). */
export function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a of a string: gives each input its own stream, so one input's shape does not change another's values. */
function hashName(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** float32 -> float16 bits, rounding to nearest even (subnormals kept, overflow to ±Inf). */
export function floatToHalfBits(v: number): number {
  const f = new Float32Array(1);
  const u = new Uint32Array(f.buffer);
  f[0] = v;
  const x = u[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0); // Inf / NaN
  const e = exp - 127 + 15;
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign; // below half the smallest subnormal
    mant |= 0x800000;
    const shift = 14 - e;
    const half = mant >>> shift;
    const rest = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    return sign | (rest > mid || (rest === mid && half & 1) ? half + 1 : half);
  }
  const half = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  return sign | (rest > 0x1000 || (rest === 0x1000 && half & 1) ? half + 1 : half);
}

const INT_LIMITS: Readonly<Partial<Record<TensorType, [number, number]>>> = {
  int8: [-128, 127],
  uint8: [0, 255],
  int16: [-(2 ** 15), 2 ** 15 - 1],
  uint16: [0, 2 ** 16 - 1],
  int32: [-(2 ** 31), 2 ** 31 - 1],
  uint32: [0, 2 ** 32 - 1],
  int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  uint64: [0, Number.MAX_SAFE_INTEGER],
};

const INT_ARRAYS = { int32: Int32Array, uint32: Uint32Array, int16: Int16Array, uint16: Uint16Array, int8: Int8Array, uint8: Uint8Array } as const;

/** The types inputs can be generated for: every numeric type. */
const GENERATED_TYPES = NUMERIC_TENSOR_TYPES.join(', ');

export type ValueRange = readonly [number, number];

export interface GenerateOptions {
  /** PRNG seed (any integer). Default 0. */
  seed?: number;
  /**
   * Value range for every input without its own: floats uniform in [lo, hi), integers uniform in [ceil(lo),
   * floor(hi)] but never below 0 (integer inputs are usually indices). Default [0, 1] (images, as the fixtures).
   */
  range?: ValueRange;
  /** Ranges per input name, applied as given (integers may go negative): see parseValueRanges. */
  ranges?: Readonly<Record<string, ValueRange>>;
  /**
   * The most bytes all generated tensors together may take, checked from dtypes and shapes before anything is
   * allocated. Default DEFAULT_MAX_TENSOR_BYTES (lib/io/budget.ts).
   */
  maxTensorBytes?: number;
}

/** One generated tensor; `next` is its own stream. Bools: true with probability 1/2. */
function generateTensor(input: InputSummary, dims: number[], next: () => number, range: ValueRange, clampAtZero: boolean): TensorLike {
  const n = elementCount(dims);
  const [lo, hi] = range;
  const type = input.elemType as TensorType;
  switch (input.elemType) {
    case 'float32':
    case 'float64': {
      const data = type === 'float32' ? new Float32Array(n) : new Float64Array(n);
      const span = hi - lo;
      for (let i = 0; i < n; i++) data[i] = lo + span * next();
      if (type === 'float32' && span > 0) {
        // Rounding to float32 can land on hi itself: keep [lo, hi).
        const below = Math.max(Math.fround(lo), float32Below(hi));
        for (let i = 0; i < n; i++) if (data[i] >= hi) data[i] = below;
      }
      return { type, dims, data };
    }
    case 'float16': {
      const data = new Uint16Array(n);
      for (let i = 0; i < n; i++) data[i] = floatToHalfBits(lo + (hi - lo) * next());
      return { type, dims, data };
    }
    case 'int64':
    case 'uint64':
    case 'int32':
    case 'uint32':
    case 'int16':
    case 'uint16':
    case 'int8':
    case 'uint8': {
      const [min, max] = INT_LIMITS[type]!;
      const a = Math.min(max, Math.max(min, clampAtZero ? Math.max(0, Math.ceil(lo)) : Math.ceil(lo)));
      const b = Math.min(max, Math.max(a, Math.floor(hi)));
      const count = b - a + 1;
      if (type === 'int64' || type === 'uint64') {
        const data = type === 'int64' ? new BigInt64Array(n) : new BigUint64Array(n);
        for (let i = 0; i < n; i++) data[i] = BigInt(a + Math.floor(count * next()));
        return { type, dims, data };
      }
      const data = new INT_ARRAYS[type as keyof typeof INT_ARRAYS](n);
      for (let i = 0; i < n; i++) data[i] = a + Math.floor(count * next());
      return { type, dims, data };
    }
    case 'bool': {
      const data = new Uint8Array(n);
      for (let i = 0; i < n; i++) data[i] = next() < 0.5 ? 1 : 0;
      return { type: 'bool', dims, data };
    }
    default:
      throw new InvalidValueError(
        `input ${quoted(input.name)}`,
        `a tensor type inputs can be generated for (${GENERATED_TYPES})`,
        input.elemType,
        input.elemType === 'bfloat16'
          ? 'onnxruntime-node cannot carry bfloat16 tensors at all: export the model with float32 inputs (cast inside the model)'
          : input.elemType === 'string'
            ? "Strings have no meaningful random values: feed this input from an .npz file (numpy: np.savez(f, name=a.astype(str)))"
            : 'Feed this input from an .npz file instead',
      );
  }
}

/** The largest float32 strictly below x. */
function float32Below(x: number): number {
  const f = new Float32Array([x]);
  if (f[0] < x) return f[0];
  if (f[0] === 0) return -(2 ** -149);
  const bits = new Int32Array(f.buffer);
  bits[0] += f[0] > 0 ? -1 : 1; // one ulp towards -Inf
  return f[0];
}

/** The inputs argument of the generators: input summaries with at least a name and an element type. */
function validateInputs(inputs: unknown, parameter = 'inputs'): InputSummary[] {
  return v.arrayOf(inputs, parameter, (x, p) => {
    const o = v.object(x, p, 'an input {name, elemType} (an InputSummary of readModel)');
    v.string(o.name, `${p}.name`);
    v.string(o.elemType, `${p}.elemType`);
    return o as unknown as InputSummary;
  });
}

/**
 * Generates one tensor per input at `shapes` (all inputs in `inputs` must have a shape there; see
 * resolveInputShapes). Each input draws from its own stream, seeded by `seed` and its name: the same seed gives the
 * same values for an input whatever the other inputs' shapes. The bytes of all of them are checked against the
 * memory budget before any is allocated.
 * @throws InvalidTypeError / InvalidValueError for bad arguments; ShapeError for an input without a shape;
 *   MemoryBudgetError naming the input, its shape and the budget option.
 */
export function generateFeeds(
  inputs: readonly InputSummary[],
  shapes: Readonly<Record<string, readonly number[]>>,
  options: GenerateOptions = {},
): NamedTensors {
  const list = validateInputs(inputs);
  const shapeOf = v.shapes(shapes, 'shapes');
  const o = v.options<GenerateOptions>(options, 'options', GENERATE_OPTIONS);
  const seed = o.seed === undefined ? 0 : v.safeInteger(o.seed, 'seed');
  const global = o.range ?? [0, 1];
  checkRange(global, 'range');
  const ranges = o.ranges === undefined ? namedRecord<ValueRange>() : v.record(o.ranges, 'ranges', (r, p) => (checkRange(r as ValueRange, p), r as ValueRange));
  const budget = maxTensorBytes(o.maxTensorBytes, 'maxTensorBytes');
  let total = 0;
  for (const input of list) {
    const dims = own(shapeOf, input.name);
    if (!dims) throw new ShapeError(`No shape for input ${quoted(input.name)} to generate its values at`, { input: input.name });
    if (isNumericType(input.elemType)) {
      total = checkBudget(tensorBytes(dims, ELEMENT_SIZE[input.elemType]), budget, `Input ${quoted(input.name)} at shape ${dims.join('x')} (${input.elemType})`, { input: input.name, dims }, total);
    }
  }
  const feeds = namedRecord<TensorLike>();
  for (const input of list) {
    const dims = own(shapeOf, input.name)!;
    const mine = own(ranges, input.name);
    // Mix seed (also beyond 32 bits) and name into the stream's state.
    const state = (Math.imul(seed | 0, 0x9e3779b1) ^ Math.floor(seed / 2 ** 32) ^ hashName(input.name)) >>> 0;
    try {
      feeds[input.name] = generateTensor(input, [...dims], mulberry32(state), mine ?? global, !mine);
    } catch (err) {
      // A typed array too large to allocate throws a bare RangeError ("Invalid typed array length: 10000000000").
      // (By name: the typed array, and so the error, may come from another realm; InvalidValueError is named so too.)
      if ((err as Error | null)?.name !== 'RangeError' || err instanceof TrtNodeError) throw err;
      throw new ShapeError(
        `Input ${quoted(input.name)} at shape ${dims.join('x')} has ${elementCount(dims)} elements, more than can be allocated here: use smaller sizes`,
        { input: input.name, dims: [...dims] },
      );
    }
  }
  return feeds;
}

function checkRange(r: unknown, parameter: string): void {
  if (!Array.isArray(r) || r.length !== 2 || !r.every(Number.isFinite) || r[0] > r[1]) {
    throw new InvalidValueError(parameter, '[lo, hi] with finite lo ≤ hi', r);
  }
}

/**
 * The generator check, the cross-check and the benchmark share: floats uniform in [range[0], range[1]), integers in
 * [max(0, ceil(lo)), floor(hi)], bools random. Same as generateFeeds with `{ seed, range, maxTensorBytes }`.
 */
export function generateProbeFeeds(
  inputs: readonly InputSummary[],
  shapes: Record<string, number[]>,
  seed: number,
  range: ValueRange = [0, 1],
  maxTensorBytes?: number,
): NamedTensors {
  return generateFeeds(inputs, shapes, { seed, range, ...(maxTensorBytes !== undefined ? { maxTensorBytes } : {}) });
}

/**
 * The CLI's value ranges: '-1..1' (every input), 'mask:0..1' (one input), comma-separated; bounds are numbers
 * (1e-3, -0.5), lo ≤ hi. Input names may contain ':' (the range is after the last one).
 */
export function parseValueRanges(spec: string, option = '--range'): { global?: ValueRange; perInput: Record<string, ValueRange> } {
  const out: { global?: ValueRange; perInput: Record<string, ValueRange> } = { perInput: namedRecord() };
  for (const { name, value, entry } of splitNamedList(spec, { option, example: 'input:0..1', allowUnnamed: true })) {
    const parts = value.split('..');
    const nums = parts.map((p) => (p.trim() === '' ? NaN : Number(p.trim())));
    if (parts.length !== 2 || !nums.every(Number.isFinite)) {
      throw new InvalidValueError(option, "a range lo..hi of finite numbers (e.g. '0..1' or 'input:-1..1')", entry);
    }
    if (nums[0] > nums[1]) throw new InvalidValueError(option, 'lo ≤ hi', entry, `${nums[0]} is above ${nums[1]}`);
    const range: ValueRange = [nums[0], nums[1]];
    if (name) out.perInput[name] = range;
    else out.global = range;
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
    for (const [name, t] of Object.entries(generateFeeds(missing, shapes, { seed: o.seed, range: o.range, ranges: o.ranges, maxTensorBytes: budget }))) {
      feeds[name] = t;
      sources[name] = 'generated';
    }
  }
  return { feeds, sources };
}
