/**
 * check(): read the model → static diagnostics → run it (onnxruntime-node by default) at the requested shapes / on
 * the given inputs → compare with the PyTorch reference when given → probe the declared dynamic axes → one
 * JSON-able report. formatCheckReport() renders it for people.
 */
import * as path from 'path';
import { InvalidValueError, ShapeError, TrtNodeError } from '../errors';
import { readModel } from '../onnx/reader';
import type { InputSummary, ModelSummary } from '../onnx/types';
import { readNpz, writeNpz } from '../tensor/npz';
import type { NamedTensors, TensorLike } from '../tensor/types';
import type { BackendFactory, RunBackend } from './backends';
import { compareOutput, CompareStats, Tolerances } from './compare-adapter';
import { formatDims, indexGraph, shapeTag } from './graph';
import { blocksRun, diagnoseStatic } from './index';
import { createOrtBackend, generateFeeds } from './ort-backend';
import { cleanOrtMessage, translateOrtError } from './ort-translate';
import { dataInputs, dimConflicts } from './rules/fixed-dim';
import { declaredSymbols, probeDynamicAxes, ProbeAttempt } from './rules/shape-not-dynamic';
import type { Finding, FindingCode, ShapeRequest } from './types';
import { hasErrors, sortFindings } from './types';

/** One run: inputs from an .npz (or tensors), optionally with the reference outputs to compare against. */
export interface CheckSample {
  /** Path of an .npz with the model inputs by name, or the tensors themselves. */
  inputs: string | NamedTensors;
  /** Path of an .npz with the expected outputs by name (e.g. PyTorch's), or the tensors. Default none. */
  reference?: string | NamedTensors;
  /** Shown in the report. Default: the inputs file name, or "tensors". */
  label?: string;
}

export interface CheckOptions {
  /** Input shape sets to run with generated inputs (trtexec --shapes syntax, parsed). Default none. */
  shapes?: Record<string, number[]>[];
  /** Runs on given inputs, each optionally compared with a reference. Default none. */
  samples?: CheckSample[];
  /** Absolute tolerance for every output; default: the comparator's per-dtype default. */
  atol?: number;
  /** Relative tolerance for every output; default: the comparator's per-dtype default. */
  rtol?: number;
  /** Per-output tolerances (`name` -> {atol, rtol}), over the global ones. Default none. */
  outputTolerances?: Record<string, { atol?: number; rtol?: number }>;
  /** Write the outputs of the runs to this .npz (atomically). With several runs keys are `<output>@<shape tag>`. */
  saveOutputs?: string;
  /** Probe the declared dynamic axes (SHAPE_NOT_DYNAMIC). Default true. */
  probe?: boolean;
  /** Profile bounds to probe and check against fixed dims, e.g. from --minShapes/--maxShapes. Default none. */
  bounds?: { label: string; shapes: Record<string, number[]> }[];
  /** Seed of generated inputs. Default 0. */
  seed?: number;
  /** Backends to run on. Default: onnxruntime-node on CPU. */
  backends?: BackendFactory[];
}

export interface OutputReport {
  name: string;
  dtype: string | null;
  dims: number[] | null;
  /** Whether a reference value was compared; false when there is no reference for this output. */
  compared: boolean;
  /** null when not compared. */
  pass: boolean | null;
  maxAbsError: number | null;
  maxRelError: number | null;
  /** Fraction (0..1) of elements outside atol + rtol·|expected|. */
  failingFraction: number | null;
  /** What went wrong beyond tolerance: shape or dtype mismatch, absent from outputs or reference. */
  problem?: string;
  /** Everything else the comparator reports (mean/RMS error, cosine similarity, where the max is, tolerances...). */
  stats?: CompareStats;
}

export interface RunReport {
  backend: string;
  label: string;
  /** The .npz the inputs came from, or 'generated (seed N)'. */
  inputs: string;
  reference: string | null;
  shapes: Record<string, number[]>;
  /** The model ran. */
  ok: boolean;
  /** Why it did not run or failed; `code` when a finding explains it. */
  error?: { message: string; code?: FindingCode };
  outputs: OutputReport[];
  /** Ran, and every compared output passed. */
  pass: boolean;
}

export interface CheckReport {
  model: string | null;
  opset: number;
  findings: Finding[];
  runs: RunReport[];
  /** The dynamic-axes probe: the sizes tried and whether each ran. */
  probe?: { attempts: { label: string; shapes: Record<string, number[]>; ok: boolean; error?: string }[] };
  /** The .npz the outputs were saved to. */
  savedOutputs?: string;
  /** No error-severity finding, every run ran, every comparison passed. */
  pass: boolean;
  summary: { errors: number; warnings: number; info: number; runs: number; failedRuns: number; compared: number; failedOutputs: number };
}

interface PlannedRun {
  label: string;
  inputsLabel: string;
  referenceLabel: string | null;
  feeds?: NamedTensors;
  /** Shapes for generated feeds. */
  shapes: Record<string, number[]>;
  reference?: NamedTensors;
  source: string;
}

function label(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

async function loadTensors(value: string | NamedTensors): Promise<NamedTensors> {
  return typeof value === 'string' ? readNpz(value) : value;
}

/** Validates one shape set against the model's data inputs (usage errors: unknown name, wrong rank, missing dynamic input). */
function validateShapes(inputs: readonly InputSummary[], shapes: Record<string, readonly number[]>, option: string, requireAll: boolean): void {
  const names = inputs.map((i) => i.name);
  for (const [name, dims] of Object.entries(shapes)) {
    const input = inputs.find((i) => i.name === name);
    if (!input) throw new InvalidValueError(option, `one of the model's inputs (${names.join(', ')})`, name);
    if (input.dims && input.dims.length !== dims.length) {
      throw new ShapeError(`${option}: input '${name}' has rank ${input.dims.length} ${formatDims(input.dims)} but the shape given is ${shapeTag(dims)} (rank ${dims.length})`, {
        option,
        input: name,
      });
    }
    if (dims.some((d) => !Number.isInteger(d) || d < 0)) throw new ShapeError(`${option}: input '${name}' has an invalid size in ${dims.join('x')}`, { option, input: name });
  }
  if (!requireAll) return;
  for (const input of inputs) {
    if (shapes[input.name]) continue;
    if (input.dims?.every((d) => d.kind === 'fixed')) continue;
    throw new ShapeError(`${option}: no shape for input '${input.name}', whose dims ${formatDims(input.dims)} are dynamic; give one like ${input.name}:${(input.dims ?? []).map((d) => (d.kind === 'fixed' ? d.value : 1)).join('x')}`, {
      option,
      input: input.name,
    });
  }
}

/** Shapes for every data input: the given ones, fixed dims, and defaults for dynamic dims. */
function completeShapes(model: ModelSummary, inputs: readonly InputSummary[], given: Record<string, readonly number[]>): Record<string, number[]> {
  const symbols = declaredSymbols(model, given);
  const out: Record<string, number[]> = {};
  for (const input of inputs) {
    if (given[input.name]) {
      out[input.name] = [...given[input.name]];
      continue;
    }
    out[input.name] = (input.dims ?? []).map((d, axis) => {
      if (d.kind === 'fixed') return d.value;
      const sym = symbols.find((s) => s.uses.some((u) => u.input === input.name && u.axis === axis));
      return sym?.base ?? 1;
    });
  }
  return out;
}

async function planRuns(model: ModelSummary, inputs: readonly InputSummary[], options: CheckOptions): Promise<PlannedRun[]> {
  const runs: PlannedRun[] = [];
  for (const sample of options.samples ?? []) {
    const inputsLabel = typeof sample.inputs === 'string' ? label(sample.inputs) : 'tensors';
    const referenceLabel = sample.reference === undefined ? null : typeof sample.reference === 'string' ? label(sample.reference) : 'tensors';
    const all = await loadTensors(sample.inputs);
    const reference = sample.reference === undefined ? undefined : await loadTensors(sample.reference);
    // Feeds are the arrays named like the model's data inputs; others (e.g. outputs saved alongside) are ignored.
    const feeds: NamedTensors = {};
    for (const input of inputs) if (all[input.name]) feeds[input.name] = all[input.name];
    const option = typeof sample.inputs === 'string' ? `--inputs ${inputsLabel}` : 'inputs';
    if (Object.keys(feeds).length === 0 && sample.inputs === sample.reference && typeof sample.reference === 'string') {
      throw new TrtNodeError(
        'ERR_TRT_NODE_USAGE',
        `--reference ${referenceLabel} holds no array named like the model's inputs (${inputs.map((i) => i.name).join(', ')}): ` +
          'pass --inputs with the .npz of inputs the reference outputs were computed from',
        { option: '--inputs' },
      );
    }
    if (Object.keys(feeds).length === 0) {
      throw new InvalidValueError(option, `arrays named like the model's inputs (${inputs.map((i) => i.name).join(', ')})`, Object.keys(all).join(', ') || '(no arrays)');
    }
    const shapes: Record<string, number[]> = {};
    for (const [name, t] of Object.entries(feeds)) shapes[name] = [...t.dims];
    validateShapes(inputs, shapes, option, false);
    runs.push({ label: sample.label ?? inputsLabel, inputsLabel, referenceLabel, feeds, shapes, reference, source: option });
  }
  for (const given of options.shapes ?? []) {
    validateShapes(inputs, given, '--shapes', true);
    const shapes = completeShapes(model, inputs, given);
    const tag = Object.entries(shapes).map(([n, d]) => `${n}:${shapeTag(d)}`).join(',');
    runs.push({ label: `--shapes ${tag}`, inputsLabel: `generated (seed ${options.seed ?? 0})`, referenceLabel: null, shapes, source: '--shapes' });
  }
  if (runs.length === 0) {
    // Nothing asked: one run at the model's fixed dims, with defaults for dynamic ones (batch 1, h/w 64).
    const shapes = completeShapes(model, inputs, {});
    const guessed = inputs.some((i) => i.dims?.some((d) => d.kind !== 'fixed'));
    runs.push({
      label: guessed ? 'default shapes' : 'model shapes',
      inputsLabel: `generated (seed ${options.seed ?? 0})`,
      referenceLabel: null,
      shapes,
      source: guessed ? 'default shapes' : 'the model shapes',
    });
  }
  return runs;
}

function addFinding(findings: Finding[], f: Finding | undefined): Finding | undefined {
  if (!f) return undefined;
  const key = (x: Finding) => `${x.code}|${x.node?.name ?? ''}|${x.input ?? ''}`;
  const existing = findings.find((x) => key(x) === key(f) && x.severity === f.severity);
  if (existing) return existing;
  findings.push(f);
  return f;
}

function tolerancesFor(name: string, options: CheckOptions): Tolerances {
  const per = options.outputTolerances?.[name];
  return { atol: per?.atol ?? options.atol, rtol: per?.rtol ?? options.rtol };
}

function compareRun(outputs: NamedTensors, reference: NamedTensors | undefined, model: ModelSummary, options: CheckOptions): OutputReport[] {
  const reports: OutputReport[] = [];
  const inputNames = new Set(model.inputs.map((i) => i.name));
  for (const [name, actual] of Object.entries(outputs)) {
    const expected = reference?.[name];
    if (!expected) {
      reports.push({ name, dtype: actual.type, dims: [...actual.dims], compared: false, pass: null, maxAbsError: null, maxRelError: null, failingFraction: null, ...(reference ? { problem: 'not in the reference' } : {}) });
      continue;
    }
    reports.push(compareOne(name, actual, expected, tolerancesFor(name, options)));
  }
  for (const name of Object.keys(reference ?? {})) {
    if (outputs[name] || inputNames.has(name)) continue;
    reports.push({
      name,
      dtype: null,
      dims: null,
      compared: true,
      pass: false,
      maxAbsError: null,
      maxRelError: null,
      failingFraction: null,
      problem: `the reference has '${name}', which the model does not output (outputs: ${Object.keys(outputs).join(', ')}); check output_names in torch.onnx.export`,
    });
  }
  return reports;
}

function compareOne(name: string, actual: TensorLike, expected: TensorLike, tol: Tolerances): OutputReport {
  const r = compareOutput(actual, expected, tol);
  return {
    name,
    dtype: actual.type,
    dims: [...actual.dims],
    compared: true,
    pass: r.pass,
    maxAbsError: r.maxAbsError,
    maxRelError: r.maxRelError,
    failingFraction: r.failingFraction,
    ...(r.problem ? { problem: r.problem } : {}),
    stats: r.stats,
  };
}

/**
 * Checks a model: diagnostics, runs, comparisons, probe. Throws TrtNodeError for usage and input errors (missing
 * or malformed files, unknown input names, wrong ranks); everything about the model itself goes in the report.
 */
export async function check(model: string | ModelSummary, options: CheckOptions = {}): Promise<CheckReport> {
  const summary = typeof model === 'string' ? await readModel(model) : model;
  const modelPath = typeof model === 'string' ? model : summary.file;
  const g = indexGraph(summary);
  const inputs = dataInputs(g);
  const planned = await planRuns(summary, inputs, options);

  const requests: ShapeRequest[] = [
    ...planned.map((p) => ({ source: p.source, shapes: p.shapes })),
    ...(options.bounds ?? []).map((b) => ({ source: b.label, shapes: b.shapes })),
  ];
  for (const b of options.bounds ?? []) validateShapes(inputs, b.shapes, b.label, false);
  const findings: Finding[] = diagnoseStatic(summary, { requests: requests.filter((r) => r.source !== 'default shapes') });
  const runs: RunReport[] = [];
  let probeReport: CheckReport['probe'];

  const factories = options.backends ?? [createOrtBackend];
  const blocked = blocksRun(findings);
  for (const factory of factories) {
    let backend: RunBackend | undefined;
    let loadError: RunReport['error'] | undefined;
    if (blocked) {
      loadError = { message: 'not run: the model needs its weights as inputs (see WEIGHTS_AS_INPUTS)', code: 'WEIGHTS_AS_INPUTS' };
    } else if (!modelPath) {
      loadError = { message: 'not run: the model was given as a summary without a file' };
    } else {
      try {
        backend = await factory(modelPath);
      } catch (err) {
        const f = addFinding(findings, translateOrtError(summary, err));
        loadError = { message: f ? `cannot load the model (see ${f.code})` : `cannot load the model: ${cleanOrtMessage(err)}`, ...(f ? { code: f.code } : {}) };
      }
    }
    const backendName = backend?.name ?? 'onnxruntime';
    try {
      let baseline: { shapes: Record<string, number[]>; outputDims: Record<string, number[]> } | undefined;
      const saved: NamedTensors = {};
      for (const plan of planned) {
        const run: RunReport = {
          backend: backendName,
          label: plan.label,
          inputs: plan.inputsLabel,
          reference: plan.referenceLabel,
          shapes: plan.shapes,
          ok: false,
          outputs: [],
          pass: false,
        };
        runs.push(run);
        if (!backend) {
          run.error = loadError;
          continue;
        }
        const conflicting = inputs.find((i) => plan.shapes[i.name] && dimConflicts(i, plan.shapes[i.name], plan.source).length);
        if (conflicting) {
          run.error = { message: `not run: the shape conflicts with the fixed dims ${formatDims(conflicting.dims)} of input '${conflicting.name}' (see FIXED_DIM)`, code: 'FIXED_DIM' };
          continue;
        }
        const feeds = plan.feeds ?? generateFeeds(inputs, plan.shapes, options.seed ?? 0);
        try {
          const outputs = await backend.run(feeds);
          run.ok = true;
          run.outputs = compareRun(outputs, plan.reference, summary, options);
          run.pass = run.outputs.every((o) => o.pass !== false);
          baseline ??= { shapes: plan.shapes, outputDims: Object.fromEntries(Object.entries(outputs).map(([k, t]) => [k, [...t.dims]])) };
          if (options.saveOutputs) {
            for (const [k, t] of Object.entries(outputs)) {
              let key = planned.length > 1 ? `${k}@${shapeTag(plan.shapes[inputs[0]?.name] ?? [])}` : k;
              for (let i = 2; saved[key]; i++) key = `${k}@${shapeTag(plan.shapes[inputs[0]?.name] ?? [])}#${i}`;
              saved[key] = t;
            }
          }
        } catch (err) {
          const f = addFinding(findings, translateOrtError(summary, err, { source: plan.source, shapes: plan.shapes }));
          run.error = f ? { message: `failed (see ${f.code}): ${cleanOrtMessage(err)}`, code: f.code } : { message: cleanOrtMessage(err) };
        }
      }

      // Skip the probe when every run failed in a baked-in Reshape already reported: it would only repeat that.
      const alreadyPinned = !baseline && findings.some((f) => f.code === 'SHAPE_NOT_DYNAMIC');
      if (backend && options.probe !== false && factory === factories[0] && !alreadyPinned) {
        const probe = await probeDynamicAxes(summary, backend, {
          // From a run that worked; else the probe's own defaults (a failed request may conflict with fixed dims).
          baseline: baseline?.shapes,
          baselineOutputDims: baseline?.outputDims,
          bounds: options.bounds,
        });
        for (const f of probe.findings) addFinding(findings, f);
        probeReport = { attempts: probe.attempts.map(attemptSummary) };
      }
      if (options.saveOutputs && backend && Object.keys(saved).length) {
        await writeNpz(options.saveOutputs, saved);
      }
    } finally {
      await backend?.dispose();
    }
  }

  const sorted = sortFindings(findings);
  const compared = runs.flatMap((r) => r.outputs.filter((o) => o.compared));
  const report: CheckReport = {
    model: modelPath ? label(modelPath) : null,
    opset: g.opset,
    findings: sorted,
    runs,
    ...(probeReport ? { probe: probeReport } : {}),
    ...(options.saveOutputs && runs.some((r) => r.ok) ? { savedOutputs: options.saveOutputs } : {}),
    pass: !hasErrors(sorted) && runs.every((r) => r.pass),
    summary: {
      errors: sorted.filter((f) => f.severity === 'error').length,
      warnings: sorted.filter((f) => f.severity === 'warning').length,
      info: sorted.filter((f) => f.severity === 'info').length,
      runs: runs.length,
      failedRuns: runs.filter((r) => !r.ok).length,
      compared: compared.length,
      failedOutputs: compared.filter((o) => o.pass === false).length,
    },
  };
  return report;
}

function attemptSummary(a: ProbeAttempt): { label: string; shapes: Record<string, number[]>; ok: boolean; error?: string } {
  return { label: a.label, shapes: a.shapes, ok: a.ok, ...(a.failure ? { error: a.failure.message } : {}) };
}
