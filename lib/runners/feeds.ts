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
import { readNpz } from '../tensor/npz';
import type { NamedTensors, TensorData, TensorLike, TensorType } from '../tensor/types';
import { elementCount } from '../tensor/types';

// ---------------------------------------------------------------------------------------------------------------
// Tensors given by the caller

/** A feed as callers may give it: a TensorLike or onnxruntime Tensor, or a typed array with dims (type inferred). */
export type FeedValue = TensorLike | { readonly data: TensorData; readonly dims: readonly number[]; readonly type?: TensorType };

export type FeedsInput = Readonly<Record<string, FeedValue>>;

/** The tensor type a typed array implies (by toStringTag, so arrays of another realm work too). */
const TYPE_OF_ARRAY: Readonly<Record<string, TensorType>> = {
  Float32Array: 'float32',
  Float64Array: 'float64',
  Uint16Array: 'float16', // raw half bits, as onnxruntime-node carries float16
  BigInt64Array: 'int64',
  Int32Array: 'int32',
  Int8Array: 'int8',
  Uint8Array: 'uint8',
};

/**
 * Validates feeds and returns them as NamedTensors (data shared, not copied). A feed without `type` gets the one its
 * array implies (Float32Array → float32, Uint16Array → float16 bits, Uint8Array → uint8, or bool where
 * `expectedTypes` says the input is bool).
 * @throws InvalidTypeError / InvalidValueError / ShapeError naming the feed.
 */
export function toFeeds(feeds: FeedsInput, expectedTypes: Readonly<Record<string, string>> = {}): NamedTensors {
  if (feeds === null || typeof feeds !== 'object' || Array.isArray(feeds)) {
    throw new InvalidTypeError('feeds', 'an object of tensors by input name', feeds);
  }
  const out: NamedTensors = {};
  for (const [name, value] of Object.entries(feeds)) {
    const label = `feeds["${name}"]`;
    const v = value as { type?: unknown; data?: unknown } | null;
    if (v !== null && typeof v === 'object' && v.type === undefined && ArrayBuffer.isView(v.data)) {
      const tag = (v.data as unknown as Record<symbol, unknown>)[Symbol.toStringTag] as string;
      let type = TYPE_OF_ARRAY[tag];
      if (!type) throw new InvalidTypeError(`${label}.data`, `one of ${Object.keys(TYPE_OF_ARRAY).join(', ')}`, v.data);
      if (type === 'uint8' && expectedTypes[name] === 'bool') type = 'bool';
      out[name] = toTensorLike({ ...v, type }, label);
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
  const inputs = Array.isArray(model) ? (model as readonly InputSummary[]) : (model as ModelSummary).inputs;
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
  const known = new Set(inputs.map((i) => i.name));
  for (const name of Object.keys(spec)) {
    if (!known.has(name)) {
      throw new InvalidValueError(option, `an input of the model (${[...known].map((n) => `'${n}'`).join(', ') || 'none'})`, name);
    }
  }
  const out: Record<string, number[]> = {};
  for (const input of inputs) {
    const given = spec[input.name];
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
  int32: [-(2 ** 31), 2 ** 31 - 1],
  int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

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
    case 'int32':
    case 'int8':
    case 'uint8': {
      const [min, max] = INT_LIMITS[type]!;
      const a = Math.max(min, clampAtZero ? Math.max(0, Math.ceil(lo)) : Math.ceil(lo));
      const b = Math.min(max, Math.max(a, Math.floor(hi)));
      const count = b - a + 1;
      if (type === 'int64') {
        const data = new BigInt64Array(n);
        for (let i = 0; i < n; i++) data[i] = BigInt(a + Math.floor(count * next()));
        return { type, dims, data };
      }
      const data = type === 'int32' ? new Int32Array(n) : type === 'int8' ? new Int8Array(n) : new Uint8Array(n);
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
        `input '${input.name}'`,
        'a tensor type inputs can be generated for (float32, float16, float64, int64, int32, int8, uint8, bool)',
        input.elemType,
        'Feed this input from an .npz file instead',
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

/**
 * Generates one tensor per input at `shapes` (all inputs in `inputs` must have a shape there; see
 * resolveInputShapes). Each input draws from its own stream, seeded by `seed` and its name: the same seed gives the
 * same values for an input whatever the other inputs' shapes.
 */
export function generateFeeds(
  inputs: readonly InputSummary[],
  shapes: Readonly<Record<string, readonly number[]>>,
  options: GenerateOptions = {},
): NamedTensors {
  const seed = options.seed ?? 0;
  if (!Number.isSafeInteger(seed)) throw new InvalidValueError('seed', 'an integer', seed);
  const global = options.range ?? [0, 1];
  checkRange(global, 'range');
  const feeds: NamedTensors = {};
  for (const input of inputs) {
    const dims = shapes[input.name];
    if (!dims) throw new ShapeError(`No shape for input '${input.name}' to generate its values at`, { input: input.name });
    const own = options.ranges?.[input.name];
    if (own) checkRange(own, `ranges["${input.name}"]`);
    // Mix seed (also beyond 32 bits) and name into the stream's state.
    const state = (Math.imul(seed | 0, 0x9e3779b1) ^ Math.floor(seed / 2 ** 32) ^ hashName(input.name)) >>> 0;
    try {
      feeds[input.name] = generateTensor(input, [...dims], mulberry32(state), own ?? global, !own);
    } catch (err) {
      // A typed array too large to allocate throws a bare RangeError ("Invalid typed array length: 10000000000").
      // (By name: the typed array, and so the error, may come from another realm; InvalidValueError is named so too.)
      if ((err as Error | null)?.name !== 'RangeError' || err instanceof TrtNodeError) throw err;
      throw new ShapeError(
        `Input '${input.name}' at shape ${dims.join('x')} has ${elementCount(dims)} elements, more than can be allocated here: use smaller sizes`,
        { input: input.name, dims: [...dims] },
      );
    }
  }
  return feeds;
}

function checkRange(r: ValueRange, parameter: string): void {
  if (!Array.isArray(r) || r.length !== 2 || !r.every(Number.isFinite) || r[0] > r[1]) {
    throw new InvalidValueError(parameter, '[lo, hi] with finite lo ≤ hi', r);
  }
}

/**
 * The generator check, the cross-check and the benchmark share: floats uniform in [range[0], range[1]), integers in
 * [max(0, ceil(lo)), floor(hi)], bools random. Same as generateFeeds with `{ seed, range }`.
 */
export function generateProbeFeeds(
  inputs: readonly InputSummary[],
  shapes: Record<string, number[]>,
  seed: number,
  range: ValueRange = [0, 1],
): NamedTensors {
  return generateFeeds(inputs, shapes, { seed, range });
}

/**
 * The CLI's value ranges: '-1..1' (every input), 'mask:0..1' (one input), comma-separated; bounds are numbers
 * (1e-3, -0.5), lo ≤ hi. Input names may contain ':' (the range is after the last one).
 */
export function parseValueRanges(spec: string, option = '--range'): { global?: ValueRange; perInput: Record<string, ValueRange> } {
  const out: { global?: ValueRange; perInput: Record<string, ValueRange> } = { perInput: {} };
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

/**
 * Reads feeds from an .npz file (numpy.savez(file, input=x)). Positional archives (numpy.savez(file, x), keys
 * arr_0, arr_1, ...) are mapped to the model's feedable inputs in order. With `inputs`, arrays must name model
 * inputs and carry their element type.
 * @throws FileError / NpyFormatError (from readNpz); TrtNodeError 'ERR_TRT_NODE_INVALID_VALUE' naming the file and array.
 */
export async function feedsFromNpz(file: string, inputs?: readonly InputSummary[]): Promise<NamedTensors> {
  const arrays = await readNpz(file);
  if (!inputs) return arrays;
  const keys = Object.keys(arrays);
  const byName = new Map(inputs.map((i) => [i.name, i]));
  const feedable = feedableInputs(inputs);
  const positional = keys.length > 0 && keys.every((k, i) => k === `arr_${i}`) && !keys.some((k) => byName.has(k));
  const out: NamedTensors = {};
  keys.forEach((key, i) => {
    const input = positional ? feedable[i] : byName.get(key);
    if (!input) {
      const names = (positional ? feedable : inputs).map((x) => `'${x.name}'`).join(', ');
      throw new TrtNodeError(
        'ERR_TRT_NODE_INVALID_VALUE',
        positional
          ? `${file}: array '${key}' has no input to feed: the file holds ${keys.length} positional arrays but the model has ${feedable.length} inputs to feed (${names})`
          : `${file}: array '${key}' is not an input of the model (its inputs: ${names}). Save arrays by input name: numpy.savez(file, ${inputs[0]?.name ?? 'input'}=array)`,
        { file, array: key },
      );
    }
    const t = arrays[key];
    if (input.elemType !== t.type) {
      throw new TrtNodeError(
        'ERR_TRT_NODE_INVALID_VALUE',
        `${file}: array '${key}' is ${t.type} but the model's input '${input.name}' takes ${input.elemType}. ` +
          `Convert it before saving: array.astype(numpy.${input.elemType === 'bool' ? 'bool_' : input.elemType})`,
        { file, array: key, dtype: t.type, expected: input.elemType },
      );
    }
    out[input.name] = t;
  });
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
 */
export async function buildFeeds(model: ModelSummary, options: BuildFeedsOptions = {}): Promise<{ feeds: NamedTensors; sources: Record<string, FeedSource> }> {
  const byName = new Map(model.inputs.map((i) => [i.name, i]));
  const wanted = options.inputs
    ? options.inputs.map((name) => {
        const input = byName.get(name);
        if (!input) throw new InvalidValueError('inputs', `an input of the model (${[...byName.keys()].map((n) => `'${n}'`).join(', ')})`, name);
        return input;
      })
    : feedableInputs(model);
  const feeds: NamedTensors = {};
  const sources: Record<string, FeedSource> = {};
  if (options.tensors) {
    const types = Object.fromEntries(model.inputs.map((i) => [i.name, i.elemType]));
    for (const [name, t] of Object.entries(toFeeds(options.tensors, types))) {
      feeds[name] = t;
      sources[name] = 'tensor';
    }
  }
  if (options.npz) {
    for (const [name, t] of Object.entries(await feedsFromNpz(options.npz, model.inputs))) {
      if (name in feeds) continue;
      feeds[name] = t;
      sources[name] = 'npz';
    }
  }
  const missing = wanted.filter((i) => !(i.name in feeds));
  if (missing.length && (options.generate ?? true)) {
    const spec = options.shapes ?? {};
    for (const name of Object.keys(spec)) {
      if (!byName.has(name)) throw new InvalidValueError(options.shapesOption ?? '--shapes', `an input of the model (${[...byName.keys()].map((n) => `'${n}'`).join(', ')})`, name);
    }
    const shapes = resolveInputShapes(missing, Object.fromEntries(Object.entries(spec).filter(([n]) => missing.some((i) => i.name === n))), options.shapesOption);
    for (const [name, t] of Object.entries(generateFeeds(missing, shapes, options))) {
      feeds[name] = t;
      sources[name] = 'generated';
    }
  }
  return { feeds, sources };
}
