/**
 * Optimization profiles: for each dynamic input, the min / opt / max shape an engine accepts (TensorRT tunes its
 * kernels for opt). This module fits shapes to profiles, converts between the layouts profiles come in (by profile,
 * as buildEngine takes them; by input, as an engine reports them; the list of entries the addon builds from), names
 * bare shapes after the model's input, and checks profiles against the model's declared dims before TensorRT sees
 * them, so a mistake is named by input and axis instead of surfacing as a builder error.
 *
 * A profile parsed from a command line carries the flag it came from (labelled): every message about it names
 * that flag, whichever layer checks it. A profile validateProfiles returned is known to fit that model: checking
 * it again for the same ModelSummary does nothing (the CLI checks at its boundary and hands the summary down).
 */
import { InvalidTypeError, InvalidValueError, ShapeError } from '../errors';
import type { Dim, InputSummary, ModelSummary } from '../onnx/types';
import { checkProfileNamedDimensions, dimensionNames } from './named-dims';
import { namedRecord } from '../util/names';
import { formatDims, type ShapeText } from './spec';
import type { InputRange, OptimizationProfile } from './types';

export type { InputRange, OptimizationProfile, Shape } from './types';

// ----------------------------------------------------------------------------------------------------- labels

const LABEL = Symbol('trt-node:label');

/**
 * Marks `profile` as given by `label` (a flag: '--shapes'), named in messages instead of the parameter. The mark
 * is a non-enumerable property: JSON, Object.keys and equality see the profile only.
 */
export function labelled<T extends object>(profile: T, label: string): T {
  Object.defineProperty(profile, LABEL, { value: label, enumerable: false, configurable: true });
  return profile;
}

/** The label `profile` carries, or `fallback`. */
export function labelOf(profile: unknown, fallback: string): string {
  const label = typeof profile === 'object' && profile !== null ? (profile as { [LABEL]?: unknown })[LABEL] : undefined;
  return typeof label === 'string' ? label : fallback;
}

/** Profiles validateProfiles returned, with the model they were checked against. */
const checkedFor = new WeakMap<object, ModelSummary>();

/** The graph inputs a profile is about: inputs that are not backed by an initializer (weights). */
export function modelInputs(model: ModelSummary): InputSummary[] {
  return model.inputs.filter((i) => !i.isInitializer);
}

export function dimText(d: Dim): string {
  return d.kind === 'fixed' ? String(d.value) : d.kind === 'symbolic' ? d.name : '?';
}

/** A model input's declared dims for messages: '[batch, 1, height, width]'. */
export function dimsText(dims: readonly Dim[] | null): string {
  return dims === null ? '(unknown rank)' : `[${dims.map(dimText).join(', ')}]`;
}

/**
 * A placeholder min/opt/max for the "give a profile" message: fixed dims kept, a dynamic leading (batch) axis
 * 1..1..8, other dynamic axes 64..256..1024 (image-sized); an input of unknown rank is shown as rank 4.
 */
function exampleRange(input: InputSummary): [number[], number[], number[]] {
  const dims: Dim[] = input.dims ?? Array.from({ length: 4 }, (): Dim => ({ kind: 'unknown' }));
  const pick = (d: Dim, axis: number, k: number) =>
    d.kind === 'fixed' ? d.value : axis === 0 ? [1, 1, 8][k] : [64, 256, 1024][k];
  return [0, 1, 2].map((k) => dims.map((d, axis) => pick(d, axis, k))) as [number[], number[], number[]];
}

/** An input needs a profile entry when its rank is unknown or any axis is not fixed. */
export function isDynamicInput(input: InputSummary): boolean {
  return input.dims === null || input.dims.some((d) => d.kind !== 'fixed');
}

function checkShape(value: unknown, parameter: string): number[] {
  if (!Array.isArray(value)) throw new InvalidTypeError(parameter, 'an array of dimensions', value);
  if (value.length > 8) throw new InvalidValueError(parameter, 'at most 8 dimensions (TensorRT Dims::MAX_DIMS)', value);
  value.forEach((d, i) => {
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 1) {
      throw new InvalidValueError(`${parameter}[${i}]`, 'an integer ≥ 1', d);
    }
  });
  return [...value] as number[];
}

function axisLabel(input: InputSummary, axis: number): string {
  const d = input.dims?.[axis];
  return d && d.kind === 'symbolic' ? `axis ${axis} (${d.name})` : `axis ${axis}`;
}

/** Checks one range against the model's input; returns a normalised copy. */
function checkRange(range: unknown, input: InputSummary, where: string): InputRange {
  if (typeof range !== 'object' || range === null || Array.isArray(range)) {
    throw new InvalidTypeError(where, 'an object {min, opt, max}', range);
  }
  const r = range as Record<string, unknown>;
  const min = checkShape(r.min, `${where}.min`);
  const opt = checkShape(r.opt, `${where}.opt`);
  const max = checkShape(r.max, `${where}.max`);
  const rank = input.dims?.length ?? min.length;
  for (const [name, shape] of [['min', min], ['opt', opt], ['max', max]] as const) {
    if (shape.length !== rank) {
      throw new ShapeError(
        `${where}.${name} has ${shape.length} dimensions but input "${input.name}" has ${rank} ${dimsText(input.dims)}`,
        { input: input.name, selector: name },
      );
    }
  }
  for (let axis = 0; axis < rank; axis++) {
    const d = input.dims?.[axis];
    if (d?.kind === 'fixed') {
      for (const [name, shape] of [['min', min], ['opt', opt], ['max', max]] as const) {
        if (shape[axis] !== d.value) {
          throw new ShapeError(
            `${where}: ${axisLabel(input, axis)} of input "${input.name}" is fixed at ${d.value} in the model, but ${name} is ${shape[axis]}`,
            { input: input.name, axis, selector: name },
          );
        }
      }
    }
    if (!(min[axis] <= opt[axis] && opt[axis] <= max[axis])) {
      throw new ShapeError(
        `${where}: ${axisLabel(input, axis)} of input "${input.name}" needs min ≤ opt ≤ max, got ${min[axis]}, ${opt[axis]}, ${max[axis]}`,
        { input: input.name, axis },
      );
    }
  }
  return { min, opt, max };
}

/**
 * Validates profiles against the model: every name is a model input, every dynamic input is covered by every
 * profile, ranks agree, fixed dims match, min ≤ opt ≤ max per axis, and axes named alike get one size (named-dims.ts).
 * Returns normalised copies.
 * @param parameter how the option is named in messages (e.g. 'options.profiles' or '--shapes')
 * @param labelAt   how profile `index` is named in messages (default `${parameter}[index]`)
 */
export function validateProfiles(
  profiles: unknown,
  model: ModelSummary,
  parameter = 'profiles',
  labelAt: (index: number) => string = (index) => `${parameter}[${index}]`,
): OptimizationProfile[] {
  const list = profiles === undefined ? [] : Array.isArray(profiles) ? profiles : [profiles];
  if (list.length > 0 && list.every((p) => checkedFor.get(p as object) === model)) return list as OptimizationProfile[];
  const inputs = modelInputs(model);
  const byName = new Map(inputs.map((i) => [i.name, i]));
  const dynamic = inputs.filter(isDynamicInput);
  if (list.length === 0 && dynamic.length > 0) {
    const listed = dynamic.map((i) => `${i.name} ${dimsText(i.dims)}`).join(', ');
    const example = parameter.startsWith('--')
      ? `${parameter} ${dynamic.map((i) => `${i.name}:${exampleRange(i).map(formatDims).join('..')}`).join(',')}`
      : JSON.stringify(Object.fromEntries(dynamic.map((i) => {
          const [min, opt, max] = exampleRange(i);
          return [i.name, { min, opt, max }];
        })));
    throw new ShapeError(
      `The model has dynamic inputs (${listed}); give at least one optimization profile in ${parameter} with the ` +
        `smallest, most common and largest shapes you will run, e.g. ${example}`,
      { inputs: dynamic.map((i) => i.name), missingProfile: true },
    );
  }
  return list.map((profile, p) => {
    const where = labelOf(profile, labelAt(p));
    if (typeof profile !== 'object' || profile === null || Array.isArray(profile)) {
      throw new InvalidTypeError(where, 'an object mapping input names to {min, opt, max}', profile);
    }
    const out: OptimizationProfile = {};
    for (const [name, range] of Object.entries(profile as Record<string, unknown>)) {
      const input = byName.get(name);
      if (!input) {
        const known = inputs.map((i) => `"${i.name}"`).join(', ') || 'none';
        throw new InvalidValueError(`${where}`, `an input of the model (${known})`, name, `"${name}" is not a model input`);
      }
      out[name] = checkRange(range, input, `${where}["${name}"]`);
    }
    for (const input of dynamic) {
      // Own keys only: `in` would count an inherited member (an input named "toString") as covered.
      if (!Object.prototype.hasOwnProperty.call(out, input.name)) {
        throw new ShapeError(
          `${where} does not cover dynamic input "${input.name}" ${dimsText(input.dims)}: every profile needs a min/opt/max for it`,
          { input: input.name, profile: p },
        );
      }
    }
    checkProfileNamedDimensions(dimensionNames(inputs), out, where);
    checkedFor.set(out, model);
    return labelOf(profile, '') ? labelled(out, where) : out;
  });
}

/**
 * One profile from sample shapes (e.g. the shapes of the inputs you will feed): per input and axis, min and max
 * over the samples, and opt the median (the lower one for an even count). Every sample must give every input,
 * with one rank per input.
 */
export function profileFromSamples(samples: unknown, parameter = 'sampleShapes'): OptimizationProfile {
  if (!Array.isArray(samples) || samples.length === 0) {
    throw new InvalidValueError(parameter, 'a non-empty array of {inputName: shape} objects', samples);
  }
  const shapes = new Map<string, number[][]>();
  samples.forEach((sample, s) => {
    if (typeof sample !== 'object' || sample === null || Array.isArray(sample)) {
      throw new InvalidTypeError(`${parameter}[${s}]`, 'an object mapping input names to shapes', sample);
    }
    for (const [name, shape] of Object.entries(sample as Record<string, unknown>)) {
      const dims = checkShape(shape, `${parameter}[${s}]["${name}"]`);
      const list = shapes.get(name) ?? [];
      if (list.length && list[0].length !== dims.length) {
        throw new ShapeError(`${parameter}[${s}]["${name}"] has ${dims.length} dimensions, sample 0 has ${list[0].length}`, { input: name });
      }
      list.push(dims);
      shapes.set(name, list);
    }
  });
  const profile: OptimizationProfile = {};
  for (const [name, list] of shapes) {
    if (list.length !== samples.length) {
      throw new ShapeError(`${parameter}: input "${name}" is missing from ${samples.length - list.length} of the ${samples.length} samples`, { input: name });
    }
    const rank = list[0].length;
    const axis = (a: number) => list.map((d) => d[a]).sort((x, y) => x - y);
    const min = Array.from({ length: rank }, (_, a) => axis(a)[0]);
    const max = Array.from({ length: rank }, (_, a) => axis(a)[list.length - 1]);
    const opt = Array.from({ length: rank }, (_, a) => axis(a)[Math.floor((list.length - 1) / 2)]);
    profile[name] = { min, opt, max };
  }
  return profile;
}

/** Whether every input of `profile` has a shape in `shapes` within its [min, max] (same rank). */
export function fitsProfile(shapes: Readonly<Record<string, readonly number[]>>, profile: OptimizationProfile): boolean {
  return Object.entries(profile).every(([name, r]) => {
    const d = Object.prototype.hasOwnProperty.call(shapes, name) ? shapes[name] : undefined;
    return !!d && d.length === r.min.length && d.every((x, a) => x >= r.min[a] && x <= r.max[a]);
  });
}

// ---------------------------------------------------------------------------------------------------- layouts

/** An input as an engine reports it: its dims (-1 dynamic) and its range in each profile. */
export interface InputProfiles {
  name: string;
  dims: readonly number[];
  /** One range per profile; a static input may have none (its dims are its range). */
  profiles: readonly InputRange[];
}

/** Profiles by input (an engine's layout) -> `count` profiles by input name (buildEngine's layout). */
export function profilesByIndex(inputs: readonly InputProfiles[], count: number): OptimizationProfile[] {
  return Array.from({ length: count }, (_, p) => {
    const profile = namedRecord<InputRange>();
    for (const input of inputs) {
      const r = input.profiles[p] ?? { min: input.dims, opt: input.dims, max: input.dims };
      profile[input.name] = { min: [...r.min], opt: [...r.opt], max: [...r.max] };
    }
    return profile;
  });
}

/** A profile as the list of entries the addon builds from: [{ name, min, opt, max }]. */
export function profileEntries(profile: OptimizationProfile): { name: string; min: number[]; opt: number[]; max: number[] }[] {
  return Object.entries(profile).map(([name, r]) => ({ name, min: [...r.min], opt: [...r.opt], max: [...r.max] }));
}

// ------------------------------------------------------------------------------------------------ bare shapes

/** The inputs a bare shape may be meant for: the dynamic ones, or the only input (every command alike). */
export function shapeableInputs(model: Pick<ModelSummary, 'inputs'>): string[] {
  const feed = model.inputs.filter((i) => !i.isInitializer);
  const dynamic = feed.filter(isDynamicInput);
  return (dynamic.length ? dynamic : feed).map((i) => i.name);
}

/**
 * A shape text with its bare entry ('1x3x224x224', or a bare range) named after the model's only input to shape
 * (shapeableInputs). A bare entry with several such inputs is a usage error naming them.
 */
export function nameBareShape(text: ShapeText, model: Pick<ModelSummary, 'inputs'>): ShapeText {
  const bare = text.entries.find((e) => e.name === '');
  if (!bare) return text;
  const inputs = shapeableInputs(model);
  if (inputs.length !== 1) {
    throw new InvalidValueError(
      text.label,
      `named shapes ('${inputs[0] ?? 'input'}:1x3x224x224${inputs[1] ? `,${inputs[1]}:...` : ''}')`,
      bare.entry,
      `The model has ${inputs.length} inputs to shape (${inputs.join(', ') || 'none'}); a bare shape only works for one`,
    );
  }
  if (text.entries.some((e) => e.name === inputs[0])) {
    throw new InvalidValueError(text.label, 'each name once', bare.entry, `The bare shape is for "${inputs[0]}", which is given too`);
  }
  return { ...text, entries: text.entries.map((e) => (e === bare ? { ...e, name: inputs[0] } : e)) };
}
