/**
 * Generated model inputs: seeded (mulberry32, one stream per input so one input's shape never changes another's
 * values), dtype-aware, a value range per input. Check, the cross-check and the benchmark share it, so a failing run
 * can be repeated with the same values.
 */
import { InvalidTypeError, InvalidValueError, ShapeError, TrtNodeError } from '../errors';
import type { InputSummary, ModelSummary } from '../onnx/types';
import { splitNamedList } from '../shapes/spec';
import type { NamedTensors, TensorLike, TensorType } from '../tensor/types';
import { ELEMENT_SIZE, NUMERIC_TENSOR_TYPES, elementCount, isNumericType } from '../tensor/types';
import { checkBudget, maxTensorBytes, tensorBytes } from '../io/budget';
import { namedRecord, own } from '../util/names';
import { quoted } from '../util/terminal';
import * as v from '../validate';
import { largestIndex, orderBoxCorners, shapeValues, valueNeeds, type ValueNeed } from './consumers';
import { validateInputs } from './inputs';
import { GENERATE_OPTIONS } from './option-names';

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
   * The model the inputs feed. Inputs without a range of their own then get values the ops reading them take:
   * indices within what they index (Gather, GatherElements, RoiAlign's batch_indices: `range` narrowed to the
   * indexed size, 0 alone where that size is unknown), shapes for Expand (ones) and Reshape (the data's dims, or
   * ones and a -1), boxes with their corners in order (RoiAlign's rois). Default none: values from the range alone.
   */
  model?: ModelSummary;
  /**
   * The most bytes all generated tensors together may take, checked from dtypes and shapes before anything is
   * allocated. Default DEFAULT_MAX_TENSOR_BYTES (lib/io/budget.ts).
   */
  maxTensorBytes?: number;
}

/** An integer tensor holding `values` (a shape for Expand or Reshape). */
function integerTensor(type: TensorType, dims: number[], values: readonly number[]): TensorLike {
  if (type === 'int64' || type === 'uint64') {
    const data = type === 'int64' ? new BigInt64Array(values.length) : new BigUint64Array(values.length);
    values.forEach((x, i) => (data[i] = BigInt(x)));
    return { type, dims, data };
  }
  return { type, dims, data: INT_ARRAYS[type as keyof typeof INT_ARRAYS].from(values) };
}

/** The range an index input is drawn from: `range` within [0, largest], or all of [0, largest] if they do not meet. */
function indexRange([lo, hi]: ValueRange, largest: number): ValueRange {
  const a = Math.max(0, Math.ceil(lo));
  const b = Math.min(largest, Math.floor(hi));
  return a <= b ? [a, b] : [0, largest];
}

/**
 * One input's tensor: a shape its readers take, or values from its range (an index input's narrowed to what it
 * indexes). `needs` from valueNeeds; none without a model or where the caller gave the input a range.
 */
function generateInput(input: InputSummary, dims: number[], next: () => number, range: ValueRange, own: boolean, needs: readonly ValueNeed[]): TensorLike {
  const integer = INT_LIMITS[input.elemType as TensorType] !== undefined;
  if (own || !needs.length) return generateTensor(input, dims, next, range, !own);
  if (!integer) {
    const t = generateTensor(input, dims, next, range, true);
    if (needs.some((n) => n.kind === 'boxes')) orderBoxCorners(t.data as Float32Array, dims);
    return t;
  }
  const shape = shapeValues(needs, elementCount(dims));
  if (shape) return integerTensor(input.elemType as TensorType, dims, shape);
  const largest = largestIndex(needs);
  return generateTensor(input, dims, next, largest === undefined ? range : indexRange(range, largest), true);
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
  const model = o.model === undefined ? undefined : validateModel(o.model);
  let total = 0;
  for (const input of list) {
    const dims = own(shapeOf, input.name);
    if (!dims) throw new ShapeError(`No shape for input ${quoted(input.name)} to generate its values at`, { input: input.name });
    if (isNumericType(input.elemType)) {
      total = checkBudget(tensorBytes(dims, ELEMENT_SIZE[input.elemType]), budget, `Input ${quoted(input.name)} at shape ${dims.join('x')} (${input.elemType})`, { input: input.name, dims }, total);
    }
  }
  const needs = model ? valueNeeds(model, list, shapeOf) : new Map<string, ValueNeed[]>();
  const feeds = namedRecord<TensorLike>();
  for (const input of list) {
    const dims = own(shapeOf, input.name)!;
    const mine = own(ranges, input.name);
    // Mix seed (also beyond 32 bits) and name into the stream's state.
    const state = (Math.imul(seed | 0, 0x9e3779b1) ^ Math.floor(seed / 2 ** 32) ^ hashName(input.name)) >>> 0;
    try {
      feeds[input.name] = generateInput(input, [...dims], mulberry32(state), mine ?? global, mine !== undefined, needs.get(input.name) ?? []);
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

/** Whether `model` has the parts of a ModelSummary (readModel's) that the generator reads: its graph. */
export function hasGraph(model: unknown): model is ModelSummary {
  const m = model as Partial<Record<keyof ModelSummary, unknown>> | null;
  const init = m?.initializers as { list?: unknown } | null | undefined;
  return typeof m === 'object' && m !== null && [m.nodes, m.outputs, m.valueInfo, init?.list].every(Array.isArray);
}

/** The `model` option: a ModelSummary, checked for the parts read here. */
function validateModel(model: unknown): ModelSummary {
  if (!hasGraph(model)) throw new InvalidTypeError('model', 'a model summary (from readModel)', model);
  return model;
}

function checkRange(r: unknown, parameter: string): void {
  if (!Array.isArray(r) || r.length !== 2 || !r.every(Number.isFinite) || r[0] > r[1]) {
    throw new InvalidValueError(parameter, '[lo, hi] with finite lo ≤ hi', r);
  }
}

/**
 * The generator check, the cross-check and the benchmark share: floats uniform in [range[0], range[1]), integers in
 * [max(0, ceil(lo)), floor(hi)] (indices and shapes as `model`'s ops take them), bools random. Same as
 * generateFeeds with `{ seed, range, maxTensorBytes, model }`.
 */
export function generateProbeFeeds(
  inputs: readonly InputSummary[],
  shapes: Record<string, number[]>,
  seed: number,
  range: ValueRange = [0, 1],
  maxTensorBytes?: number,
  model?: ModelSummary,
): NamedTensors {
  return generateFeeds(inputs, shapes, { seed, range, ...(maxTensorBytes !== undefined ? { maxTensorBytes } : {}), ...(model ? { model } : {}) });
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
