/**
 * Engine feeds: what `Engine.run` accepts (onnxruntime-node Tensors, {type, dims, data}, or a bare typed array for a
 * fully static input), checked against the engine's inputs and the chosen optimization profile before any native
 * call. Pure functions over the engine's tensor info, so they are tested without a GPU.
 */
import { InvalidTypeError, InvalidValueError, ShapeError } from '../errors';
import type { NativeTensorInfo } from '../native/binding';
import { checkNamedDimensions, type DimensionNames } from '../shapes/named-dims';
import { fitsProfile, profilesByIndex } from '../shapes/profiles';
// TensorRT carries numeric tensors only: its TensorType and TensorData are the typed-array ones.
import { ARRAY_CLASS, ELEMENT_SIZE, NUMERIC_TENSOR_TYPES as TENSOR_TYPES, NumericTensorData as TensorData, NumericTensorType as TensorType, TensorLike, elementCount } from '../tensor/types';

/** One feed: a tensor-like object (an ort.Tensor qualifies) or a typed array for an input whose shape is fixed. */
export type Feed = TensorLike | TensorData;
export type Feeds = Record<string, Feed>;


export function isTensorType(type: string): type is TensorType {
  return (TENSOR_TYPES as readonly string[]).includes(type);
}

function dimsString(d: readonly number[]): string {
  return `[${d.join(', ')}]`;
}

/** The first profile whose ranges contain every feed's shape, or -1. */
export function chooseProfile(inputs: NativeTensorInfo[], shapes: Record<string, readonly number[]>, profileCount: number): number {
  return profilesByIndex(inputs, Math.max(profileCount, 1)).findIndex((p) => fitsProfile(shapes, p));
}

/** Checks `shape` against input `t` under profile `p`; throws ShapeError naming input, axis and range. */
export function checkShapeInProfile(t: NativeTensorInfo, shape: readonly number[], p: number): void {
  if (shape.length !== t.dims.length) {
    throw new ShapeError(`feeds["${t.name}"] has ${shape.length} dimensions ${dimsString(shape)}; the engine input has ${t.dims.length} ${dimsString(t.dims)}`, {
      input: t.name,
    });
  }
  const r = t.profiles[p];
  for (let a = 0; a < shape.length; a++) {
    if (t.dims[a] >= 0 && shape[a] !== t.dims[a]) {
      throw new ShapeError(`feeds["${t.name}"] axis ${a} is ${shape[a]}; the engine fixes it at ${t.dims[a]}`, { input: t.name, axis: a });
    }
    if (r && (shape[a] < r.min[a] || shape[a] > r.max[a])) {
      throw new ShapeError(
        `feeds["${t.name}"] axis ${a} is ${shape[a]}, outside profile ${p}'s range ${r.min[a]}..${r.max[a]} ` +
          `(min ${dimsString(r.min)}, max ${dimsString(r.max)}). Pick another profile or rebuild the engine with a wider range`,
        { input: t.name, axis: a, profile: p },
      );
    }
  }
}

/** Normalises one feed to {type, dims, data}, checking type, data kind and length. */
export function normalizeFeed(name: string, feed: unknown, t: NativeTensorInfo): { type: TensorType; dims: number[]; data: TensorData } {
  const where = `feeds["${name}"]`;
  if (!isTensorType(t.type)) {
    throw new InvalidValueError(where, 'an input type trt-node can feed', t.type, `The engine input "${name}" has type ${t.type}`);
  }
  let type: string;
  let dims: number[];
  let data: unknown;
  if (ArrayBuffer.isView(feed)) {
    if (t.dims.some((d) => d < 0)) {
      throw new ShapeError(`${where} is a bare typed array, but the engine input has dynamic dims ${dimsString(t.dims)}: give {type, dims, data}`, {
        input: name,
      });
    }
    type = t.type;
    dims = [...t.dims];
    data = feed;
  } else if (typeof feed === 'object' && feed !== null && 'data' in feed && 'dims' in feed) {
    const f = feed as { type?: unknown; dims: unknown; data: unknown };
    if (typeof f.type !== 'string') throw new InvalidTypeError(`${where}.type`, 'a tensor type string', f.type);
    if (!Array.isArray(f.dims) || !f.dims.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw new InvalidTypeError(`${where}.dims`, 'an array of integers ≥ 0', f.dims);
    }
    type = f.type;
    dims = [...(f.dims as number[])];
    data = f.data;
  } else {
    throw new InvalidTypeError(where, 'a tensor {type, dims, data} (an onnxruntime Tensor works) or a typed array', feed);
  }
  if (type !== t.type) {
    throw new InvalidValueError(`${where}.type`, `'${t.type}' (the engine input's type)`, type, 'Convert the data first; trt-node does not cast');
  }
  const Expected = ARRAY_CLASS[t.type];
  if (!(data instanceof Expected)) {
    throw new InvalidTypeError(`${where}.data`, `a ${Expected.name} for ${t.type}`, data);
  }
  const count = elementCount(dims);
  if ((data as TensorData).length !== count) {
    throw new ShapeError(`${where}.data has ${(data as TensorData).length} elements; dims ${dimsString(dims)} need ${count}`, { input: name });
  }
  return { type: t.type, dims, data: data as TensorData };
}

/** What a run hands to the native engine: one data view per engine input in input order, and their dims in a row. */
export interface PreparedFeeds {
  profile: number;
  data: TensorData[];
  dims: number[];
}

/**
 * Checks all feeds against the engine inputs and picks (or checks) the profile. On every run's path: plain loops, no
 * intermediate maps.
 * @param profile an explicit profile index, or undefined to take the first profile that fits every feed
 * @param names   the model's named axes, when known: feeds giving one name two sizes are refused
 */
export function prepareFeeds(feeds: unknown, tensors: NativeTensorInfo[], profileCount: number, profile: number | undefined, names?: DimensionNames): PreparedFeeds {
  if (typeof feeds !== 'object' || feeds === null || Array.isArray(feeds)) {
    throw new InvalidTypeError('feeds', 'an object mapping input names to tensors', feeds);
  }
  const inputs = tensors.filter((t) => t.mode === 'input');
  for (const name of Object.keys(feeds)) {
    if (!inputs.some((t) => t.name === name)) {
      throw new InvalidValueError('feeds', `only engine inputs (${inputs.map((i) => `"${i.name}"`).join(', ')})`, name, `"${name}" is not an input of this engine`);
    }
  }
  const data: TensorData[] = [];
  const shapes: number[][] = [];
  for (const t of inputs) {
    // Own keys only: `in` would take an inherited member (an input named "constructor") for a feed.
    if (!Object.prototype.hasOwnProperty.call(feeds, t.name)) throw new InvalidValueError('feeds', `a tensor for input "${t.name}"`, undefined, 'Every engine input needs a feed');
    const n = normalizeFeed(t.name, (feeds as Record<string, unknown>)[t.name], t);
    data.push(n.data);
    shapes.push(n.dims);
  }
  if (names) checkNamedDimensions(names, (name) => shapes[inputs.findIndex((t) => t.name === name)], (name) => `feeds["${name}"]`);
  let chosen: number;
  if (profile === undefined) {
    const byName: Record<string, number[]> = Object.create(null);
    inputs.forEach((t, i) => (byName[t.name] = shapes[i]));
    chosen = chooseProfile(inputs, byName, profileCount);
    if (chosen < 0) {
      // Report against profile 0: the message names the first input/axis out of range.
      inputs.forEach((t, i) => checkShapeInProfile(t, shapes[i], 0));
      throw new ShapeError(
        `No optimization profile of this engine accepts all feed shapes together (${inputs.map((t, i) => `${t.name} ${dimsString(shapes[i])}`).join(', ')})`,
      );
    }
  } else {
    if (!Number.isInteger(profile) || profile < 0 || profile >= Math.max(profileCount, 1)) {
      throw new InvalidValueError('options.profile', `an integer 0..${Math.max(profileCount, 1) - 1} (this engine's profiles)`, profile);
    }
    chosen = profile;
  }
  inputs.forEach((t, i) => checkShapeInProfile(t, shapes[i], chosen));
  return { profile: chosen, data, dims: shapes.flat() };
}

/** A native output as a TensorLike (typed array over the output's own ArrayBuffer; no copy). */
export function toTensor(name: string, type: string, dims: number[], data: ArrayBuffer): TensorLike {
  if (!isTensorType(type)) {
    throw new InvalidValueError(`output "${name}"`, 'a type trt-node can return', type);
  }
  const Ctor = ARRAY_CLASS[type];
  return { type, dims, data: new Ctor(data, 0, data.byteLength / ELEMENT_SIZE[type]) };
}

