/**
 * trtexec's shape syntax, shared by every command that takes shapes:
 *   dims        '1x1x256x256'                      -> [1, 1, 256, 256]
 *   shape list  'input:1x1x256x256,other:2x3'      -> { input: [1, 1, 256, 256], other: [2, 3] }
 * and the generic `name:value,...` list splitter under it (also used for profile ranges `input:min..opt..max`
 * in lib/trt/shapes-spec.ts and value ranges `input:0..1` in lib/runners/feeds.ts).
 *
 * Names may contain ':' (the value is what follows the last one, as trtexec reads 'input:0:1x3') and may be
 * single-quoted ('my input':1x3); names containing ',' cannot be written in this syntax.
 * Errors are InvalidValueError naming the option, the bad entry and the bad token.
 */
import { PARSE_DIMS_OPTIONS, PARSE_SHAPE_LIST_OPTIONS, SPLIT_NAMED_LIST_OPTIONS } from './option-names';
import { InvalidTypeError, InvalidValueError } from '../errors';
import { NamedRecord, namedRecord } from '../util/names';
import * as v from '../validate';

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
  /** The name, unquoted. */
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

export interface ParseShapeListOptions {
  /** The option named in errors. Default '--shapes'. */
  option?: string;
  /** Accept 0 as a dim. Default false. */
  allowZero?: boolean;
}

/**
 * trtexec's `--shapes`: 'input:1x1x256x256,other:2x3' -> { input: [1,1,256,256], other: [2,3] } (insertion order
 * kept, in a null-prototype record: an input may be called `__proto__` or `toString`). Ranges ('..') are refused
 * with a pointer to profiles: they belong to engine builds (lib/trt/shapes-spec.ts).
 */
export function parseShapeList(spec: unknown, options: ParseShapeListOptions = {}): NamedRecord<number[]> {
  const o = v.options<ParseShapeListOptions>(options, 'options', PARSE_SHAPE_LIST_OPTIONS);
  const option = o.option === undefined ? '--shapes' : v.string(o.option, 'options.option');
  const out = namedRecord<number[]>();
  for (const { name, value, entry } of splitNamedList(spec, { option })) {
    if (value.includes('..')) {
      throw new InvalidValueError(option, 'one fixed shape per input', entry, 'min..opt..max ranges are for building engines (trt-node build --shapes)');
    }
    out[name] = parseDims(value, { option, entry, allowZero: o.allowZero });
  }
  return out;
}

/** [1, 3, 224, 224] -> '1x3x224x224' (a scalar, [], gives ''). */
export function formatDims(dims: readonly number[]): string {
  return dims.join('x');
}

/** { input: [1, 3] } -> 'input:1x3' (the inverse of parseShapeList). */
export function formatShapeList(shapes: Readonly<Record<string, readonly number[]>>): string {
  return Object.entries(v.shapes(shapes, 'shapes'))
    .map(([name, dims]) => `${name}:${formatDims(dims)}`)
    .join(',');
}
