/**
 * Default tolerances by dtype, and the `--atol 1e-4,output:1e-3` syntax that overrides them globally and per output.
 *
 * | dtype             | atol  | rtol  | why                                                                    |
 * |-------------------|-------|-------|------------------------------------------------------------------------|
 * | float64           | 1e-7  | 1e-6  | double precision; differences come from summation order only           |
 * | float32           | 1e-4  | 1e-3  | fp32 kernels differ in summation order and fused ops (~1e-6 relative   |
 * |                   |       |       | per op, growing with depth); TensorRT's TF32 (default on Ampere+) may  |
 * |                   |       |       | need `--atol 1e-3` — a wrong resize or training-mode export is ~1e-1   |
 * | float16, bfloat16 | 1e-2  | 1e-2  | 10 (7) mantissa bits: ~1e-3 (~8e-3) relative per rounding              |
 * | integers, bool    | 0     | 0     | compared exactly                                                       |
 */
import { InvalidValueError } from '../errors';
import { splitNamedList } from '../shapes/spec';
import { quoted } from '../util/terminal';
import { namedRecord, own } from '../util/names';
import * as v from '../validate';

export interface Tolerance {
  atol: number;
  rtol: number;
}

export const DEFAULT_TOLERANCES: Readonly<Record<string, Tolerance>> = {
  float64: { atol: 1e-7, rtol: 1e-6 },
  float32: { atol: 1e-4, rtol: 1e-3 },
  float16: { atol: 1e-2, rtol: 1e-2 },
  bfloat16: { atol: 1e-2, rtol: 1e-2 },
};

const EXACT: Tolerance = { atol: 0, rtol: 0 };

/** Tolerances given by the user: a global value and per-output values, for atol and rtol separately. */
export interface ToleranceOverrides {
  atol?: number;
  rtol?: number;
  perOutput?: Record<string, { atol?: number; rtol?: number }>;
}

/**
 * The dtype whose defaults apply when comparing `actual` with `expected`: for two float types the less precise one
 * (a float32 output cannot meet a float64 reference's 1e-7, nor float16 float32's 1e-4), else the expected type.
 */
export function toleranceDtype(actual: string | undefined, expected: string | undefined): string {
  const a = actual !== undefined ? DEFAULT_TOLERANCES[actual] : undefined;
  const e = expected !== undefined ? DEFAULT_TOLERANCES[expected] : undefined;
  if (a && e) return a.atol > e.atol ? actual! : expected!;
  return expected ?? actual ?? '';
}

/** The tolerance for one output: per-output override, else global override, else the dtype's default. */
export function toleranceFor(output: string, dtype: string, overrides: ToleranceOverrides = {}): Tolerance {
  v.options(overrides, 'overrides');
  const base = DEFAULT_TOLERANCES[dtype] ?? EXACT;
  if (!(dtype in DEFAULT_TOLERANCES)) return EXACT; // integers and bool compare exactly, whatever was asked
  const mine = own(overrides.perOutput, output) ?? {};
  return {
    atol: mine.atol ?? overrides.atol ?? base.atol,
    rtol: mine.rtol ?? overrides.rtol ?? base.rtol,
  };
}

/**
 * Parses a CLI tolerance: '1e-4' (every output), 'output:1e-3' (one output), or both comma-separated
 * ('1e-4,output:1e-3'). Output names may contain ':' (the value is after the last one).
 */
export function parseTolerance(option: '--atol' | '--rtol', text: string): { global?: number; perOutput: Record<string, number> } {
  v.string(text, option);
  const result: { global?: number; perOutput: Record<string, number> } = { perOutput: namedRecord() };
  for (const { name, value: valueText } of splitNamedList(text, { option, example: 'output:1e-3', allowUnnamed: true })) {
    const value = valueText === '' ? NaN : Number(valueText);
    if (!Number.isFinite(value) || value < 0) {
      throw new InvalidValueError(option, `a finite number ≥ 0${name ? ` for output '${name}'` : ''}`, valueText);
    }
    if (name === '') result.global = value;
    else result.perOutput[name] = value;
  }
  return result;
}

/** Merges parsed --atol and --rtol into ToleranceOverrides. */
export function mergeTolerances(
  atol?: { global?: number; perOutput: Record<string, number> },
  rtol?: { global?: number; perOutput: Record<string, number> },
): ToleranceOverrides {
  v.options(atol, 'atol');
  v.options(rtol, 'rtol');
  const perOutput = namedRecord<{ atol?: number; rtol?: number }>();
  for (const [n, value] of Object.entries(atol?.perOutput ?? {})) perOutput[n] = { ...own(perOutput, n), atol: value };
  for (const [n, value] of Object.entries(rtol?.perOutput ?? {})) perOutput[n] = { ...own(perOutput, n), rtol: value };
  return { atol: atol?.global, rtol: rtol?.global, perOutput };
}

/**
 * Tolerance overrides `{ atol?, rtol?, perOutput?: { [output]: { atol?, rtol? } } }`, every value a finite number
 * ≥ 0. A NaN tolerance would make every comparison pass (no difference is > NaN), a negative one fail identical
 * tensors. Returns a copy; perOutput is a null-prototype record (outputs may be named `toString`).
 */
const TOLERANCE_FIELDS = v.optionNames<ToleranceOverrides>()({ atol: true, rtol: true, perOutput: true });

export function validateTolerances(value: unknown, parameter = 'tolerance'): ToleranceOverrides {
  const t = v.object(value, parameter, 'tolerance overrides { atol?, rtol?, perOutput? }');
  v.knownKeys(t, parameter, TOLERANCE_FIELDS);
  const num = v.optional(v.nonNegativeNumber);
  const out: ToleranceOverrides = {};
  const atol = num(t.atol, `${parameter}.atol`);
  const rtol = num(t.rtol, `${parameter}.rtol`);
  if (atol !== undefined) out.atol = atol;
  if (rtol !== undefined) out.rtol = rtol;
  if (t.perOutput !== undefined) {
    out.perOutput = v.record(
      t.perOutput,
      `${parameter}.perOutput`,
      (o, p) => {
        const each = v.object(o, p, '{ atol?, rtol? }');
        v.knownKeys(each, p, ['atol', 'rtol']);
        const one: { atol?: number; rtol?: number } = {};
        const a = num(each.atol, `${p}.atol`);
        const r = num(each.rtol, `${p}.rtol`);
        if (a !== undefined) one.atol = a;
        if (r !== undefined) one.rtol = r;
        return one;
      },
      'an object of { atol?, rtol? } by output name',
    );
  }
  return out;
}

/**
 * Refuses per-output tolerances for outputs the model does not have: a typo (`--atol ouput:1e-3`) would otherwise
 * leave the default tolerance in place without a word.
 * @param outputs the model's output names.
 */
export function validateToleranceOutputs(overrides: ToleranceOverrides | undefined, outputs: readonly string[], parameter = 'tolerance.perOutput'): void {
  const known = new Set(v.arrayOf(outputs, 'outputs', v.string));
  const t = v.optional(validateTolerances)(overrides, parameter);
  for (const name of Object.keys(t?.perOutput ?? {})) {
    if (!known.has(name)) {
      throw new InvalidValueError(
        parameter,
        `an output of the model (${outputs.map(quoted).join(', ') || 'none'})`,
        name,
        'A tolerance for an output the model lacks would never apply',
      );
    }
  }
}
