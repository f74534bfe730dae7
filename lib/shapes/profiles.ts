/**
 * Optimization profiles: for each dynamic input, the min / opt / max shape an engine accepts (TensorRT tunes its
 * kernels for opt). Checked here against the model's declared dims before TensorRT sees them, so a mistake is named
 * by input and axis instead of surfacing as a builder error.
 */
import { InvalidTypeError, InvalidValueError, ShapeError } from '../errors';
import type { Dim, InputSummary, ModelSummary } from '../onnx/types';
import { checkProfileNamedDimensions, dimensionNames } from './named-dims';

export type Shape = readonly number[];

/** The accepted range of one input. TensorRT requires min ≤ opt ≤ max on every axis. */
export interface InputRange {
  min: Shape;
  opt: Shape;
  max: Shape;
}

/** One optimization profile: a range per input name (fully static inputs may be left out). */
export type OptimizationProfile = Record<string, InputRange>;

/** The graph inputs a profile is about: inputs that are not backed by an initializer (weights). */
export function modelInputs(model: ModelSummary): InputSummary[] {
  return model.inputs.filter((i) => !i.isInitializer);
}

export function dimText(d: Dim): string {
  return d.kind === 'fixed' ? String(d.value) : d.kind === 'symbolic' ? d.name : '?';
}

export function dimsText(dims: Dim[] | null): string {
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
 * @param labelOf   how profile `index` is named in messages (default `${parameter}[index]`)
 */
export function validateProfiles(
  profiles: unknown,
  model: ModelSummary,
  parameter = 'profiles',
  labelOf: (index: number) => string = (index) => `${parameter}[${index}]`,
): OptimizationProfile[] {
  const list = profiles === undefined ? [] : Array.isArray(profiles) ? profiles : [profiles];
  const inputs = modelInputs(model);
  const byName = new Map(inputs.map((i) => [i.name, i]));
  const dynamic = inputs.filter(isDynamicInput);
  if (list.length === 0 && dynamic.length > 0) {
    const listed = dynamic.map((i) => `${i.name} ${dimsText(i.dims)}`).join(', ');
    const example = parameter.startsWith('--')
      ? `${parameter} ${dynamic.map((i) => `${i.name}:${exampleRange(i).map((d) => d.join('x')).join('..')}`).join(',')}`
      : JSON.stringify(Object.fromEntries(dynamic.map((i) => {
          const [min, opt, max] = exampleRange(i);
          return [i.name, { min, opt, max }];
        })));
    throw new ShapeError(
      `The model has dynamic inputs (${listed}); give at least one optimization profile in ${parameter} with the ` +
        `smallest, most common and largest shapes you will run, e.g. ${example}`,
      { inputs: dynamic.map((i) => i.name) },
    );
  }
  return list.map((profile, p) => {
    const where = labelOf(p);
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
    return out;
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

/** For messages: "input: 1x1x64x64 .. 1x1x256x256 .. 1x1x960x640". */
export function describeProfile(profile: OptimizationProfile): string {
  return Object.entries(profile)
    .map(([n, r]) => `${n}: ${r.min.join('x')} .. ${r.opt.join('x')} .. ${r.max.join('x')}`)
    .join('; ');
}

/** Whether every input of `profile` has a shape in `shapes` within its [min, max] (same rank). */
export function fitsProfile(shapes: Record<string, readonly number[]>, profile: OptimizationProfile): boolean {
  return Object.entries(profile).every(([name, r]) => {
    const d = shapes[name];
    return !!d && d.length === r.min.length && d.every((x, a) => x >= r.min[a] && x <= r.max[a]);
  });
}
