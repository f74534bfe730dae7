/**
 * SHAPE_NOT_DYNAMIC: an axis declared dynamic (a symbolic dim, from dynamic_axes) that the graph cannot actually
 * vary. The usual cause: tracing recorded Python ints (x.size(2), int(h), h * w) as constants, typically in a
 * Reshape's target shape, so the model only runs at the export-time size. Found by running it (onnxruntime-node)
 * at other values of the declared dims and reporting where it fails, or where an output dim declared with the same
 * symbol stays put.
 *
 * `probeDynamicAxes` is exported for reuse (the TensorRT cross-check probes the same sizes).
 */
import type { Dim, InputSummary, ModelSummary, NodeSummary, TensorSummary } from '../../onnx/types';
import { classifyOrtError } from '../../runners/ort-errors';
import { generateProbeFeeds } from '../../runners/feeds';
import type { NamedTensors } from '../../tensor/types';
import { elementCount } from '../../tensor/types';
import type { Exporter, GraphIndex } from '../graph';
import { describeNode, exporterOf, indexGraph, isConstant, nodeRef, shapeTag } from '../graph';
import type { Finding, Severity } from '../types';
import { dataInputs } from './fixed-dim';

/** Something that runs the model: OrtRunner fits, as would a TensorRT engine runner. */
export interface ProbeSession {
  run(feeds: NamedTensors): Promise<NamedTensors>;
}

/** Error details a run failure is reduced to. */
export interface ProbeFailure {
  /** classifyOrtError's kind: 'reshape', 'fixed-dim', 'other'... */
  kind: string;
  /** The message, first line(s), without onnxruntime's source-file noise. */
  message: string;
  /** The node onnxruntime names ("running Reshape node. Name:'/Reshape'"). */
  nodeName?: string;
  opType?: string;
  /** For Reshape failures: the input shape and the target shape baked into the graph. */
  inputShape?: number[];
  requestedShape?: number[];
}

export type FailureClassifier = (err: unknown) => ProbeFailure;

/** A declared-dynamic dim: a symbol and every (input, axis) it names. Unnamed dynamic dims get their own symbol. */
export interface DynamicSymbol {
  symbol: string;
  uses: { input: string; axis: number }[];
  /** The size the probe starts from (baseline). */
  base: number;
  /** Whether `base` came from the caller (a size known to be valid) or is a default guess. */
  baseFromCaller: boolean;
}

export interface ProbeAttempt {
  /** 'baseline', 'aligned', 'odd', 'profile min'/'profile max', or 'aligned: height' for a one-symbol probe. */
  label: string;
  /** Symbols whose value differs from the baseline. */
  varied: string[];
  shapes: Record<string, number[]>;
  ok: boolean;
  outputDims?: Record<string, number[]>;
  failure?: ProbeFailure;
}

export interface ProbeOptions {
  /** Input shapes known (or asked) to be valid: the export-time size, --shapes, an --inputs file. */
  baseline?: Record<string, readonly number[]>;
  /** Output dims of a run at `baseline` already made by the caller (saves running it again). */
  baselineOutputDims?: Record<string, number[]>;
  /** Profile bounds to try (trtexec's --minShapes/--maxShapes); failures there are errors. */
  bounds?: { label: string; shapes: Record<string, readonly number[]> }[];
  /** Largest probe input, in elements, to keep probes cheap on CPU. Default 2**24 (64 MiB of float32). */
  maxElements?: number;
  /** Turns a thrown run error into a ProbeFailure. Default: `defaultFailureClassifier`. */
  classify?: FailureClassifier;
}

export interface ProbeResult {
  symbols: DynamicSymbol[];
  attempts: ProbeAttempt[];
  findings: Finding[];
}

const DEFAULT_MAX_ELEMENTS = 2 ** 24;

/** Default starting size of a dynamic dim when the caller knows none: batch 1, image h/w 64, other 8. */
function defaultBase(rank: number, axis: number): number {
  if (axis === 0) return 1;
  if (rank >= 4 && axis >= 2) return 64;
  return 8;
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

export function declaredSymbols(model: ModelSummary, baseline?: Record<string, readonly number[]>): DynamicSymbol[] {
  const g = indexGraph(model);
  const bySymbol = new Map<string, DynamicSymbol>();
  for (const input of dataInputs(g)) {
    const dims = input.dims;
    if (!dims) continue;
    dims.forEach((d, axis) => {
      if (d.kind === 'fixed') return;
      const symbol = d.kind === 'symbolic' ? d.name : `${input.name}[${axis}]`;
      const given = baseline?.[input.name]?.[axis];
      let entry = bySymbol.get(symbol);
      if (!entry) {
        entry = { symbol, uses: [], base: given ?? defaultBase(dims.length, axis), baseFromCaller: given !== undefined };
        bySymbol.set(symbol, entry);
      } else if (given !== undefined && !entry.baseFromCaller) {
        entry.base = given;
        entry.baseFromCaller = true;
      }
      entry.uses.push({ input: input.name, axis });
    });
  }
  return [...bySymbol.values()];
}

function shapesFor(inputs: readonly InputSummary[], values: Map<string, number>, baseline?: Record<string, readonly number[]>): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const input of inputs) {
    // Unknown rank: only the caller's shape is valid (a scalar made the probes fail, a false SHAPE_NOT_DYNAMIC).
    if (!input.dims) {
      out[input.name] = [...(baseline?.[input.name] ?? [])];
      continue;
    }
    out[input.name] = input.dims.map((d: Dim, axis) => {
      if (d.kind === 'fixed') return d.value;
      const symbol = d.kind === 'symbolic' ? d.name : `${input.name}[${axis}]`;
      return values.get(symbol) ?? baseline?.[input.name]?.[axis] ?? 1;
    });
  }
  return out;
}

/** Probes test shapes, not numerics: seeded values, the same at every size (integers 0/1 stay valid indices). */
function probeFeeds(inputs: readonly InputSummary[], shapes: Record<string, number[]>): NamedTensors {
  return generateProbeFeeds(inputs, shapes, 0);
}

/** Reduces a run error to a ProbeFailure with onnxruntime's classifier (lib/runners/ort-errors.ts). */
export function defaultFailureClassifier(err: unknown): ProbeFailure {
  const info = classifyOrtError(err);
  return {
    kind: info.kind,
    message: info.message,
    ...(info.nodeName !== undefined ? { nodeName: info.nodeName } : {}),
    ...(info.opType !== undefined ? { opType: info.opType } : {}),
    ...(info.kind === 'reshape' && info.inputShape ? { inputShape: info.inputShape } : {}),
    ...(info.kind === 'reshape' && info.requestedShape ? { requestedShape: info.requestedShape } : {}),
  };
}

function dimsOf(outputs: NamedTensors): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const [name, t] of Object.entries(outputs)) out[name] = [...t.dims];
  return out;
}

/**
 * Runs `session` at other values of the model's declared dynamic dims and reports the axes that cannot vary.
 * Probes: the baseline, all symbols at a larger size keeping the baseline's divisibility ('aligned'), all at an
 * odd size ('odd'), each given profile bound; when a joint probe fails, each symbol alone to name the culprits.
 * Severity: error when the graph fails at an aligned size or a profile bound, or cannot run at the baseline because
 * a Reshape's target shape is baked in; warning when only odd sizes fail (the model may legitimately need multiples
 * of a stride), when the baseline was a guess that failed, or when an output dim declared with the input's symbol
 * does not change.
 */
export async function probeDynamicAxes(model: ModelSummary, session: ProbeSession, options: ProbeOptions = {}): Promise<ProbeResult> {
  const g = indexGraph(model);
  // Every input the model takes, parameters left as inputs included (supplied, they let it run): their dims are
  // fixed, so the probe only ever varies data inputs.
  const inputs = g.model.inputs.filter((i) => !i.isInitializer);
  const symbols = declaredSymbols(model, options.baseline);
  const attempts: ProbeAttempt[] = [];
  if (symbols.length === 0) return { symbols, attempts, findings: [] };
  const classify = options.classify ?? defaultFailureClassifier;
  const maxElements = options.maxElements ?? DEFAULT_MAX_ELEMENTS;
  const baseValues = new Map(symbols.map((s) => [s.symbol, s.base]));

  const attempt = async (label: string, values: Map<string, number>, shapesOverride?: Record<string, number[]>): Promise<ProbeAttempt> => {
    const shapes = shapesOverride ?? shapesFor(inputs, values, options.baseline);
    const varied = symbols.filter((s) => s.uses.some((u) => shapes[u.input]?.[u.axis] !== s.base)).map((s) => s.symbol);
    const rec: ProbeAttempt = { label, varied, shapes, ok: false };
    try {
      rec.outputDims = dimsOf(await session.run(probeFeeds(inputs, shapes)));
      rec.ok = true;
    } catch (err) {
      rec.failure = classify(err);
    }
    attempts.push(rec);
    return rec;
  };
  const tooBig = (values: Map<string, number>) =>
    Object.values(shapesFor(inputs, values, options.baseline)).some((dims) => elementCount(dims) > maxElements);
  const withAll = (f: (base: number) => number) => new Map(symbols.map((s) => [s.symbol, f(s.base)]));
  const shrink = (base: number) => Math.max(1, base - Math.min(base & -base || 1, 64));

  let baseline: ProbeAttempt;
  if (options.baselineOutputDims) {
    baseline = { label: 'baseline', varied: [], shapes: shapesFor(inputs, baseValues, options.baseline), ok: true, outputDims: options.baselineOutputDims };
    attempts.push(baseline);
  } else {
    baseline = await attempt('baseline', baseValues);
  }

  const findings: Finding[] = [];
  const callerBaseline = symbols.every((s) => s.baseFromCaller);
  if (!baseline.ok) {
    // Cannot run even at the starting sizes. A baked-in Reshape target says why; otherwise we know too little
    // (a guessed size may be invalid for the model), hence only a warning. Fixed-dim failures are FIXED_DIM's.
    const f = baseline.failure!;
    const sev: Severity = f.kind === 'reshape' || callerBaseline ? 'error' : 'warning';
    if (f.kind !== 'fixed-dim') findings.push(buildFinding(model, sev, symbols, [baseline], baseline, callerBaseline));
    return { symbols, attempts, findings };
  }

  /** strict: a failure there is an error; bound: a caller's profile bound, reported as is (not narrowed down). */
  const probes: { label: string; values: Map<string, number>; strict: boolean; bound?: boolean }[] = [];
  const aligned = withAll(alignedProbe);
  probes.push({ label: 'aligned', values: tooBig(aligned) ? withAll(shrink) : aligned, strict: true });
  const odd = withAll(oddProbe);
  if (!tooBig(odd)) probes.push({ label: 'odd', values: odd, strict: false });

  const results: { probe: (typeof probes)[number]; rec: ProbeAttempt }[] = [];
  for (const probe of probes) results.push({ probe, rec: await attempt(probe.label, probe.values) });
  for (const bound of options.bounds ?? []) {
    const shapes: Record<string, number[]> = shapesFor(inputs, baseValues, options.baseline);
    for (const [name, dims] of Object.entries(bound.shapes)) if (shapes[name]) shapes[name] = [...dims];
    results.push({ probe: { label: bound.label, values: baseValues, strict: true, bound: true }, rec: await attempt(bound.label, baseValues, shapes) });
  }

  // Name the culprits: re-run a failed joint probe one symbol at a time.
  const culprits: { symbol: DynamicSymbol; rec: ProbeAttempt; strict: boolean }[] = [];
  for (const { probe, rec } of results) {
    if (rec.ok || rec.varied.length === 0) continue;
    if (rec.varied.length === 1 || probe.bound) {
      for (const s of symbols.filter((x) => rec.varied.includes(x.symbol))) culprits.push({ symbol: s, rec, strict: probe.strict });
      continue;
    }
    for (const s of symbols) {
      // A symbol already shown to fail on its own needs no second one-symbol run.
      if (!rec.varied.includes(s.symbol) || culprits.some((c) => c.symbol === s && c.rec.label.includes(': '))) continue;
      const value = probe.values.get(s.symbol) ?? s.base;
      const single = await attempt(`${probe.label}: ${s.symbol}=${value}`, new Map([...baseValues, [s.symbol, value]]));
      if (!single.ok) culprits.push({ symbol: s, rec: single, strict: probe.strict });
    }
    // Fails only when several vary together (e.g. a product of sizes baked in): blame the joint probe.
    if (!culprits.some((c) => rec.varied.includes(c.symbol.symbol))) {
      for (const s of symbols.filter((x) => rec.varied.includes(x.symbol))) culprits.push({ symbol: s, rec, strict: probe.strict });
    }
  }

  // Group failures by the node they fail in (one finding per node), strict ones first.
  const byNode = new Map<string, { strict: boolean; recs: ProbeAttempt[]; symbols: Set<string> }>();
  for (const c of culprits) {
    const key = c.rec.failure?.nodeName ?? c.rec.failure?.message ?? '?';
    let e = byNode.get(key);
    if (!e) byNode.set(key, (e = { strict: false, recs: [], symbols: new Set() }));
    e.strict ||= c.strict;
    if (!e.recs.includes(c.rec)) e.recs.push(c.rec);
    e.symbols.add(c.symbol.symbol);
  }
  for (const e of byNode.values()) {
    const syms = symbols.filter((s) => e.symbols.has(s.symbol));
    findings.push(buildFinding(model, e.strict ? 'error' : 'warning', syms, e.recs, baseline, callerBaseline));
  }

  // Outputs declared with an input's symbol that do not change when that symbol does.
  for (const { rec } of results) {
    if (!rec.ok || !rec.outputDims || !baseline.outputDims) continue;
    for (const out of model.outputs) {
      out.dims?.forEach((d, axis) => {
        if (d.kind !== 'symbolic' || !rec.varied.includes(d.name)) return;
        const before = baseline.outputDims![out.name]?.[axis];
        const after = rec.outputDims![out.name]?.[axis];
        if (before === undefined || before !== after) return;
        if (findings.some((f) => f.details?.output === out.name && f.axis === axis)) return;
        const sym = symbols.find((s) => s.symbol === d.name)!;
        const use = sym.uses[0];
        findings.push({
          code: 'SHAPE_NOT_DYNAMIC',
          severity: 'warning',
          message:
            `Output '${out.name}' declares axis ${axis} as '${d.name}', like input '${use.input}' axis ${use.axis}, but it stays ` +
            `${before} when '${d.name}' goes from ${sym.base} to ${rec.shapes[use.input][use.axis]}: the graph holds the ` +
            `export-time size somewhere (a size traced as a Python int). ${tracedIntFix(exporterOf(model)).text}`,
          fix: tracedIntFix(exporterOf(model)).fix,
          input: use.input,
          axis: use.axis,
          details: { output: out.name, outputAxis: axis, symbol: d.name, outputSize: before, tried: rec.shapes },
        });
      });
    }
  }
  return { symbols, attempts, findings };
}

/** The traced-Python-int fix, worded for the exporter that made the model. */
export function tracedIntFix(exporter: Exporter): { fix: string; text: string } {
  const fix =
    'compute sizes from tensors in forward() (x.shape / x.size(i) without int(), torch.flatten, reshape(n, c, -1)) ' +
    'instead of Python ints, then re-export' +
    (exporter === 'dynamo' ? ' with the axis declared in dynamic_shapes (torch.export.Dim)' : '; or use torch.onnx.export(..., dynamo=True) with dynamic_shapes');
  const why =
    exporter === 'dynamo'
      ? 'torch.export keeps sizes symbolic only for axes declared in dynamic_shapes; a size turned into a Python number ' +
        '(.item(), .tolist(), numpy) or an axis left out of dynamic_shapes is recorded as the export-time constant.'
      : 'With dynamo=False the exporter traces Python ints (int(h), h * w, sizes from .tolist() or numpy) as ' +
        'constants, so a declared dynamic_axes entry cannot change them.';
  return { fix, text: `Fix: ${fix}. ${why}` };
}

/**
 * Why a declared-dynamic axis cannot vary when the failing node combines the data with a parameter of fixed size:
 * the architecture ties the axis to that size (a learned position embedding added to the tokens, a Linear over a
 * flattened feature map), and no export option can change it.
 */
export interface FixedSizeParameterCause {
  kind: 'broadcast' | 'linear';
  /** The failing node. */
  node: NodeSummary;
  /** The initializer (or Constant) holding the parameter, as the model names it. */
  parameter: string;
  parameterDims: number[];
}

/** Ops through which a parameter keeps its identity on the way to the failing node. */
const PASS_THROUGH = new Set(['Identity', 'Cast', 'Transpose', 'Unsqueeze', 'Squeeze', 'Reshape', 'Slice', 'Gather', 'Expand', 'Flatten']);
const BROADCASTING = new Set(['Add', 'Sub', 'Mul', 'Div', 'Where', 'Concat']);
const LINEAR = new Set(['Gemm', 'MatMul']);

/** The initializer behind `value`, followed through ops that only reshape, cast or slice it; undefined for data. */
function parameterBehind(g: GraphIndex, value: string, depth = 0): TensorSummary | undefined {
  const init = g.model.initializers.list.find((t) => t.name === value);
  if (init) return init;
  const node = g.producer.get(value);
  if (!node || node.domain !== '' || depth > 6) return undefined;
  if (node.opType === 'Constant') {
    const v = node.attributes.value;
    return v && v.type === 'tensor' ? { ...v.value, name: value } : undefined;
  }
  if (!PASS_THROUGH.has(node.opType) || !node.inputs[0]) return undefined;
  // Only the first input carries the tensor; the others (shapes, indices, axes) must be constants themselves.
  if (node.inputs.slice(1).some((x) => x && !isConstant(g, x))) return undefined;
  return parameterBehind(g, node.inputs[0], depth + 1);
}

/**
 * The cause of a SHAPE_NOT_DYNAMIC failure when it is the architecture's, or undefined (then the traced-int cause
 * applies). Pure: reads the model and the failure only.
 */
export function fixedSizeParameterCause(model: ModelSummary, failure: Pick<ProbeFailure, 'nodeName' | 'kind'>): FixedSizeParameterCause | undefined {
  if (failure.kind === 'reshape' || failure.nodeName === undefined) return undefined;
  const node = model.nodes.find((n) => n.name === failure.nodeName);
  if (!node || node.domain !== '') return undefined;
  const g = indexGraph(model);
  const candidates = LINEAR.has(node.opType) ? node.inputs.slice(1, 2) : BROADCASTING.has(node.opType) ? node.inputs : [];
  let best: TensorSummary | undefined;
  for (const input of candidates) {
    if (!input) continue;
    const p = parameterBehind(g, input);
    // A parameter of one element or one non-1 axis per channel broadcasts against any size: not the cause.
    if (!p || p.dims.filter((d) => d > 1).length < (LINEAR.has(node.opType) ? 1 : 2)) continue;
    if (!best || elementCount(p.dims) > elementCount(best.dims)) best = p;
  }
  // The data side must be data: a node combining two parameters is not where an input size meets a fixed one.
  const dataSide = node.inputs.some((x) => x && !parameterBehind(g, x) && !isConstant(g, x));
  if (!best || !dataSide) return undefined;
  return { kind: LINEAR.has(node.opType) ? 'linear' : 'broadcast', node, parameter: best.name, parameterDims: [...best.dims] };
}

/** The message part and fix for an architecture-fixed axis, worded for the exporter. */
export function fixedSizeParameterAdvice(
  cause: FixedSizeParameterCause,
  exporter: Exporter,
  axisText: string,
  exportSize: string,
): { text: string; fix: string } {
  const dims = `[${cause.parameterDims.join(', ')}]`;
  const several = axisText.includes(',');
  const declareStatic =
    exporter === 'dynamo'
      ? `declare ${axisText} static: drop ${several ? 'their' : 'its'} torch.export.Dim from dynamic_shapes (dynamo=True ` +
        `exported ${several ? 'them' : 'it'} as dynamic without complaint, but the model cannot run at another size) and feed ${exportSize}`
      : `declare ${axisText} static: leave ${several ? 'them' : 'it'} out of dynamic_axes and feed ${exportSize}`;
  if (cause.kind === 'linear') {
    const inFeatures = cause.node.opType === 'Gemm' && cause.parameterDims.length === 2 ? cause.parameterDims[1] : cause.parameterDims[0];
    return {
      text:
        `${describeNode(cause.node)} multiplies by the parameter '${cause.parameter}' of fixed shape ${dims}: a Linear ` +
        `layer that takes exactly ${inFeatures} features, which is the flattened feature map at the export size. Any ` +
        `other input size flattens to another number, so the architecture itself fixes ${axisText}: no export option ` +
        `can make it vary. Options: ${declareStatic}; or make the feature count independent of the input size — pool ` +
        `to a fixed grid before flattening (nn.AdaptiveAvgPool2d, as torchvision's classifiers do) or use global pooling.`,
      fix: `${declareStatic}; or pool to a fixed size (nn.AdaptiveAvgPool2d) before the flatten that feeds '${cause.parameter}'`,
    };
  }
  return {
    text:
      `${describeNode(cause.node)} combines the data with the parameter '${cause.parameter}' of fixed shape ${dims}, ` +
      `a learned tensor (e.g. a ViT's position embedding added to the patch tokens) whose size was set for the ` +
      `export-time input. The architecture itself ties ${axisText} to that size: no export option can make it vary. ` +
      `Options: ${declareStatic}; or make the parameter follow the input — resize it in forward() to the current ` +
      `token grid (F.interpolate of the embedding reshaped to its 2-D grid, as timm's ViT does with ` +
      `dynamic_img_size=True) and re-export.`,
    fix: `${declareStatic}; or interpolate '${cause.parameter}' to the input's size in forward() and re-export`,
  };
}

function buildFinding(
  model: ModelSummary,
  severity: Severity,
  syms: DynamicSymbol[],
  recs: ProbeAttempt[],
  baseline: ProbeAttempt,
  callerBaseline: boolean,
  sizesLabel = callerBaseline ? 'the given sizes' : 'default sizes',
): Finding {
  const rec = recs[0];
  const f = rec.failure!;
  const node = f.nodeName !== undefined ? model.nodes.find((n) => n.name === f.nodeName) : undefined;
  const where = node ? describeNode(node) : f.opType ? `a ${f.opType} node '${f.nodeName}'` : 'the graph';
  const axes = syms.flatMap((s) => s.uses.map((u) => ({ ...u, symbol: s.symbol, base: s.base })));
  const axisText = syms.map((s) => `'${s.symbol}' (${s.uses.map((u) => `${u.input} axis ${u.axis}`).join(', ')})`).join(', ');
  const shapesText = (r: ProbeAttempt) => Object.entries(r.shapes).map(([n, d]) => `${n} ${shapeTag(d)}`).join(', ');
  // One-symbol probes say most ("fails when height=32"); joint ones only when nothing narrower failed.
  const singles = recs.filter((r) => r.label.includes(': '));
  const shown = (singles.length ? singles : recs).slice(0, 4);
  const tried = shown.map((r) => (r.label.includes(': ') ? `${r.label.split(': ')[1]} (${shapesText(r)})` : shapesText(r)));
  const more = (singles.length ? singles : recs).length - shown.length;
  const cause =
    f.kind === 'reshape' && f.requestedShape
      ? `${where} cannot reshape {${(f.inputShape ?? []).join(',')}} to {${f.requestedShape.join(',')}}: that target shape is a constant in the graph, the export-time sizes traced into it.`
      : `${where} fails: ${f.message}${/[.!]$/.test(f.message) ? '' : '.'}`;
  const head = baseline === rec
    ? `The model cannot run at ${sizesLabel} (${shapesText(rec)}) although ${axisText} ${syms.length === 1 ? 'is' : 'are'} declared dynamic`
    : `Declared dynamic ${syms.length === 1 ? 'axis' : 'axes'} ${axisText} cannot vary: the model runs at ${shapesText(baseline)} but fails at ${tried.join('; ')}${more > 0 ? ` and ${more} more` : ''}`;
  const hint = !callerBaseline && baseline === rec && f.kind !== 'reshape' ? ' Pass --shapes (or --inputs) with the size the model was exported at to probe from a valid size.' : '';
  const exporter = exporterOf(model);
  const architecture = fixedSizeParameterCause(model, f);
  const advice = architecture
    ? fixedSizeParameterAdvice(architecture, exporter, axisText, baseline === rec ? 'the size the model was exported at' : shapesText(baseline))
    : tracedIntFix(exporter);
  const oddOnly = severity === 'warning' && baseline !== rec && !architecture
    ? ' Only odd/unaligned sizes fail: if the model needs multiples of its stride, restrict the TensorRT profile accordingly; otherwise:'
    : '';
  return {
    code: 'SHAPE_NOT_DYNAMIC',
    severity,
    message: `${head}. ${cause}${hint}${oddOnly} ${advice.text}`,
    fix: advice.fix,
    input: axes[0]?.input,
    axis: axes[0]?.axis,
    ...(node ? { node: nodeRef(node) } : {}),
    details: {
      axes,
      failure: f,
      baseline: baseline.shapes,
      tried: recs.map((r) => ({ label: r.label, shapes: r.shapes })),
      cause: architecture ? { kind: architecture.kind, parameter: architecture.parameter, parameterDims: architecture.parameterDims } : { kind: 'traced-size' },
    },
  };
}

/**
 * SHAPE_NOT_DYNAMIC for a run that failed at requested shapes in a Reshape whose target is baked in (an
 * onnxruntime error translated); undefined when the model declares no dynamic dim (then it is not this pitfall).
 */
export function runFailureFinding(
  model: ModelSummary,
  failure: ProbeFailure,
  shapes: Record<string, readonly number[]>,
  source: string,
): Finding | undefined {
  const symbols = declaredSymbols(model, shapes);
  if (symbols.length === 0) return undefined;
  const copy: Record<string, number[]> = {};
  for (const [k, v] of Object.entries(shapes)) copy[k] = [...v];
  const rec: ProbeAttempt = { label: source, varied: [], shapes: copy, ok: false, failure };
  return buildFinding(model, 'error', symbols, [rec], rec, true, source);
}
