/**
 * One validation layer for every public function's arguments, library and CLI alike. Each validator takes the
 * value and the name of the parameter as the caller wrote it ('options.tolerance.atol', '--seed',
 * 'samples[0].inputs'), returns the value typed (normalised where said), and throws:
 *   InvalidTypeError  ('ERR_TRT_NODE_INVALID_TYPE', name TypeError)  for a value of the wrong JavaScript type;
 *   InvalidValueError ('ERR_TRT_NODE_INVALID_VALUE', name RangeError) for the right type with an unusable value;
 * both naming the parameter and the value received ("Expected a finite number ≥ 0 for options.tolerance.atol but
 * received NaN"). Library functions call them first thing, so no raw TypeError ("Cannot read properties of null")
 * escapes from deeper code, and a NaN or a string never slips through where a number is meant.
 *
 * Records keyed by names (shapes, tensors, per-output tolerances) come back as null-prototype records
 * (lib/util/names.ts): a tensor may be called `toString` or `__proto__`.
 */
import { InvalidTypeError, InvalidValueError } from '../errors';
import { NamedRecord, namedRecord } from '../util/names';
import { nearestName } from '../util/nearest';

/** A validator: returns `value` typed, or throws naming `parameter`. */
export type Validator<T> = (value: unknown, parameter: string) => T;

/** `validator`, letting `undefined` through (an option left out). `null` is still checked, and refused. */
export function optional<T>(validator: Validator<T>): Validator<T | undefined> {
  return (value, parameter) => (value === undefined ? undefined : validator(value, parameter));
}

/** A non-null, non-array object (a plain record or a class instance). */
export function object(value: unknown, parameter: string, expected = 'an object'): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new InvalidTypeError(parameter, expected, value);
  return value as Record<string, unknown>;
}

/**
 * The option names of `T`, listed once, next to where they are checked: TypeScript requires exactly `T`'s keys (a
 * name missing or extra does not compile), so the list cannot drift from the type.
 * `const NAMES = optionNames<CheckOptions>()({ samples: true, shapes: true, ... })`
 */
export function optionNames<T extends object>(): (names: { readonly [K in keyof Required<T>]: true }) => readonly string[] {
  return (names) => Object.freeze(Object.keys(names));
}

/**
 * Refuses an own key of `value` that is not in `known`: a misspelt option (`saveOutput`, `tolerence`) would otherwise
 * be ignored without a word and change nothing. The error names the nearest known name when one is near.
 */
export function knownKeys(value: Record<string, unknown>, parameter: string, known: readonly string[]): void {
  if (!Array.isArray(known)) throw new InvalidTypeError('known', 'an array of option names', known);
  for (const key of Object.keys(object(value, parameter, 'an options object'))) {
    if (known.includes(key)) continue;
    const near = nearestName(key, known);
    throw new InvalidValueError(
      parameter,
      'a known option name',
      key,
      near ? `Did you mean ${near}?` : `The options are: ${known.join(', ')}`,
    );
  }
}

/**
 * An options argument: undefined gives `{}`; anything else must be an object, whose keys must all be `known` when
 * given (see knownKeys, optionNames).
 */
export function options<T extends object>(value: unknown, parameter = 'options', known?: readonly string[]): Partial<T> {
  if (value === undefined) return {};
  const o = object(value, parameter, 'an options object');
  if (known) knownKeys(o, parameter, known);
  return o as Partial<T>;
}

/** A string; `nonEmpty` refuses '' (and whitespace only). */
export function string(value: unknown, parameter: string, opts: { nonEmpty?: boolean } = {}): string {
  if (typeof value !== 'string') throw new InvalidTypeError(parameter, 'a string', value);
  if (opts.nonEmpty && value.trim() === '') throw new InvalidValueError(parameter, 'a non-empty string', value);
  return value;
}

/** A file path: a non-empty string without NUL characters (which no file system allows; Node throws a raw error). */
export function filePath(value: unknown, parameter: string): string {
  if (typeof value !== 'string') throw new InvalidTypeError(parameter, 'a file path (a string)', value);
  if (value === '') throw new InvalidValueError(parameter, 'a file path', value);
  if (value.includes('\0')) throw new InvalidValueError(parameter, 'a file path without NUL characters', value);
  return value;
}

export function boolean(value: unknown, parameter: string): boolean {
  if (typeof value !== 'boolean') throw new InvalidTypeError(parameter, 'true or false', value);
  return value;
}

/** A number that is finite (no NaN, no ±Infinity), within [min, max] when given. */
export function finiteNumber(value: unknown, parameter: string, range: { min?: number; max?: number } = {}): number {
  if (typeof value !== 'number') throw new InvalidTypeError(parameter, 'a number', value);
  const { min, max } = range;
  const expected =
    min !== undefined && max !== undefined ? `a finite number in [${min}, ${max}]` : min !== undefined ? `a finite number ≥ ${min}` : max !== undefined ? `a finite number ≤ ${max}` : 'a finite number';
  if (!Number.isFinite(value) || (min !== undefined && value < min) || (max !== undefined && value > max)) {
    throw new InvalidValueError(parameter, expected, value);
  }
  return value;
}

/** A finite number ≥ 0: tolerances, durations, ratios. */
export function nonNegativeNumber(value: unknown, parameter: string): number {
  return finiteNumber(value, parameter, { min: 0 });
}

/**
 * An integer that a double holds exactly (|n| ≤ 2^53 − 1: seeds, counts, dims), within [min, max] when given.
 * 1e30 and 9007199254740993 are refused: they are integers to JavaScript but not the integers the user typed.
 */
export function safeInteger(value: unknown, parameter: string, range: { min?: number; max?: number } = {}): number {
  if (typeof value !== 'number') throw new InvalidTypeError(parameter, 'an integer', value);
  const { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = range;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    const bounds =
      min === Number.MIN_SAFE_INTEGER && max === Number.MAX_SAFE_INTEGER
        ? 'a safe integer (at most 2^53 − 1 in magnitude)'
        : max === Number.MAX_SAFE_INTEGER
          ? `an integer ≥ ${min}`
          : `an integer in [${min}, ${max}]`;
    throw new InvalidValueError(parameter, bounds, value);
  }
  return value;
}

/** One of `allowed` (strings compared exactly). */
export function oneOf<T extends string>(value: unknown, parameter: string, allowed: readonly T[]): T {
  if (!Array.isArray(allowed)) throw new InvalidTypeError('allowed', 'an array of strings', allowed);
  if (typeof value !== 'string') throw new InvalidTypeError(parameter, `one of ${allowed.join(', ')}`, value);
  if (!(allowed as readonly string[]).includes(value)) throw new InvalidValueError(parameter, `one of ${allowed.join(', ')}`, value);
  return value as T;
}

/** An array, each item checked by `item` (named `parameter[i]`). */
export function arrayOf<T>(value: unknown, parameter: string, item: Validator<T>, opts: { nonEmpty?: boolean } = {}): T[] {
  if (!Array.isArray(value)) throw new InvalidTypeError(parameter, 'an array', value);
  if (opts.nonEmpty && value.length === 0) throw new InvalidValueError(parameter, 'a non-empty array', value);
  return value.map((v, i) => item(v, `${parameter}[${i}]`));
}

/** Tensor dims: an array of safe integers ≥ 0 (≥ 1 with `allowZero: false`). Returns a copy. */
export function dims(value: unknown, parameter: string, opts: { allowZero?: boolean } = {}): number[] {
  if (!Array.isArray(value)) throw new InvalidTypeError(parameter, 'dims (an array of integers, e.g. [1, 3, 224, 224])', value);
  const min = opts.allowZero === false ? 1 : 0;
  return value.map((d, i) => safeInteger(d, `${parameter}[${i}]`, { min }));
}

/** Entries of a record given as an object or a Map (own enumerable keys only: never inherited members). */
function entriesOf(value: unknown, parameter: string, expected: string): [string, unknown][] {
  if (value instanceof Map) {
    return [...value.entries()].map(([k, v]) => {
      if (typeof k !== 'string') throw new InvalidTypeError(`${parameter} key`, 'a string', k);
      return [k, v];
    });
  }
  return Object.entries(object(value, parameter, expected));
}

/**
 * A record of values by name, each checked by `item` (named `parameter["name"]`); accepts an object or a Map and
 * returns a null-prototype record in the same order.
 */
export function record<T>(value: unknown, parameter: string, item: Validator<T>, expected = 'an object of values by name'): NamedRecord<T> {
  return namedRecord(entriesOf(value, parameter, expected).map(([k, v]) => [k, item(v, `${parameter}[${JSON.stringify(k)}]`)] as const));
}

/**
 * Input shapes by input name, e.g. `{ input: [1, 3, 224, 224] }` (what parseShapeList gives): each an array of
 * integers ≥ 0 (≥ 1 with `allowZero: false`). Returns a null-prototype copy.
 */
export function shapes(value: unknown, parameter: string, opts: { allowZero?: boolean } = {}): NamedRecord<number[]> {
  return record(value, parameter, (v, p) => dims(v, p, opts), 'an object of dims by input name, e.g. { input: [1, 3, 224, 224] }');
}

/** A function (a callback such as onProgress): checked up front, not found wrong mid-run. */
export function callback<T extends (...args: never[]) => unknown>(value: unknown, parameter: string): T {
  if (typeof value !== 'function') throw new InvalidTypeError(parameter, 'a function', value);
  return value as T;
}

/** An AbortSignal (checked by shape, so signals of another realm pass). */
export function abortSignal(value: unknown, parameter: string): AbortSignal {
  const v = value as { aborted?: unknown; addEventListener?: unknown } | null;
  if (v === null || typeof v !== 'object' || typeof v.aborted !== 'boolean' || typeof v.addEventListener !== 'function') {
    throw new InvalidTypeError(parameter, 'an AbortSignal', value);
  }
  return value as AbortSignal;
}

