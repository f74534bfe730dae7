/**
 * The layer-wise comparison inside the run pipeline (`layers`, `--layers`): every selected intermediate tensor is an
 * output of each runner in its one run per probe (onnxruntime runs the model with those tensors appended to its graph
 * outputs, lib/onnx/add-outputs.ts; a TensorRT engine is built a second time with them marked, `markOutputs`), then
 * compared tensor by tensor with the expected side's, with the same tolerances and statistics as the outputs.
 *
 * Streaming: a runner's intermediates are compared as soon as its run returns and dropped; only the expected side's
 * stay until the probe ends (at most two runners' intermediates are held, and a runner's set larger than the memory
 * budget is not kept at all: that probe's layers are skipped, saying why).
 */
import * as fs from 'fs';
import * as path from 'path';
import { compareValidated, numericValues } from '../compare/compare';
import type { LayerDivergence, LayerPairComparison, LayerReport, LayerTensorComparison, ProbeLayers } from '../diagnostics/layers/types';
import { divergenceFindings, firstDivergence, nodeLabel, sweepDivergences } from '../diagnostics/layers/divergence';
import type { ResolvedLayers } from '../diagnostics/layers/selection';
import type { Finding } from '../diagnostics/findings';
import { FileError, InvalidValueError } from '../errors';
import { formatByteSize } from '../io/budget';
import { outputsToAdd, withGraphOutputs } from '../onnx/add-outputs';
import { modelBytesOf, type ModelBytes } from '../onnx/reader';
import type { ModelSummary } from '../onnx/types';
import type { Runner } from '../runners/runner';
import type { ActiveRunner, RunnerSpec } from '../runners/specs';
import type { TensorRTRunnerSpec } from '../runners/tensorrt/runner';
import type { NamedTensors, TensorLike } from '../tensor/types';
import { hasOwn, namedRecord } from '../util/names';
import type { CompareSettings } from './verdicts';

/** Said wherever the layers are reported. */
export const MARKING_NOTE =
  'Marking a tensor as an output can change how TensorRT fuses layers and which kernels it picks: the marked engine ' +
  "(runner '<name>-marked') is not the engine you deploy. The unmarked engine's outputs are compared too (runner '<name>'): " +
  'when it fails and the marked one passes, the marking moved the error; the intermediates then show where the marked engine differs.';

/** A selection as the pipeline runs it. */
export interface LayerPlan {
  resolved: ResolvedLayers;
  /** The model's outputs: compared as always, and among the layers so that the path to them is whole. */
  outputs: ReadonlySet<string>;
  /**
   * A tensor by the name a runner's array may have: its own, or without its leading '/' (classic exports name
   * tensors '/conv1/Conv_output_0', and an .npz entry cannot begin with '/': np.savez(f, **{k.lstrip('/'): a})).
   */
  byArrayName: ReadonlyMap<string, string>;
}

export function layerPlan(model: ModelSummary, resolved: ResolvedLayers): LayerPlan {
  const byArrayName = new Map<string, string>();
  for (const t of resolved.tensors) {
    byArrayName.set(t, t);
    const stripped = t.replace(/^\/+/, '');
    if (stripped !== t && !byArrayName.has(stripped)) byArrayName.set(stripped, t);
  }
  return { resolved, outputs: new Set(model.outputs.map((o) => o.name)), byArrayName };
}

// ------------------------------------------------------------------------------------------------ the runners

/**
 * The model onnxruntime (and any runner made from the model's bytes) loads for a layer-wise comparison: its bytes
 * with the selected tensors appended to the graph outputs; external data resolves in the same folder.
 */
export async function layeredModelBytes(model: ModelSummary, plan: LayerPlan, externalDataDir: string | undefined): Promise<ModelBytes | undefined> {
  const kept = modelBytesOf(model);
  const file = kept?.file ?? model.file;
  if (file === null) return undefined; // a summary without a file: there is nothing to rewrite
  const bytes =
    kept?.bytes ??
    new Uint8Array(
      await fs.promises.readFile(file).catch((err: unknown) => {
        throw new FileError(file, `cannot be read: ${(err as Error).message}`, { cause: err });
      }),
    );
  return { file, bytes: withGraphOutputs(bytes, outputsToAdd(model, plan.resolved.tensors)), baseDir: externalDataDir ?? kept?.baseDir ?? path.dirname(path.resolve(file)) };
}

const isTensorRTSpec = (s: RunnerSpec | Runner): s is TensorRTRunnerSpec => typeof s === 'object' && s !== null && !('run' in s) && s.kind === 'tensorrt';

/**
 * The runner specs with, after each TensorRT engine built from the model, the same build with the selected tensors
 * marked (`<name>-marked`); and the names of runners built to allow float16 kernels (an overflow there has a fix).
 */
export function withMarkedEngines(specs: readonly (RunnerSpec | Runner)[], plan: LayerPlan): { specs: (RunnerSpec | Runner)[]; float16: Set<string> } {
  const out: (RunnerSpec | Runner)[] = [];
  const float16 = new Set<string>();
  for (const s of specs) {
    out.push(s);
    if (!isTensorRTSpec(s)) continue;
    const name = s.name ?? 'tensorrt';
    if (s.build?.fp16) float16.add(name);
    if (s.build?.markOutputs !== undefined) {
      throw new InvalidValueError(`the build options of TensorRT runner '${name}' (markOutputs)`, 'no markOutputs with layers', s.build.markOutputs, 'layers marks the selected tensors on a second engine itself, and compares them on every runner');
    }
    if (s.engine !== undefined || plan.resolved.tensors.length === 0) continue; // a plan's outputs are fixed at its build
    out.push({ ...s, name: `${name}-marked`, build: { ...s.build, markOutputs: plan.resolved.tensors } });
    if (s.build?.fp16) float16.add(`${name}-marked`);
  }
  return { specs: out, float16 };
}

// --------------------------------------------------------------------------------------------------- a probe

/**
 * A runner's outputs split: the model's outputs, as the pipeline compares them; and the layers (selected
 * intermediates by tensor name, with the model's outputs), or undefined when it returned no intermediate.
 */
export function splitOutputs(outputs: NamedTensors, plan: LayerPlan): { outputs: NamedTensors; layers?: NamedTensors } {
  const model = namedRecord<TensorLike>();
  const layers = namedRecord<TensorLike>();
  let intermediates = 0;
  for (const [name, t] of Object.entries(outputs)) {
    const tensor = plan.outputs.has(name) ? undefined : plan.byArrayName.get(name);
    if (tensor === undefined) {
      model[name] = t;
      if (plan.outputs.has(name)) layers[name] = t;
    } else {
      layers[tensor] = t;
      intermediates++;
    }
  }
  return intermediates ? { outputs: model, layers } : { outputs: model };
}

function bytesOf(tensors: NamedTensors): number {
  let n = 0;
  for (const t of Object.values(tensors)) n += typeof t.data === 'object' && 'byteLength' in t.data ? t.data.byteLength : t.data.length * 8;
  return n;
}

/** The largest finite |value| (null for tensors without numbers). */
function absMax(t: TensorLike): number | null {
  if (t.type === 'string' || t.type === 'bool') return null;
  const values = numericValues(t);
  let max = 0;
  for (let i = 0; i < values.length; i++) {
    const a = Math.abs(values[i]);
    if (a > max && a !== Infinity) max = a;
  }
  return max;
}

function compareTensor(tensor: string, a: TensorLike, e: TensorLike, plan: LayerPlan, settings: CompareSettings): LayerTensorComparison {
  const isOutput = plan.outputs.has(tensor);
  const c = compareValidated(tensor, a, e, {
    ...(settings.tolerance ? { tolerance: settings.tolerance } : {}),
    ...(isOutput && settings.unordered ? { unordered: settings.unordered } : {}),
  });
  const { output: _o, histogram, worst: _w, order: _order, rows: _rows, ...stats } = c;
  return {
    tensor,
    depth: plan.resolved.depth.get(tensor) ?? -1,
    ...(isOutput ? { output: true as const } : {}),
    ...stats,
    nonFinite: histogram ? histogram.nonFinite : null,
    // Only where it can explain a failure (an fp16 overflow): a second pass over every agreeing tensor costs a
    // third of the comparison.
    expectedAbsMax: c.dims && !c.pass ? absMax(e) : null,
  };
}

/** One runner's layers against the expected side's. */
function comparePair(actual: string, a: NamedTensors, expected: string, e: NamedTensors, plan: LayerPlan, settings: CompareSettings): LayerPairComparison {
  const tensors: LayerTensorComparison[] = [];
  const notObservable: string[] = [];
  const notInExpected: string[] = [];
  const names = [...plan.resolved.tensors, ...[...plan.outputs].filter((o) => hasOwn(a, o) || hasOwn(e, o))].sort((x, y) => (plan.resolved.depth.get(x) ?? 0) - (plan.resolved.depth.get(y) ?? 0));
  for (const t of names) {
    if (!hasOwn(a, t)) notObservable.push(t);
    else if (!hasOwn(e, t)) notInExpected.push(t);
    else tensors.push(compareTensor(t, a[t], e[t], plan, settings));
  }
  const pair: LayerPairComparison = { actual, expected, tensors, notObservable, notInExpected, firstDivergence: null };
  const at = firstDivergence(plan.resolved, pair);
  pair.firstDivergence = at ? nodeLabel(at.node) : null;
  return pair;
}

/**
 * The layers of one probe, fed runner by runner in expected order: the first runner with intermediates is the
 * expected side; each later one is compared at once and its tensors let go.
 */
export function probeLayers(plan: LayerPlan, settings: CompareSettings, budget: number | undefined) {
  let expected: { name: string; layers: NamedTensors } | undefined;
  const pairs: LayerPairComparison[] = [];
  let skipped: string | undefined;
  return {
    add(runner: string, layers: NamedTensors): void {
      if (skipped) return;
      const bytes = bytesOf(layers);
      if (budget !== undefined && bytes > budget) {
        skipped = `${runner}'s intermediate tensors take ${formatByteSize(bytes)}, over the memory budget of ${formatByteSize(budget)} (maxTensorBytes, --max-tensor-bytes): select fewer layers, or raise the budget`;
        expected = undefined;
        return;
      }
      if (!expected) expected = { name: runner, layers };
      else pairs.push(comparePair(runner, layers, expected.name, expected.layers, plan, settings));
    },
    result(): ProbeLayers {
      expected = undefined;
      if (skipped) return { pairs: [], skipped };
      return pairs.length ? { pairs } : { pairs, skipped: 'fewer than two runners gave intermediate tensors at this probe: nothing to compare them with' };
    },
  };
}

// ------------------------------------------------------------------------------------------------ the sweep

function notObservable(probes: readonly { layers?: ProbeLayers }[], runners: readonly ActiveRunner[], plan: LayerPlan): LayerReport['notObservable'] {
  const out: LayerReport['notObservable'] = [];
  const seen = new Map<string, Set<string>>();
  const compared = new Set<string>();
  for (const p of probes) {
    for (const pair of p.layers?.pairs ?? []) {
      compared.add(pair.actual).add(pair.expected);
      let set = seen.get(pair.actual);
      if (!set) seen.set(pair.actual, (set = new Set()));
      pair.notObservable.forEach((t) => set!.add(t));
    }
  }
  for (const [runner, tensors] of seen) {
    if (tensors.size) out.push({ runner, tensors: plan.resolved.tensors.filter((t) => tensors.has(t)), reason: 'not outputs of its runs: TensorRT fused them away, renamed them, or holds them as weights or shape tensors' });
  }
  for (const r of runners) {
    if (!r.runner || compared.has(r.info.name) || r.info.kind === 'reference') continue;
    const marked = runners.some((x) => x.info.name === `${r.info.name}-marked`);
    out.push({
      runner: r.info.name,
      tensors: [],
      reason: marked
        ? `the unmarked engine: its outputs are compared as the model's; its intermediates are those of '${r.info.name}-marked'`
        : r.info.kind === 'tensorrt'
          ? 'an engine loaded from a plan: its outputs were fixed when it was built (build it from the model, with profiles, to mark its tensors)'
          : 'it returned no intermediate tensor',
    });
  }
  return out;
}

/** The layer report over every probe, and the FIRST_DIVERGENCE findings. */
export function layerReport(
  model: ModelSummary,
  plan: LayerPlan,
  probes: readonly { index: number; layers?: ProbeLayers }[],
  runners: readonly ActiveRunner[],
  float16Runners: ReadonlySet<string>,
): { report: LayerReport; findings: Finding[] } {
  const compared = probes.filter((p) => p.layers && p.layers.pairs.length > 0);
  const divergences: LayerDivergence[] = sweepDivergences(
    plan.resolved,
    compared.map((p) => ({ index: p.index, pairs: p.layers!.pairs })),
  );
  return {
    report: {
      selection: plan.resolved.selection,
      selected: plan.resolved.tensors.length,
      note: MARKING_NOTE,
      notObservable: notObservable(probes, runners, plan),
      divergences,
      comparedProbes: compared.length,
    },
    findings: divergenceFindings(divergences, { model, float16Runners }, compared.length),
  };
}
