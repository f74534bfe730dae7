/**
 * JSON for every document trt-node prints or writes. JSON.stringify writes NaN and ±Infinity as null, which reads as
 * "not computed" (maxAbsError null means "not compared") exactly where an output went NaN or Inf: they are written
 * as the strings 'NaN', 'Infinity', '-Infinity'. A bigint (which JSON.stringify throws on) becomes a number when
 * exact, else its decimal string.
 */
export function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  return value;
}

/** `value` as indented JSON, through jsonReplacer. */
export function toJson(value: unknown, indent = 2): string {
  return JSON.stringify(value, jsonReplacer, indent);
}
