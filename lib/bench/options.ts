/**
 * The benchmark's option values, defined once for runBench and `trt-node bench` alike: which backends there are, and
 * what a duration may be. Light on purpose (lib/validate only): the CLI checks its flags with these before loading
 * onnxruntime-node or the addon, and names the flag where runBench names the option.
 */
import { InvalidTypeError, InvalidValueError } from '../errors';
import * as v from '../validate';

/** The backends bench times: TensorRT, onnxruntime-node. */
export const BACKENDS = ['trt', 'ort'] as const;
export type BackendName = (typeof BACKENDS)[number];

/** A timed phase longer than an hour is a typo (seconds taken for milliseconds), not a benchmark. */
export const MAX_DURATION_S = 3600;

/** A non-empty list of backends, each named once (duplicates dropped, order kept). */
export function backendList(value: unknown, parameter: string): BackendName[] {
  const list = v.arrayOf(value, parameter, (b, p) => v.oneOf(b, p, BACKENDS), { nonEmpty: true });
  return [...new Set(list)];
}

/** `--backends trt,ort`: the comma-separated list, refused whole (the flag's value in the message) when any is unknown. */
export function parseBackends(text: string, option: string): BackendName[] {
  const names = text.split(',').map((b) => b.trim());
  if (!names.every((b): b is BackendName => (BACKENDS as readonly string[]).includes(b))) {
    throw new InvalidValueError(option, `a comma-separated list of ${BACKENDS.join(', ')}`, text);
  }
  return backendList(names, option);
}

/** Seconds to time each backend and shape, in (0, MAX_DURATION_S]: a number, or the flag's text ('2.5'). */
export function durationSeconds(value: unknown, parameter: string): number {
  const s = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof s !== 'number') throw new InvalidTypeError(parameter, 'seconds (a number)', value);
  if (!(Number.isFinite(s) && s > 0 && s <= MAX_DURATION_S)) throw new InvalidValueError(parameter, `seconds in (0, ${MAX_DURATION_S}]`, value);
  return s;
}
