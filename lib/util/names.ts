/**
 * Names from models and files used as keys. Input, output and array names are chosen by whoever made the file:
 * `toString`, `constructor`, `valueOf`, `hasOwnProperty` and `__proto__` are all valid tensor names. On a plain `{}`
 * they read inherited members (`feeds['toString']` is a function) and `out['__proto__'] = t` replaces the prototype
 * instead of adding an entry. Records keyed by such names are therefore made with a null prototype, and looked up
 * with `own()` wherever a record may come from a caller (a caller's plain object still inherits from Object).
 */

/** A record keyed by names from a model or a file: made by namedRecord(), so every name is an ordinary key. */
export type NamedRecord<T> = Record<string, T>;

/**
 * A null-prototype record, optionally filled from entries or from another record's own enumerable keys (in their
 * order). Plain assignment is safe on it for every key, `__proto__` included; `in` and `Object.keys` see only names
 * set on it, and JSON.stringify and object spread keep every entry.
 */
export function namedRecord<T>(from?: Iterable<readonly [string, T]> | Readonly<Record<string, T>> | null): NamedRecord<T> {
  const out = Object.create(null) as NamedRecord<T>;
  if (from === undefined || from === null) return out;
  // An internal helper (not part of the public API): a wrong argument is a bug of ours, a plain TypeError.
  if (typeof from !== 'object') throw new TypeError('namedRecord: expected entries or a record');
  const entries = Symbol.iterator in from ? (from as Iterable<readonly [string, T]>) : Object.entries(from as Record<string, T>);
  for (const entry of entries) {
    if (!Array.isArray(entry) || typeof entry[0] !== 'string') throw new TypeError('namedRecord: expected entries of [name, value] with string names');
    out[entry[0]] = entry[1] as T;
  }
  return out;
}

/** Whether `record` has its own entry `key` (inherited members such as `toString` do not count). */
export function hasOwn(record: object | null | undefined, key: string): boolean {
  return record !== null && record !== undefined && Object.prototype.hasOwnProperty.call(record, key);
}

/** `record[key]` when it is the record's own entry, else undefined: never an inherited member such as `toString`. */
export function own<T>(record: Readonly<Record<string, T>> | null | undefined, key: string): T | undefined {
  return hasOwn(record, key) ? record![key] : undefined;
}
