/**
 * The one place SHAPE_NOT_DYNAMIC is found, for check, the cross-check and probeDynamicAxes alike: from what the
 * pipeline ran, (1) the probing runner (the first model runner: onnxruntime with the graph as exported when there
 * is one) failing at sizes of the declared dynamic axes where it ran at the baseline, and (2) output dims that stay
 * put, or leave a fixed value, while the axes they are declared with change (./dims.ts).
 *
 * Severity: an error when the model fails at a size valid by any account (the samples' and requested sizes, an
 * aligned size, a profile's min/opt/max or bound) or cannot run at the baseline because a Reshape target is baked
 * in; a warning when only odd sizes fail (a stride requirement is legitimate), when the baseline was a guess that
 * failed, or when an output dim ignores its axis.
 */
import { pinnedAxisFinding, type DynamicSymbol, type ProbeAttempt, type ProbeFailure } from '../diagnostics/rules/shape-not-dynamic';
import type { Finding, Severity } from '../diagnostics/findings';
import type { ModelSummary } from '../onnx/types';
import { checkOutputDims, type DimAnalysis } from './dims';
import { axisSymbols, isStrictProbe, type AxisSymbol } from './probes';
import type { ProbeReport } from './types';

/** The requested kinds: sizes the caller gave (a known-valid baseline), or defaults (a guess). */
const CALLER_KINDS = new Set(['sample', 'given', 'fixed']);

export interface PinnedAxesInput {
  model: ModelSummary;
  probes: readonly ProbeReport[];
  /** The runner whose failures count (undefined: none could run). */
  probing: string | undefined;
  /** Model runners (not references) whose output dims are checked. */
  modelRunners: readonly string[];
  /** The probe the others are measured from: the first requested probe the probing runner ran. */
  baseline: number | undefined;
  /** The classified failure of the probing runner at each probe where it failed, by probe index. */
  failures: ReadonlyMap<number, ProbeFailure>;
}

export interface PinnedAxes {
  findings: Finding[];
  dims: DimAnalysis;
}

function attemptOf(p: ProbeReport, runner: string, base: Record<string, number>, failure?: ProbeFailure): ProbeAttempt {
  const run = p.runs.find((r) => r.runner === runner);
  const varied = Object.keys(p.values).filter((s) => base[s] !== undefined && p.values[s] !== base[s]);
  return { label: p.label, varied, shapes: p.shapes, ok: run?.status === 'ran', ...(run?.outputDims ? { outputDims: run.outputDims } : {}), ...(failure ? { failure } : {}) };
}

function symbolsAt(symbols: readonly AxisSymbol[], p: ProbeReport, fromCaller: boolean): DynamicSymbol[] {
  return symbols.map((s) => ({ symbol: s.symbol, uses: s.uses, base: p.values[s.symbol] ?? 1, baseFromCaller: fromCaller }));
}

export function findPinnedAxes(input: PinnedAxesInput): PinnedAxes {
  const { model, probes, probing, failures } = input;
  const symbols = axisSymbols(model);
  const dims = checkOutputDims(model, symbols, probes, input.modelRunners);
  const findings: Finding[] = [...dims.findings];
  if (symbols.length === 0 || probing === undefined) return { findings, dims };

  const failedAt = (p: ProbeReport) => {
    const f = failures.get(p.index);
    // Evidence is a failing node (or Reshape): a fixed dim is FIXED_DIM's, and a failure no node owns (out of
    // memory, a runtime fault) says nothing about the axes.
    return f && f.kind !== 'fixed-dim' && (f.kind === 'reshape' || f.nodeName !== undefined) ? f : undefined;
  };

  if (input.baseline === undefined) {
    // Cannot run even at the starting sizes. A baked-in Reshape target says why; otherwise we know too little (a
    // guessed size may be invalid for the model), hence only a warning.
    const first = probes.find((p) => failedAt(p) && !p.blocked);
    if (!first) return { findings, dims };
    const fromCaller = CALLER_KINDS.has(first.kind);
    const f = failedAt(first)!;
    const rec = attemptOf(first, probing, first.values, f);
    const severity: Severity = f.kind === 'reshape' || fromCaller ? 'error' : 'warning';
    findings.push(pinnedAxisFinding(model, severity, symbolsAt(symbols, first, fromCaller), [rec], rec, fromCaller));
    return { findings, dims };
  }

  const base = probes[input.baseline];
  const fromCaller = CALLER_KINDS.has(base.kind);
  const baseAttempt = attemptOf(base, probing, base.values);
  const varied = (p: ProbeReport) => symbols.filter((s) => p.values[s.symbol] !== undefined && p.values[s.symbol] !== base.values[s.symbol]);

  // Name the culprits: a probe varying one symbol blames it; a joint probe blames the symbols that fail alone at
  // its value (the 'axis' probes the planner adds), or, when none does, all of them together.
  const culprits: { symbol: AxisSymbol; rec: ProbeAttempt; strict: boolean }[] = [];
  for (const p of probes) {
    const f = failedAt(p);
    if (!f || p.index === base.index) continue;
    const v = varied(p);
    if (v.length === 0) continue; // fails at the baseline's sizes: not about the dynamic axes
    const parent = p.parent !== undefined ? probes[p.parent] : undefined;
    const strict = isStrictProbe(parent ?? p);
    if (v.length === 1 || p.kind === 'bound' || p.kind === 'axis') {
      for (const s of v) culprits.push({ symbol: s, rec: attemptOf(p, probing, base.values, f), strict });
      continue;
    }
    const alone = v.filter((s) =>
      probes.some((q) => failedAt(q) && varied(q).length === 1 && varied(q)[0] === s && q.values[s.symbol] === p.values[s.symbol]),
    );
    // Those that fail alone are blamed by their own probe; only a failure of the combination blames the joint one.
    if (alone.length === 0) for (const s of v) culprits.push({ symbol: s, rec: attemptOf(p, probing, base.values, f), strict });
  }

  // One finding per failing node, error if any of its failures is at a strict size.
  const byNode = new Map<string, { strict: boolean; recs: ProbeAttempt[]; symbols: Set<string> }>();
  for (const c of culprits) {
    const key = c.rec.failure?.nodeName ?? c.rec.failure?.message ?? '?';
    let e = byNode.get(key);
    if (!e) byNode.set(key, (e = { strict: false, recs: [], symbols: new Set() }));
    e.strict ||= c.strict;
    if (!e.recs.some((r) => r.label === c.rec.label)) e.recs.push(c.rec);
    e.symbols.add(c.symbol.symbol);
  }
  for (const e of byNode.values()) {
    const syms = symbolsAt(symbols, base, fromCaller).filter((s) => e.symbols.has(s.symbol));
    // One-symbol probes say most ("fails when height=32"); list them first.
    const recs = [...e.recs].sort((a, b) => Number(b.label.includes(': ')) - Number(a.label.includes(': ')));
    findings.unshift(pinnedAxisFinding(model, e.strict ? 'error' : 'warning', syms, recs, baseAttempt, fromCaller));
  }
  return { findings, dims };
}
