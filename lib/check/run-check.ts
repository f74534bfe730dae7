/**
 * check(): read the model → static diagnostics → run it (onnxruntime-node by default) at the requested shapes / on
 * the given inputs → compare with the PyTorch reference when given → probe the declared dynamic axes → one
 * JSON-able report. formatCheckReport() renders it for people.
 */
import * as fs from 'fs';
import * as path from 'path';
import { FileError, InvalidValueError, ShapeError, TrtNodeError } from '../errors';
import { readModel } from '../onnx/reader';
import type { InputSummary, ModelSummary } from '../onnx/types';
import { readNpz, writeNpz } from '../tensor/npz';
import type { NamedTensors, TensorLike } from '../tensor/types';
import type { BackendFactory, RunBackend } from './backends';
import { compareTensors } from '../compare';
import type { OutputComparison, ToleranceOverrides } from '../compare';
import { formatDims, indexGraph, shapeTag } from './graph';
import { blocksRun, diagnoseStatic } from './diagnose';
import { createOrtBackend, generateFeeds } from './ort-backend';
import { cleanOrtMessage, translateOrtError } from './ort-translate';
import { dataInputs, dimConflicts } from './rules/fixed-dim';
import { declaredSymbols, probeDynamicAxes, ProbeAttempt } from './rules/shape-not-dynamic';
import type { CheckParts, Finding, FindingCode, ShapeRequest } from './types';
import { checkParts, hasErrors, sortFindings } from './types';

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
  /** atol/rtol overrides, global and per output. Default: per dtype (lib/compare/tolerances.ts). */
  tolerance?: ToleranceOverrides;
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
  /**
   * Outputs compared without regard to their row order (axis 0), e.g. detections after NonMaxSuppression/TopK.
   * Default none (every output compared element by element; a failure that is the same rows reordered says so).
   */
  unordered?: string[];
}

/**
 * One output of a run. Compared with a reference, it carries the comparator's whole result (lib/compare:
 * maxAbsError, maxRelError, failingFraction, meanAbsError, rmsError, cosineSimilarity, worst element, atol/rtol...).
 */
export type OutputReport = { name: string; dtype: string | null; dims: number[] | null } & (
  | ({ compared: true } & Omit<OutputComparison, 'output' | 'dtype' | 'dims'>)
  | {
      /** No reference for this output. */
      compared: false;
      pass: null;
      maxAbsError: null;
      maxRelError: null;
      failingFraction: null;
      problem?: string;
    }
);

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
  /** Which part failed: TensorRT import (static), the export, the numerics (lib/check/types.ts checkParts). */
  parts: CheckParts;
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

/**
 * `inputs`: the data inputs (generated feeds, --shapes); `fed`: every input a sample may supply — parameters left as
 * inputs too, which then run (WEIGHTS_AS_INPUTS becomes a warning).
 */
async function planRuns(model: ModelSummary, inputs: readonly InputSummary[], fed: readonly InputSummary[], options: CheckOptions): Promise<PlannedRun[]> {
  const runs: PlannedRun[] = [];
  for (const sample of options.samples ?? []) {
    const inputsLabel = typeof sample.inputs === 'string' ? label(sample.inputs) : 'tensors';
    const referenceLabel = sample.reference === undefined ? null : typeof sample.reference === 'string' ? label(sample.reference) : 'tensors';
    const all = await loadTensors(sample.inputs);
    const reference = sample.reference === undefined ? undefined : await loadTensors(sample.reference);
    // Feeds are the arrays named like the model's data inputs; others (e.g. outputs saved alongside) are ignored.
    const feeds: NamedTensors = {};
    for (const input of fed) if (all[input.name]) feeds[input.name] = all[input.name];
    const option = typeof sample.inputs === 'string' ? `--inputs ${inputsLabel}` : 'inputs';
    // A model without inputs (constants only) runs on an empty feed.
    const needsFeeds = fed.length > 0;
    if (needsFeeds && Object.keys(feeds).length === 0 && sample.inputs === sample.reference && typeof sample.reference === 'string') {
      throw new TrtNodeError(
        'ERR_TRT_NODE_USAGE',
        `--reference ${referenceLabel} holds no array named like the model's inputs (${inputs.map((i) => i.name).join(', ')}): ` +
          'pass --inputs with the .npz of inputs the reference outputs were computed from',
        { option: '--inputs' },
      );
    }
    // A reference with none of the model's outputs would compare nothing and pass ("0/0 compared").
    if (reference && !model.outputs.some((o) => reference[o.name] !== undefined)) {
      throw new InvalidValueError(
        typeof sample.reference === 'string' ? `--reference ${referenceLabel}` : 'reference',
        `arrays named like the model's outputs (${model.outputs.map((o) => o.name).join(', ')})`,
        Object.keys(reference).join(', ') || '(no arrays)',
        'Save the PyTorch outputs under the names given in output_names (numpy.savez(f, **{name: array}))',
      );
    }
    if (needsFeeds && Object.keys(feeds).length === 0) {
      throw new InvalidValueError(option, `arrays named like the model's inputs (${inputs.map((i) => i.name).join(', ')})`, Object.keys(all).join(', ') || '(no arrays)');
    }
    // A dtype the model does not take is the file's fault (numpy saves float64 by default), not the model's: a
    // usage error (exit 2), as the cross-check has it, rather than a failed run (exit 1).
    for (const input of fed) {
      const t = feeds[input.name];
      if (t && input.elemType !== 'undefined' && t.type !== input.elemType) {
        throw new InvalidValueError(`${option} '${input.name}'`, `${input.elemType} (the model input's type)`, t.type, `Save the array as ${input.elemType} (numpy: arr.astype('${input.elemType}'))`);
      }
    }
    const shapes: Record<string, number[]> = {};
    for (const [name, t] of Object.entries(feeds)) shapes[name] = [...t.dims];
    validateShapes(fed, shapes, option, false);
    runs.push({ label: sample.label ?? inputsLabel, inputsLabel, referenceLabel, feeds, shapes, reference, source: option });
  }
  for (const given of options.shapes ?? []) {
    validateShapes(inputs, given, '--shapes', true);
    const shapes = completeShapes(model, inputs, given);
    const tag = Object.entries(shapes).map(([n, d]) => `${n}:${shapeTag(d)}`).join(',');
    runs.push({ label: `--shapes ${tag}`, inputsLabel: `generated (seed ${options.seed ?? 0})`, referenceLabel: null, shapes, source: '--shapes' });
  }
  if (runs.length === 0) {
    // Nothing asked: one run at the model's fixed dims, with defaults for dynamic ones (batch 1, h/w 64). An input
    // of unknown rank has no default (a scalar made the run fail, exit 1, for a model that may be fine): usage error.
    const unranked = inputs.find((i) => i.dims === null);
    if (unranked) {
      throw new ShapeError(
        `input '${unranked.name}' has no shape in the model (unknown rank), so check cannot make up inputs for it: ` +
          `give its shape with --shapes ${unranked.name}:<dims> (e.g. 1x3x224x224), or --inputs in.npz`,
        { option: '--shapes', input: unranked.name },
      );
    }
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

function notCompared(name: string, t: TensorLike, problem?: string): OutputReport {
  const base = { name, dtype: t.type, dims: [...t.dims], compared: false as const, pass: null, maxAbsError: null, maxRelError: null, failingFraction: null };
  return problem ? { ...base, problem } : base;
}

function compared(c: OutputComparison): OutputReport {
  const { output, dtype, dims, ...rest } = c;
  return { name: output, dtype, dims, compared: true, ...rest };
}

function compareRun(outputs: NamedTensors, reference: NamedTensors | undefined, model: ModelSummary, options: CheckOptions): OutputReport[] {
  const reports: OutputReport[] = [];
  const inputNames = new Set(model.inputs.map((i) => i.name));
  for (const [name, actual] of Object.entries(outputs)) {
    const expected = reference?.[name];
    if (!expected) reports.push(notCompared(name, actual, reference ? 'not in the reference' : undefined));
    else reports.push(compared(compareTensors(name, actual, expected, { tolerance: options.tolerance, unordered: options.unordered })));
  }
  for (const [name, expected] of Object.entries(reference ?? {})) {
    if (outputs[name] || inputNames.has(name)) continue;
    const c = compareTensors(name, undefined, expected, { tolerance: options.tolerance });
    c.problem = `the reference has '${name}', which the model does not output (outputs: ${Object.keys(outputs).join(', ')}); check output_names in torch.onnx.export`;
    reports.push(compared(c));
  }
  return reports;
}

interface BackendResult {
  runs: RunReport[];
  /** Shapes and output dims of the first run that worked (the probe starts there). */
  baseline?: { shapes: Record<string, number[]>; outputDims: Record<string, number[]> };
  outputs: NamedTensors;
}

/** Loads the model on one backend; a failure is reported on each run (translated to a finding when it is one). */
async function loadBackend(factory: BackendFactory, modelPath: string | null, summary: ModelSummary, findings: Finding[]): Promise<{ backend?: RunBackend; error?: RunReport['error'] }> {
  if (blocksRun(findings)) return { error: { message: 'not run: the model needs its weights as inputs (see WEIGHTS_AS_INPUTS)', code: 'WEIGHTS_AS_INPUTS' } };
  if (!modelPath) return { error: { message: 'not run: the model was given as a summary without a file' } };
  try {
    return { backend: await factory(modelPath) };
  } catch (err) {
    const f = addFinding(findings, translateOrtError(summary, err));
    // onnxruntime's own words stay next to the finding that explains them.
    return { error: f ? { message: `cannot load the model (see ${f.code}): ${cleanOrtMessage(err)}`, code: f.code } : { message: `cannot load the model: ${cleanOrtMessage(err)}` } };
  }
}

/** Every planned run on one backend, compared with its reference. */
async function runAll(
  backend: RunBackend | undefined,
  loadError: RunReport['error'],
  planned: readonly PlannedRun[],
  summary: ModelSummary,
  inputs: readonly InputSummary[],
  findings: Finding[],
  options: CheckOptions,
): Promise<BackendResult> {
  const result: BackendResult = { runs: [], outputs: {} };
  for (const plan of planned) {
    const run: RunReport = {
      backend: backend?.name ?? 'onnxruntime',
      label: plan.label,
      inputs: plan.inputsLabel,
      reference: plan.referenceLabel,
      shapes: plan.shapes,
      ok: false,
      outputs: [],
      pass: false,
    };
    result.runs.push(run);
    if (!backend) {
      run.error = loadError;
      continue;
    }
    const conflicting = inputs.find((i) => plan.shapes[i.name] && dimConflicts(i, plan.shapes[i.name], plan.source).length);
    if (conflicting) {
      run.error = { message: `not run: the shape conflicts with the fixed dims ${formatDims(conflicting.dims)} of input '${conflicting.name}' (see FIXED_DIM)`, code: 'FIXED_DIM' };
      continue;
    }
    try {
      const outputs = await backend.run(plan.feeds ?? generateFeeds(inputs, plan.shapes, options.seed ?? 0));
      run.ok = true;
      run.outputs = compareRun(outputs, plan.reference, summary, options);
      run.pass = run.outputs.every((o) => o.pass !== false);
      result.baseline ??= { shapes: plan.shapes, outputDims: Object.fromEntries(Object.entries(outputs).map(([k, t]) => [k, [...t.dims]])) };
      // Several runs: keys '<output>@<shape of the first input>' ('#2'... if shapes repeat).
      const tag = shapeTag(plan.shapes[inputs[0]?.name] ?? []);
      for (const [k, t] of Object.entries(outputs)) {
        let key = planned.length > 1 ? `${k}@${tag}` : k;
        for (let i = 2; result.outputs[key]; i++) key = `${k}@${tag}#${i}`;
        result.outputs[key] = t;
      }
    } catch (err) {
      const f = addFinding(findings, translateOrtError(summary, err, { source: plan.source, shapes: plan.shapes }));
      run.error = f ? { message: `failed (see ${f.code}): ${cleanOrtMessage(err)}`, code: f.code } : { message: cleanOrtMessage(err) };
    }
  }
  return result;
}

async function checkWritable(file: string): Promise<void> {
  const dir = path.dirname(path.resolve(file));
  const st = await fs.promises.stat(dir).catch(() => null);
  if (!st?.isDirectory()) throw new FileError(file, `cannot be written: the folder ${dir} does not exist`);
}

/**
 * Checks a model: diagnostics, runs on each backend (onnxruntime-node by default), comparisons with references,
 * the dynamic-axes probe (on the first backend). Throws TrtNodeError for usage and input errors (missing or
 * malformed files, unknown input names, wrong ranks); everything about the model itself goes in the report.
 */
export async function check(model: string | ModelSummary, options: CheckOptions = {}): Promise<CheckReport> {
  const summary = typeof model === 'string' ? await readModel(model) : model;
  const modelPath = typeof model === 'string' ? model : summary.file;
  if (options.saveOutputs) await checkWritable(options.saveOutputs);
  const g = indexGraph(summary);
  const inputs = dataInputs(g);
  const planned = await planRuns(summary, inputs, summary.inputs.filter((i) => !i.isInitializer), options);
  for (const b of options.bounds ?? []) validateShapes(inputs, b.shapes, b.label, false);
  const requests: ShapeRequest[] = [
    ...planned.map((p) => ({ source: p.source, shapes: p.shapes })),
    ...(options.bounds ?? []).map((b) => ({ source: b.label, shapes: b.shapes })),
  ];
  const findings: Finding[] = diagnoseStatic(summary, { requests });
  const runs: RunReport[] = [];
  let probeReport: CheckReport['probe'];
  let savedOutputs: string | undefined;

  const factories = options.backends ?? [createOrtBackend];
  for (const [index, factory] of factories.entries()) {
    const { backend, error } = await loadBackend(factory, modelPath, summary, findings);
    try {
      const result = await runAll(backend, error, planned, summary, inputs, findings, options);
      runs.push(...result.runs);
      if (!backend || index > 0) continue;
      // The first backend also probes and saves. The probe is skipped when every run already failed in a
      // baked-in Reshape (it would only repeat that).
      const alreadyPinned = !result.baseline && findings.some((f) => f.code === 'SHAPE_NOT_DYNAMIC');
      if (options.probe !== false && !alreadyPinned) {
        const probe = await probeDynamicAxes(summary, backend, {
          // From a run that worked; else the probe's own defaults (a failed request may conflict with fixed dims).
          baseline: result.baseline?.shapes,
          baselineOutputDims: result.baseline?.outputDims,
          bounds: options.bounds,
        });
        for (const f of probe.findings) addFinding(findings, f);
        probeReport = { attempts: probe.attempts.map(attemptSummary) };
      }
      if (options.saveOutputs && Object.keys(result.outputs).length) {
        await writeNpz(options.saveOutputs, result.outputs);
        savedOutputs = options.saveOutputs;
      }
    } finally {
      await backend?.dispose();
    }
  }

  const sorted = sortFindings(findings);
  const compared = runs.flatMap((r) => r.outputs.filter((o) => o.compared));
  return {
    model: modelPath ? label(modelPath) : null,
    opset: g.opset,
    findings: sorted,
    runs,
    ...(probeReport ? { probe: probeReport } : {}),
    ...(savedOutputs ? { savedOutputs } : {}),
    pass: !hasErrors(sorted) && runs.every((r) => r.pass),
    parts: checkParts(sorted, runs),
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
}

function attemptSummary(a: ProbeAttempt): { label: string; shapes: Record<string, number[]>; ok: boolean; error?: string } {
  return { label: a.label, shapes: a.shapes, ok: a.ok, ...(a.failure ? { error: a.failure.message } : {}) };
}
