/**
 * The memory budget for tensor data trt-node allocates on a caller's behalf: arrays read from .npy/.npz files and
 * inputs it generates. A 4 MB .npz can honestly declare 4 GB of zeros, and a model can fix an input at 2^31
 * elements; both are checked here, from the declared dtype and shape, before a byte is allocated.
 *
 * Default: the smaller of 1 GiB and a quarter of this machine's memory, per call (one .npz read, one set of generated
 * feeds). 1 GiB holds any realistic input or reference (a batch of 64 images at 224² in float32 is 38 MB, a
 * 2048-token logits tensor over a 50k vocabulary 412 MB) and keeps the process under about 1.2 GB when a shape is
 * mistyped (`--shapes input:1x1x20000x20000` asks for 1.6 GB). Every reader and generator takes `maxTensorBytes` to
 * raise or lower it; the CLI's `--max-tensor-bytes`.
 */
import * as os from 'os';
import { InvalidTypeError, InvalidValueError, MemoryBudgetError } from '../errors';

export const DEFAULT_MAX_TENSOR_BYTES = Math.min(2 ** 30, Math.floor(os.totalmem() / 4));

/** The option callers and users set the budget with, named in every budget error. */
export const BUDGET_OPTION = 'maxTensorBytes (CLI: --max-tensor-bytes)';

/** 1536 → '1.5 KiB' (bytes may be a bigint beyond 2^53). */
export function formatByteSize(bytes: number | bigint): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  let value = Number(bytes);
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** Validates a `maxTensorBytes` option (a safe integer ≥ 1, or undefined for the default); returns the budget. */
export function maxTensorBytes(value: unknown, parameter = 'maxTensorBytes'): number {
  if (value === undefined) return DEFAULT_MAX_TENSOR_BYTES;
  if (typeof value !== 'number') throw new InvalidTypeError(parameter, 'a number of bytes', value);
  if (!Number.isSafeInteger(value) || value < 1) throw new InvalidValueError(parameter, 'a whole number of bytes ≥ 1', value);
  return value;
}

/**
 * Bytes of a tensor of `dims` with `elementSize`-byte elements, exactly (as a bigint: 2^31 × 2^31 × 4 does not fit a
 * double). Strings count their fixed width per element.
 */
export function tensorBytes(dims: readonly number[], elementSize: number): bigint {
  let n = BigInt(elementSize);
  for (const d of dims) n *= BigInt(d);
  return n;
}

/**
 * The MemoryBudgetError for `what` needing `bytes` (after `already` bytes held by the same read) over `budget`.
 * @param what the thing that would be allocated, e.g. "x.npz: array 'x' (shape (1073741824,) of float32)".
 */
export function budgetError(bytes: number | bigint, budget: number, what: string, details: Record<string, unknown> = {}, already = 0): MemoryBudgetError {
  const held = already > 0 ? `, which with the ${formatByteSize(already)} already held is` : ',';
  return new MemoryBudgetError(
    `${what} needs ${formatByteSize(bytes)}${held} more than the memory budget of ${formatByteSize(budget)}. ` +
      `If the data is right and this machine has the memory, raise the budget with ${BUDGET_OPTION}`,
    { bytes: Number.isSafeInteger(Number(bytes)) ? Number(bytes) : bytes.toString(), budget, ...details },
  );
}

/** Throws budgetError(...) when `already + bytes` exceed `budget`; returns the new total. */
export function checkBudget(bytes: number | bigint, budget: number, what: string, details: Record<string, unknown> = {}, already = 0): number {
  if (BigInt(bytes) + BigInt(already) <= BigInt(budget)) return already + Number(bytes);
  throw budgetError(bytes, budget, what, details, already);
}

const UNITS: Readonly<Record<string, number>> = { '': 1, b: 1, k: 2 ** 10, kb: 1e3, kib: 2 ** 10, m: 2 ** 20, mb: 1e6, mib: 2 ** 20, g: 2 ** 30, gb: 1e9, gib: 2 ** 30, t: 2 ** 40, tb: 1e12, tib: 2 ** 40 };

/** A size for the CLI: '4GiB', '512MiB', '1.5G' (binary when no 'B' follows a unit letter), '1e9'. */
export function parseByteSize(text: string, option = '--max-tensor-bytes'): number {
  if (typeof text !== 'string') throw new InvalidTypeError(option, 'a size like 4GiB (a string)', text);
  const m = /^\s*(\d+(?:\.\d+)?(?:e\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  const unit = m ? UNITS[m[2].toLowerCase()] : undefined;
  const bytes = m && unit !== undefined ? Math.floor(Number(m[1]) * unit) : NaN;
  if (!Number.isSafeInteger(bytes) || bytes < 1) {
    throw new InvalidValueError(option, "a size like 4GiB, 512MiB or 1e9 (bytes)", text);
  }
  return bytes;
}
