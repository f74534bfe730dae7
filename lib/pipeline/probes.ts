/**
 * The one probe planner: the shapes every run of check, the cross-check and the benchmark happens at. Requested
 * probes (saved samples, --shapes, the model's own or default sizes), the dynamic-axes probes of check (a larger
 * aligned size, an odd size, profile bounds, one axis at a time to name a culprit) and the sweep over a profile's
 * range all come from here.
 *
 * The sweep: where in the dynamic range the runners are compared. TensorRT engines are
 * often right at opt and wrong elsewhere (other tactics at other sizes, TensorRT issues 2457 and 4250), so the
 * default set covers each profile's min, opt and max, points in between, and odd sizes (primes, never multiples
 * of 8) for every dynamic axis, jointly and one axis at a time.
 *
 * Dynamic axes are grouped by symbol (dim_param): axes that share a name (e.g. 'batch' on two inputs) always take
 * the same value, since the model requires it at run time.
 */
import { InvalidValueError, ShapeError } from '../errors';
import type { InputSummary, ModelSummary } from '../onnx/types';
import { defaultDimSize } from '../shapes/dims';
import { OptimizationProfile, fitsProfile, isDynamicInput, modelInputs, profileFromSamples, validateProfiles } from '../shapes/profiles';
import { ELEMENT_SIZE, elementCount, isNumericType } from '../tensor/types';
import { budgetError, tensorBytes } from '../io/budget';
import { own } from '../util/names';

/**
 * sample/given/default/fixed: shapes asked for (a saved sample, --shapes or --probes, default sizes, a static
 * model's own); aligned/odd/bound/axis: check's dynamic-axes probes (a larger size keeping the baseline's
 * divisibility, an odd size, a profile bound, one axis alone); min/opt/max/between/odd/odd-axis: the sweep.
 */
export type ProbeKind = 'sample' | 'given' | 'default' | 'fixed' | 'min' | 'opt' | 'max' | 'between' | 'odd' | 'odd-axis' | 'aligned' | 'bound' | 'axis';

/** Kinds of the runs asked for (samples, --shapes, the model's or default sizes), as against sizes made up to probe. */
export const REQUESTED_KINDS: ReadonlySet<ProbeKind> = new Set<ProbeKind>(['sample', 'given', 'default', 'fixed']);

/** A run the caller asked for: a requested kind, not the default-size baseline run only to probe from. */
export function isRequestedRun(p: Pick<Probe, 'kind' | 'baselineOnly'>): boolean {
  return REQUESTED_KINDS.has(p.kind) && !p.baselineOnly;
}

export interface Probe {
  /** Position in the probe list (results refer to probes by it). */
  index: number;
  /** e.g. 'profile 0 min', 'sample inputs_1x1x64x64.npz', 'odd height=97'. */
  label: string;
  kind: ProbeKind;
  /** A shape per data input. */
  shapes: Record<string, number[]>;
  /** The optimization profile the probe was made from (TensorRT runs it with that profile). */
  profile?: number;
  /** Key of the saved sample whose inputs (and reference outputs) this probe uses. */
  sample?: string;
  /** The value of each dynamic symbol at this probe. */
  values: Record<string, number>;
  /** For an 'axis' probe: the index of the probe whose failure it narrows down. */
  parent?: number;
  /** Run only as the baseline of the dynamic-axes probes (no requested size could run), not as a run asked for. */
  baselineOnly?: boolean;
  /** Set when the probe must not run (e.g. its shape conflicts with a fixed dim): why, and the finding that says so. */
  blocked?: { message: string; code?: string };
}

/** A dynamic dim of the model's inputs: a symbol and every (input, axis) that carries it. */
export interface AxisSymbol {
  symbol: string;
  uses: { input: string; axis: number }[];
}

/** A probe skipped because it is too large to run (see ProbeSetOptions.maxElements). */
export interface SkippedProbe {
  label: string;
  shapes: Record<string, number[]>;
  reason: string;
}

/** The inputs crossCheck feeds: graph inputs that are not initializer-backed. */
export function feedInputs(model: ModelSummary): InputSummary[] {
  return modelInputs(model);
}

/** The model's dynamic input dims grouped by symbol; an unnamed dynamic dim gets its own symbol 'input[axis]'. */
export function axisSymbols(model: ModelSummary): AxisSymbol[] {
  const bySymbol = new Map<string, AxisSymbol>();
  for (const input of feedInputs(model)) {
    (input.dims ?? []).forEach((d, axis) => {
      if (d.kind === 'fixed') return;
      const symbol = d.kind === 'symbolic' ? d.name : `${input.name}[${axis}]`;
      const entry = bySymbol.get(symbol) ?? { symbol, uses: [] };
      entry.uses.push({ input: input.name, axis });
      bySymbol.set(symbol, entry);
    });
  }
  return [...bySymbol.values()];
}

/** A symbol's range within one profile: the intersection over the axes that carry it. */
export interface SymbolRange {
  symbol: string;
  min: number;
  opt: number;
  max: number;
}

export function symbolRanges(symbols: readonly AxisSymbol[], profile: OptimizationProfile): SymbolRange[] {
  return symbols.map((s) => {
    let min = 1;
    let max = Number.MAX_SAFE_INTEGER;
    let opt: number | undefined;
    for (const u of s.uses) {
      const r = profile[u.input];
      if (!r) continue;
      min = Math.max(min, r.min[u.axis]);
      max = Math.min(max, r.max[u.axis]);
      opt ??= r.opt[u.axis];
    }
    if (max === Number.MAX_SAFE_INTEGER) max = min;
    if (max < min) max = min; // the profile gives shared axes disjoint ranges: only min can run everywhere
    return { symbol: s.symbol, min, max, opt: Math.min(max, Math.max(min, opt ?? min)) };
  });
}

function isPrime(n: number): boolean {
  if (n < 2) return false;
  if (n % 2 === 0) return n === 2;
  for (let d = 3; d * d <= n; d += 2) if (n % d === 0) return false;
  return true;
}

/**
 * An "odd" size in [lo, hi] near `target`: the nearest prime above 2 (so never a multiple of 8 or of 2), else
 * the nearest odd number, else the nearest number that is not a multiple of 8; avoids `avoid` when it can.
 * undefined when the range has a single value.
 */
export function oddSize(lo: number, hi: number, target: number, avoid: readonly number[] = []): number | undefined {
  if (hi <= lo) return undefined;
  const t = Math.min(hi, Math.max(lo, Math.round(target)));
  const tests: ((n: number) => boolean)[] = [(n) => n > 2 && isPrime(n), (n) => n % 2 === 1, (n) => n % 8 !== 0];
  for (const strictAvoid of [true, false]) {
    for (const ok of tests) {
      for (let delta = 0; delta <= hi - lo; delta++) {
        for (const n of delta === 0 ? [t] : [t + delta, t - delta]) {
          if (n < lo || n > hi || !ok(n) || (strictAvoid && avoid.includes(n))) continue;
          return n;
        }
      }
    }
  }
  return undefined;
}

function shapesFor(inputs: readonly InputSummary[], profile: OptimizationProfile | undefined, symbols: readonly AxisSymbol[], values: Record<string, number>): Record<string, number[]> {
  const out: Record<string, number[]> = Object.create(null);
  for (const input of inputs) {
    const range = profile?.[input.name];
    const rank = input.dims?.length ?? range?.opt.length ?? 0;
    out[input.name] = Array.from({ length: rank }, (_, axis) => {
      const d = input.dims?.[axis];
      if (d?.kind === 'fixed') return d.value;
      const s = symbols.find((x) => x.uses.some((u) => u.input === input.name && u.axis === axis));
      return (s && values[s.symbol]) ?? range?.opt[axis] ?? 1;
    });
  }
  return out;
}

export function shapesKey(shapes: Record<string, readonly number[]>): string {
  return Object.entries(shapes)
    .map(([n, d]) => `${n}:${d.join('x')}`)
    .join(',');
}

export interface ProbeSetOptions {
  /** Probe inputs larger than this many elements are skipped (recorded in `skipped`). Default 2**24. */
  maxElements?: number;
  /** Probes holding more bytes of tensor data than this (see probeBytes) are skipped too. Default: no limit. */
  maxTensorBytes?: number;
  /** Odd sizes of one axis at a time (others at opt), to tell which axis breaks. Default true. */
  perAxis?: boolean;
}

export const DEFAULT_MAX_ELEMENTS = 2 ** 24;

/**
 * The default probes of each profile: min, opt, max, two in-between points, two joint odd sizes and, per dynamic
 * symbol, an odd size of that symbol alone. Duplicates (same shapes) are merged into the first label.
 */
export function profileProbes(model: ModelSummary, profiles: readonly OptimizationProfile[], options: ProbeSetOptions = {}): { probes: Probe[]; skipped: SkippedProbe[] } {
  const inputs = feedInputs(model);
  const symbols = axisSymbols(model);
  const maxElements = options.maxElements ?? DEFAULT_MAX_ELEMENTS;
  const probes: Probe[] = [];
  const skipped: SkippedProbe[] = [];
  const seen = new Map<string, Probe>();
  const add = (label: string, kind: ProbeKind, profile: number | undefined, values: Record<string, number>) => {
    const shapes = shapesFor(inputs, profile === undefined ? undefined : profiles[profile], symbols, values);
    const key = shapesKey(shapes);
    if (seen.has(key)) return;
    const big = Object.entries(shapes).find(([, d]) => elementCount(d) > maxElements);
    if (big) {
      skipped.push({ label, shapes, reason: `input '${big[0]}' ${big[1].join('x')} has more than ${maxElements} elements (maxElements)` });
      return;
    }
    if (options.maxTensorBytes !== undefined && probeBytes(model, shapes) > BigInt(options.maxTensorBytes)) {
      skipped.push({ label, shapes, reason: `its tensors need more than the memory budget of ${options.maxTensorBytes} bytes (maxTensorBytes)` });
      return;
    }
    const probe: Probe = { index: probes.length, label, kind, shapes, values, ...(profile !== undefined ? { profile } : {}) };
    seen.set(key, probe);
    probes.push(probe);
  };
  // Nothing tells an unknown-rank input's shape (no sample, no profile rank): say so rather than feed a scalar.
  const unranked = inputs.find((i) => i.dims === null && !profiles.some((p) => p[i.name]?.opt.length));
  if (unranked) {
    throw new ShapeError(
      `input '${unranked.name}' has no shape in the model (unknown rank), so the sweep cannot make up its inputs: ` +
        `give a sample of its inputs (--inputs in.npz, options.samples), a profile (options.profiles), or the probes (--probes)`,
      { input: unranked.name },
    );
  }
  if (profiles.length === 0 || symbols.length === 0) {
    add('model shapes', 'fixed', profiles.length ? 0 : undefined, {});
    return { probes, skipped };
  }
  profiles.forEach((profile, p) => {
    const ranges = symbolRanges(symbols, profile);
    const pick = (f: (r: SymbolRange) => number | undefined) => Object.fromEntries(ranges.map((r) => [r.symbol, f(r) ?? r.opt]));
    const tag = profiles.length > 1 ? `profile ${p} ` : '';
    add(`${tag}min`, 'min', p, pick((r) => r.min));
    add(`${tag}opt`, 'opt', p, pick((r) => r.opt));
    add(`${tag}max`, 'max', p, pick((r) => r.max));
    add(`${tag}between min and opt`, 'between', p, pick((r) => Math.round((r.min + r.opt) / 2)));
    add(`${tag}between opt and max`, 'between', p, pick((r) => Math.round((r.opt + r.max) / 2)));
    const used = (r: SymbolRange) => [r.min, r.opt, r.max];
    add(`${tag}odd (low)`, 'odd', p, pick((r) => oddSize(r.min, r.max, r.min + (r.max - r.min) / 3, used(r))));
    add(`${tag}odd (high)`, 'odd', p, pick((r) => oddSize(r.min, r.max, r.min + (2 * (r.max - r.min)) / 3, used(r))));
    if (options.perAxis !== false && ranges.filter((r) => r.max > r.min).length > 1) {
      for (const r of ranges) {
        const v = oddSize(r.min, r.max, (r.opt + r.max) / 2, used(r));
        if (v === undefined) continue;
        add(`${tag}odd ${r.symbol}=${v}`, 'odd-axis', p, { ...pick((x) => x.opt), [r.symbol]: v });
      }
    }
  });
  return { probes, skipped };
}

/** Probes at given input shapes (`--probes`), each checked against the model's ranks and fixed dims. */
export function givenProbes(model: ModelSummary, given: readonly Record<string, readonly number[]>[], profiles: readonly OptimizationProfile[], parameter = 'probes'): Probe[] {
  const inputs = feedInputs(model);
  const symbols = axisSymbols(model);
  return given.map((shapes, i) => {
    const full: Record<string, number[]> = Object.create(null);
    for (const [name] of Object.entries(shapes)) {
      if (!inputs.some((x) => x.name === name)) {
        throw new InvalidValueError(`${parameter}[${i}]`, `an input of the model (${inputs.map((x) => `'${x.name}'`).join(', ')})`, name);
      }
    }
    for (const input of inputs) {
      const dims = shapes[input.name];
      if (!dims) {
        if (input.dims && input.dims.every((d) => d.kind === 'fixed')) {
          full[input.name] = input.dims.map((d) => (d.kind === 'fixed' ? d.value : 1));
          continue;
        }
        throw new ShapeError(`${parameter}[${i}] gives no shape for input '${input.name}', whose dims are dynamic`, { input: input.name });
      }
      if (input.dims && input.dims.length !== dims.length) {
        throw new ShapeError(`${parameter}[${i}]: input '${input.name}' has rank ${input.dims.length}, the shape given (${dims.join('x')}) has ${dims.length}`, { input: input.name });
      }
      input.dims?.forEach((d, axis) => {
        if (d.kind === 'fixed' && dims[axis] !== d.value) {
          throw new ShapeError(`${parameter}[${i}]: axis ${axis} of input '${input.name}' is fixed at ${d.value} in the model; the probe asks for ${dims[axis]}`, {
            input: input.name,
            axis,
          });
        }
      });
      full[input.name] = [...dims];
    }
    const values = valuesOf(symbols, full);
    const profile = profiles.findIndex((p) => fitsProfile(full, p));
    return { index: i, label: shapesKey(full), kind: 'given', shapes: full, values, ...(profile >= 0 ? { profile } : {}) };
  });
}

/** The symbol values of a set of shapes (first use of each symbol). */
export function valuesOf(symbols: readonly AxisSymbol[], shapes: Record<string, readonly number[]>): Record<string, number> {
  const values: Record<string, number> = Object.create(null);
  for (const s of symbols) {
    for (const u of s.uses) {
      const v = shapes[u.input]?.[u.axis];
      if (v !== undefined) {
        values[s.symbol] = v;
        break;
      }
    }
  }
  return values;
}

/** Where the profiles crossCheck sweeps came from. */
export type ProfileSource = 'given' | 'engine' | 'samples' | 'model';

/**
 * Profiles to sweep: the given ones (validated against the model), else one derived from the sample shapes, else
 * one from defaults (batch 1, image h/w 64, other dims 8). A derived range is widened to at least half the smallest
 * and twice the typical size on every dynamic axis: the point is to find sizes where the model breaks, and a single
 * export-time sample would otherwise leave nothing to sweep.
 */
export function resolveSweepProfiles(
  model: ModelSummary,
  given: OptimizationProfile | readonly OptimizationProfile[] | undefined,
  sampleShapes: readonly Record<string, readonly number[]>[],
): { profiles: OptimizationProfile[]; source: ProfileSource } {
  const inputs = feedInputs(model);
  if (given !== undefined) {
    const list = Array.isArray(given) ? given : [given];
    return { profiles: validateProfiles(list, model, 'options.profiles'), source: 'given' };
  }
  const symbols = axisSymbols(model);
  // An input of unknown rank has no symbol but still needs a range (from the samples): without one the probes fed
  // it a scalar and failed.
  if (symbols.length === 0 && !inputs.some((i) => i.dims === null)) return { profiles: [], source: 'model' };
  let base: OptimizationProfile;
  let source: ProfileSource;
  if (sampleShapes.length) {
    base = profileFromSamples(sampleShapes.map((s) => Object.fromEntries(inputs.filter((i) => s[i.name]).map((i) => [i.name, [...s[i.name]]]))), 'samples');
    source = 'samples';
  } else {
    base = Object.create(null);
    for (const [name, opt] of Object.entries(defaultShapes(model))) base[name] = { min: opt, opt, max: opt };
    source = 'model';
  }
  const widened: OptimizationProfile = Object.create(null);
  // Only dynamic inputs: a profile may leave fully fixed ones (weights left as inputs, masks) out.
  for (const input of inputs.filter(isDynamicInput)) {
    const r = base[input.name];
    if (!r) continue;
    const min = [...r.min];
    const max = [...r.max];
    (input.dims ?? r.opt.map(() => ({ kind: 'unknown' as const }))).forEach((d, axis) => {
      if (d.kind === 'fixed') return;
      min[axis] = Math.max(1, Math.min(min[axis], Math.floor(r.min[axis] / 2)));
      max[axis] = Math.max(max[axis], 2 * r.opt[axis]);
    });
    widened[input.name] = { min, opt: [...r.opt], max };
  }
  // Shared symbols must agree across inputs; validateProfiles also checks fixed dims and ranks.
  return { profiles: validateProfiles([widened], model, source === 'samples' ? 'sample shapes' : 'default shapes'), source };
}

// ---------------------------------------------------------------------------------------------------------------
// Default sizes, requested probes and check's dynamic-axes probes

/**
 * One default per symbol, from its first use (a symbol shared at different axes, 'k' in a[n, k] @ b[k, m], must
 * take one value), then the shape of every ranked input with fixed dims kept.
 */
export function defaultSymbolValues(model: ModelSummary): Record<string, number> {
  const inputs = feedInputs(model);
  const values: Record<string, number> = Object.create(null);
  for (const s of axisSymbols(model)) {
    const first = inputs.find((i) => i.name === s.uses[0].input)!;
    values[s.symbol] = defaultDimSize(first.dims?.length ?? 0, s.uses[0].axis);
  }
  return values;
}

export function defaultShapes(model: ModelSummary): Record<string, number[]> {
  return shapesFor(feedInputs(model), undefined, axisSymbols(model), defaultSymbolValues(model));
}

/** Shapes for every feed input from symbol values, keeping `keep`'s shapes for inputs of unknown rank. */
export function shapesAt(model: ModelSummary, values: Record<string, number>, keep: Record<string, readonly number[]> = {}): Record<string, number[]> {
  const inputs = feedInputs(model);
  const out = shapesFor(inputs, undefined, axisSymbols(model), values);
  for (const input of inputs) if (input.dims === null) out[input.name] = [...(keep[input.name] ?? [])];
  return out;
}

/** A larger size keeping the baseline's power-of-two divisibility (up to 64): 24 -> 32, 64 -> 128, 1 -> 2. */
export function alignedProbe(base: number): number {
  const lowbit = base & -base;
  return base + Math.min(lowbit || 1, 64);
}

/** An odd size about 1.5x the baseline (never equal to it): 24 -> 37, 64 -> 97, 1 -> 3. */
export function oddProbe(base: number): number {
  let v = Math.round(base * 1.5);
  if (v % 2 === 0) v += 1;
  if (v === base) v += 2;
  return v;
}

/** The probes kinds whose failure is an error (the size is valid by any account); odd sizes only warn. */
export function isStrictProbe(p: Pick<Probe, 'kind'>): boolean {
  return p.kind !== 'odd' && p.kind !== 'odd-axis';
}

/** A requested probe (sample, --shapes, defaults); `values` and `profile` are filled in from the model. */
export function requestedProbe(
  model: ModelSummary,
  kind: 'sample' | 'given' | 'default' | 'fixed',
  label: string,
  shapes: Record<string, number[]>,
  profiles: readonly OptimizationProfile[] = [],
  extra: Partial<Pick<Probe, 'sample' | 'blocked'>> = {},
): Probe {
  const profile = profiles.findIndex((p) => fitsProfile(shapes, p));
  return { index: -1, label, kind, shapes, values: valuesOf(axisSymbols(model), shapes), ...(profile >= 0 ? { profile } : {}), ...extra };
}

/**
 * check's dynamic-axes probes from a baseline that ran: every symbol at a larger size keeping the baseline's
 * divisibility ('aligned'; smaller when that would exceed maxElements), every symbol at an odd size ('odd'), and
 * each profile bound given ('bound', other inputs at the baseline).
 */
export function dynamicAxisProbes(
  model: ModelSummary,
  baseline: Pick<Probe, 'shapes' | 'values'>,
  options: { bounds?: readonly { label: string; shapes: Record<string, readonly number[]> }[]; maxElements?: number } = {},
): Probe[] {
  const symbols = axisSymbols(model);
  if (symbols.length === 0) return [];
  const maxElements = options.maxElements ?? DEFAULT_MAX_ELEMENTS;
  const base = (s: AxisSymbol) => baseline.values[s.symbol] ?? 1;
  const at = (f: (b: number) => number) => Object.fromEntries(symbols.map((s) => [s.symbol, f(base(s))]));
  const tooBig = (values: Record<string, number>) => Object.values(shapesAt(model, values, baseline.shapes)).some((d) => elementCount(d) > maxElements);
  const shrink = (b: number) => Math.max(1, b - Math.min(b & -b || 1, 64));
  const probes: Probe[] = [];
  const add = (label: string, kind: ProbeKind, values: Record<string, number>, shapes = shapesAt(model, values, baseline.shapes)) =>
    probes.push({ index: -1, label, kind, shapes, values: valuesOf(symbols, shapes) });
  const aligned = at(alignedProbe);
  add('aligned', 'aligned', tooBig(aligned) ? at(shrink) : aligned);
  const odd = at(oddProbe);
  if (!tooBig(odd)) add('odd', 'odd', odd);
  for (const bound of options.bounds ?? []) {
    const shapes: Record<string, number[]> = Object.fromEntries(Object.entries(baseline.shapes).map(([n, d]) => [n, [...d]]));
    for (const [name, dims] of Object.entries(bound.shapes)) if (shapes[name]) shapes[name] = [...dims];
    add(bound.label, 'bound', {}, shapes);
  }
  return probes;
}

/**
 * The probes that narrow a failed joint probe down: each symbol it varied, alone, at the joint probe's value, the
 * others at the baseline. None for bounds (they are reported as given) or single-symbol probes.
 */
export function narrowingProbes(model: ModelSummary, failed: Probe, baseline: Pick<Probe, 'shapes' | 'values'>): Probe[] {
  if (failed.kind === 'bound' || failed.kind === 'axis') return [];
  const symbols = axisSymbols(model);
  const varied = symbols.filter((s) => failed.values[s.symbol] !== undefined && failed.values[s.symbol] !== baseline.values[s.symbol]);
  if (varied.length < 2) return [];
  return varied.map((s) => {
    const values = { ...baseline.values, [s.symbol]: failed.values[s.symbol] };
    const shapes = shapesAt(model, values, baseline.shapes);
    return { index: -1, label: `${failed.label}: ${s.symbol}=${failed.values[s.symbol]}`, kind: 'axis' as const, shapes, values: valuesOf(symbols, shapes), parent: failed.index };
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Memory: what one probe holds

/**
 * Bytes of tensor data a run at `shapes` holds: every input, and every output whose declared dims are known there
 * (fixed, or named after an input axis; a data-dependent dim is not counted). Strings count 8 bytes an element.
 */
export function probeBytes(model: ModelSummary, shapes: Readonly<Record<string, readonly number[]>>): bigint {
  const size = (type: string) => (isNumericType(type) ? ELEMENT_SIZE[type] : 8);
  const symbols = axisSymbols(model);
  const values = valuesOf(symbols, shapes);
  let total = 0n;
  for (const input of feedInputs(model)) {
    const dims = own(shapes, input.name);
    if (dims) total += tensorBytes(dims, size(input.elemType));
  }
  for (const out of model.outputs) {
    const dims = out.dims?.map((d) => (d.kind === 'fixed' ? d.value : d.kind === 'symbolic' ? values[d.name] : undefined));
    if (dims && dims.every((d): d is number => d !== undefined)) total += tensorBytes(dims, size(out.elemType));
  }
  return total;
}

/** A MemoryBudgetError for a probe over the budget, naming the option that set its shapes; undefined when it fits. */
export function probeOverBudget(model: ModelSummary, probe: Pick<Probe, 'shapes' | 'label'>, budget: number, option: string) {
  const bytes = probeBytes(model, probe.shapes);
  if (bytes <= BigInt(budget)) return undefined;
  const shapes = Object.entries(probe.shapes).map(([n, d]) => `${n}:${d.join('x')}`).join(',');
  return budgetError(bytes, budget, `${option} ${shapes} (its inputs and the outputs the model declares)`, { option });
}
