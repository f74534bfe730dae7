/**
 * The shape grammar: trtexec's syntax, one parser and one formatter for every command and the library.
 *   dims        '1x1x256x256'                                  -> [1, 1, 256, 256]
 *   shape text  'input:1x1x256x256,other:2x3'                  one fixed shape per input
 *               'input:1x1x64x64..1x1x256x256..1x1x960x640'    a min..opt..max range (an optimization profile)
 *               '1x1x256x256'                                  a bare shape (or range) for the model's only input
 *                                                              to shape, named by lib/shapes/profiles nameBareShape
 * One text is one set (a profile, or the shapes of one run); several sets: repeat the option (';' does not
 * separate them). Entries are split by splitNamedList, the one `name:value,...` splitter (also used by value ranges
 * `input:0..1` (parseValueRanges) and tolerances `output:1e-3` in lib/compare): names are trimmed, may contain ':' (the
 * value is what follows the last one, as trtexec reads 'input:0:1x3') and may be single-quoted ('my input':1x3);
 * empty entries (a trailing ',') are skipped. Names containing ',' cannot be written in this syntax.
 * Errors are InvalidValueError naming the option, the bad entry and the bad token.
 */
import { PARSE_DIMS_OPTIONS, PARSE_SHAPE_LIST_OPTIONS, PARSE_SHAPE_TEXT_OPTIONS, SPLIT_NAMED_LIST_OPTIONS } from './option-names';
import { InvalidTypeError, InvalidValueError } from '../errors';
import { NamedRecord, hasOwn, namedRecord } from '../util/names';
import * as v from '../validate';
import type { InputRange, OptimizationProfile, Shape } from './types';

export interface ParseDimsOptions {
  /** The option or parameter named in errors. Default '--shapes'. */
  option?: string;
  /** The whole entry the dims came from, quoted in errors (e.g. 'input:1x3xax4'). Default: the dims text. */
  entry?: string;
  /** Accept 0 as a dim (empty tensors; onnxruntime runs them, TensorRT profiles do not). Default false. */
  allowZero?: boolean;
}

/** '1x1x64x64' -> [1, 1, 64, 64]. Every dim a non-negative (by default positive) integer; names the bad token. */
export function parseDims(text: string, options: ParseDimsOptions = {}): number[] {
  const o = v.options<ParseDimsOptions>(options, 'options', PARSE_DIMS_OPTIONS);
  const option = o.option === undefined ? '--shapes' : v.string(o.option, 'options.option');
  if (typeof text !== 'string') throw new InvalidTypeError(option, "dims like 1x3x224x224 (a string)", text);
  const entry = o.entry ?? text;
  const min = o.allowZero ? 0 : 1;
  if (text.trim() === '') {
    throw new InvalidValueError(option, "dims like 1x3x224x224", entry, 'The shape is empty');
  }
  return text.split('x').map((token) => {
    const d = token.trim();
    if (!/^\d+$/.test(d)) {
      const what = d === '' ? "an empty dimension (two 'x' in a row, or one at an end)" : `"${d}" is not a dimension`;
      throw new InvalidValueError(option, "dims of integers separated by 'x' (e.g. 1x3x224x224)", entry, `In "${text}", ${what}`);
    }
    const n = Number(d);
    if (!Number.isSafeInteger(n) || n < min) {
      throw new InvalidValueError(option, `dims ≥ ${min}`, entry, `In "${text}", "${d}" is not a usable dimension`);
    }
    return n;
  });
}

/** One `name:value` entry of a comma-separated list. */
export interface NamedEntry {
  /** The name, trimmed and unquoted ('' for an unnamed entry, where allowed). */
  name: string;
  /** The text after the last ':' (trimmed). */
  value: string;
  /** The entry as written (trimmed), for error messages. */
  entry: string;
}

export interface SplitNamedListOptions {
  /** The option named in errors. Default '--shapes'. */
  option?: string;
  /** An example entry for error messages. Default 'input:1x3x224x224'. */
  example?: string;
  /** Allow entries without 'name:' (a value for everything); they come back with name ''. Default false. */
  allowUnnamed?: boolean;
}

/**
 * 'a:1x2,b:3' -> [{name:'a', value:'1x2'}, {name:'b', value:'3'}]. Empty entries (',,' or a trailing ',') are
 * skipped; an empty list, an entry without a name, or a name given twice is an error naming the entry.
 */
export function splitNamedList(spec: unknown, options: SplitNamedListOptions = {}): NamedEntry[] {
  const o = v.options<SplitNamedListOptions>(options, 'options', SPLIT_NAMED_LIST_OPTIONS);
  const option = o.option === undefined ? '--shapes' : v.string(o.option, 'options.option');
  const example = o.example ?? 'input:1x3x224x224';
  if (typeof spec !== 'string') throw new InvalidTypeError(option, `entries like '${example}' (a string)`, spec);
  if (spec.trim() === '') {
    throw new InvalidValueError(option, `entries like '${example}'`, spec);
  }
  const seen = new Set<string>();
  const out: NamedEntry[] = [];
  for (const raw of spec.split(',')) {
    const entry = raw.trim();
    if (entry === '') continue;
    const colon = entry.lastIndexOf(':');
    let name = colon >= 0 ? entry.slice(0, colon).trim() : '';
    if (name.length >= 2 && name.startsWith("'") && name.endsWith("'")) name = name.slice(1, -1);
    if (colon < 0 && !o.allowUnnamed) {
      throw new InvalidValueError(option, `entries of the form name:value (e.g. '${example}')`, entry, `"${entry}" has no ':'`);
    }
    if (colon >= 0 && name === '') {
      throw new InvalidValueError(option, `an input or output name before ':' (e.g. '${example}')`, entry);
    }
    const key = colon >= 0 ? name : '';
    if (seen.has(key)) {
      throw new InvalidValueError(option, 'each name once', entry, key ? `"${key}" is given twice` : 'Only one value without a name is allowed');
    }
    seen.add(key);
    out.push({ name: key, value: entry.slice(colon + 1).trim(), entry });
  }
  if (out.length === 0) throw new InvalidValueError(option, `entries like '${example}'`, spec);
  return out;
}

// ------------------------------------------------------------------------------------------------ shape texts

/** One entry of a shape text: a fixed shape (min = opt = max) or a min..opt..max range of one input. */
export interface ShapeEntry {
  /** The input name; '' for a bare shape (lib/shapes/profiles nameBareShape names it after the model's input). */
  name: string;
  range: InputRange;
  /** Whether it was written min..opt..max. */
  ranged: boolean;
  /** The entry as written, quoted in messages. */
  entry: string;
}

/** One value of a shape option, parsed: a set of entries and who gave it. */
export interface ShapeText {
  /** The option that gave it, named in every message about it ('--shapes', '--profile', 'options.shapes'). */
  label: string;
  entries: ShapeEntry[];
}

export interface ParseShapeTextOptions {
  /** The option named in errors. Default '--shapes'. */
  label?: string;
  /** Accept 0 in fixed shapes (empty tensors, which onnxruntime runs; ranges never take 0). Default false. */
  allowZero?: boolean;
}

const EXAMPLE_RANGE = '1x1x64x64..1x1x256x256..1x1x960x640';

/** Parses one shape text (see the header): fixed shapes, min..opt..max ranges, a bare entry for the only input. */
export function parseShapeText(text: unknown, options: ParseShapeTextOptions = {}): ShapeText {
  const o = v.options<ParseShapeTextOptions>(options, 'options', PARSE_SHAPE_TEXT_OPTIONS);
  const label = o.label === undefined ? '--shapes' : v.string(o.label, 'options.label');
  if (typeof text === 'string' && text.includes(';')) {
    throw new InvalidValueError(label, "one shape set, trtexec syntax 'input:1x3x224x224,other:1x10'", text, `Repeat ${label.replace(/ #\d+$/, '')} for several sets (';' does not separate them)`);
  }
  const entries = splitNamedList(text, { option: label, allowUnnamed: true }).map(({ name, value, entry }): ShapeEntry => {
    const parts = value.split('..');
    if (parts.length === 1) {
      const dims = parseDims(value, { option: label, entry, allowZero: o.allowZero });
      return { name, range: { min: dims, opt: dims, max: dims }, ranged: false, entry };
    }
    if (parts.length !== 3) {
      const example = `${name === '' ? '' : `${name}:`}${EXAMPLE_RANGE}`;
      throw new InvalidValueError(label, 'a fixed shape or min..opt..max', entry, `Give three shapes (e.g. ${example}) or one fixed shape`);
    }
    const [min, opt, max] = parts.map((p) => parseDims(p, { option: label, entry }));
    return { name, range: { min, opt, max }, ranged: true, entry };
  });
  return { label, entries };
}

/** Whether any entry of `text` is a min..opt..max range. */
export function isRanged(text: ShapeText): boolean {
  return text.entries.some((e) => e.ranged);
}

/** A bare entry where nothing can name it (no model at hand): the error the splitter gave before bare shapes. */
function refuseBare(text: ShapeText): ShapeText {
  const bare = text.entries.find((e) => e.name === '');
  if (bare) {
    throw new InvalidValueError(text.label, "entries of the form name:value (e.g. 'input:1x3x224x224')", bare.entry, `"${bare.entry}" has no ':'`);
  }
  return text;
}

/**
 * The fixed shapes of a text, by input name (a null-prototype record: an input may be called `__proto__`). A range
 * is refused with `why` (what to do with a range here).
 */
export function fixedShapes(text: ShapeText, why = 'min..opt..max ranges are optimization profiles, for building engines'): NamedRecord<number[]> {
  const out = namedRecord<number[]>();
  for (const e of text.entries) {
    if (e.ranged) throw new InvalidValueError(text.label, 'fixed shapes, one per input', e.entry, why);
    out[e.name] = [...e.range.opt];
  }
  return out;
}

/** The profile a text describes: its ranges, a fixed shape as min = opt = max (a null-prototype record). */
export function profileOf(text: ShapeText): OptimizationProfile {
  return namedRecord(text.entries.map((e) => [e.name, { min: [...e.range.min], opt: [...e.range.opt], max: [...e.range.max] }] as const));
}

export interface ParseShapeListOptions {
  /** The option named in errors. Default '--shapes'. */
  option?: string;
  /** Accept 0 as a dim. Default false. */
  allowZero?: boolean;
}

/**
 * trtexec's `--shapes`: 'input:1x1x256x256,other:2x3' -> { input: [1,1,256,256], other: [2,3] } (insertion order
 * kept, in a null-prototype record). Ranges ('..') are refused: they are profiles (parseShapesSpec).
 */
export function parseShapeList(spec: unknown, options: ParseShapeListOptions = {}): NamedRecord<number[]> {
  const o = v.options<ParseShapeListOptions>(options, 'options', PARSE_SHAPE_LIST_OPTIONS);
  const label = o.option === undefined ? '--shapes' : v.string(o.option, 'options.option');
  return fixedShapes(refuseBare(parseShapeText(spec, { label, allowZero: o.allowZero })));
}

/** 'input:AxB..CxD..ExF,other:GxH' -> one optimization profile. Fixed entries give min = opt = max. */
export function parseShapesSpec(spec: unknown, parameter = '--shapes'): OptimizationProfile {
  return profileOf(refuseBare(parseShapeText(spec, { label: parameter })));
}

/**
 * trtexec's --minShapes/--optShapes/--maxShapes, given as fixed shape sets by the flag that gave each: one profile.
 * Every input must appear in all three.
 */
export function combineMinOptMax(min: unknown, opt: unknown, max: unknown): OptimizationProfile {
  return combineFixedSets([
    ['--minShapes', parseShapeList(min, { option: '--minShapes' })],
    ['--optShapes', parseShapeList(opt, { option: '--optShapes' })],
    ['--maxShapes', parseShapeList(max, { option: '--maxShapes' })],
  ]);
}

/** Three fixed sets (min, opt, max, each with the option that gave it) as one profile; see combineMinOptMax. */
export function combineFixedSets(sets: readonly (readonly [string, Readonly<Record<string, number[]>>])[]): OptimizationProfile {
  const names = new Set(sets.flatMap(([, set]) => Object.keys(set)));
  const profile = namedRecord<InputRange>();
  for (const name of names) {
    for (const [flag, set] of sets) {
      if (!hasOwn(set, name)) {
        throw new InvalidValueError(flag, `a shape for input "${name}"`, undefined, 'Every input named in one of --minShapes/--optShapes/--maxShapes must be in all three');
      }
    }
    const [min, opt, max] = sets.map(([, set]) => [...set[name]]);
    profile[name] = { min, opt, max };
  }
  return profile;
}

// ------------------------------------------------------------------------------------------------- formatting

/** [1, 3, 224, 224] -> '1x3x224x224'; a scalar ([]) -> 'scalar'. */
export function formatDims(dims: Shape): string {
  return dims.length ? dims.join('x') : 'scalar';
}

/** { input: [1, 3] } -> 'input:1x3' (the inverse of parseShapeList). */
export function formatShapeList(shapes: Readonly<Record<string, readonly number[]>>): string {
  return Object.entries(v.shapes(shapes, 'shapes'))
    .map(([name, dims]) => `${name}:${formatDims(dims)}`)
    .join(',');
}

/** { min, opt, max } -> '1x1x64x64..1x1x256x256..1x1x960x640', or one shape when min = opt = max. */
export function formatRange(range: InputRange): string {
  const [a, b, c] = [range.min, range.opt, range.max].map(formatDims);
  return a === b && b === c ? a : `${a}..${b}..${c}`;
}

/** A profile in the --shapes syntax (the inverse of parseShapesSpec; for messages and `build` output). */
export function formatProfile(profile: OptimizationProfile): string {
  return Object.entries(profile)
    .map(([name, r]) => `${name}:${formatRange(r)}`)
    .join(',');
}
