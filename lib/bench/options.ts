/**
 * The benchmark's option values, defined once for runBench and `trt-node bench` alike: the CLI's names for the
 * runners bench times, and what a duration may be. Light on purpose (nothing that loads a runtime): the CLI checks its flags
 * with these before loading onnxruntime-node or the addon, and names the flag where runBench names the option.
 */
import { InvalidTypeError, InvalidValueError } from '../errors';
import type { BuiltInRunnerKind } from '../runners/runner';
import { own } from '../util/names';
import { validateDevices } from '../trt/device';

/** `--backends`: trtexec-style short names of the runner kinds bench times by default. */
export const BACKEND_KINDS: Readonly<Record<string, BuiltInRunnerKind>> = { trt: 'tensorrt', ort: 'onnxruntime' };

/** The short names `--backends` takes (their kinds' own names are taken too). */
export const BACKENDS = Object.keys(BACKEND_KINDS);

/** A timed phase longer than an hour is a typo (seconds taken for milliseconds), not a benchmark. */
export const MAX_DURATION_S = 3600;

/**
 * `--backends trt,ort`: the runner kinds of a comma-separated list of short names (or the kinds' own names), each
 * once (order kept); refused whole, the flag's value in the message, when any is unknown.
 */
export function parseBackends(text: string, option: string): BuiltInRunnerKind[] {
  const kinds = Object.values(BACKEND_KINDS);
  const names = text.split(',').map((b) => b.trim());
  const chosen = names.map((b) => own(BACKEND_KINDS, b) ?? kinds.find((k) => k === b));
  if (names.length === 0 || !chosen.every((k): k is BuiltInRunnerKind => k !== undefined)) {
    throw new InvalidValueError(option, `a comma-separated list of ${BACKENDS.join(', ')} (or ${kinds.join(', ')})`, text);
  }
  return [...new Set(chosen)];
}

/** Seconds to time each backend and shape, in (0, MAX_DURATION_S]: a number, or the flag's text ('2.5'). */
export function durationSeconds(value: unknown, parameter: string): number {
  const s = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof s !== 'number') throw new InvalidTypeError(parameter, 'seconds (a number)', value);
  if (!(Number.isFinite(s) && s > 0 && s <= MAX_DURATION_S)) throw new InvalidValueError(parameter, `seconds in (0, ${MAX_DURATION_S}]`, value);
  return s;
}

/** More runs in flight than this is a typo (each holds its inputs and outputs), not a benchmark. */
export const MAX_CONCURRENCY = 1024;

/** `--devices 0,1` or `--devices all`: the devices an EnginePool runs on, refused whole naming the flag. */
export function parseDevices(text: string, option: string): number[] | 'all' {
  const t = text.trim();
  if (t === 'all') return 'all';
  const parts = t.split(',').map((p) => p.trim());
  if (!parts.every((p) => /^\d+$/.test(p))) throw new InvalidValueError(option, "'all' or a comma-separated list of CUDA device numbers (0,1)", text);
  return validateDevices(parts.map(Number), option);
}
