/**
 * probeDynamicAxes(model, session): the dynamic-axes probe of check on any session that runs the model (an
 * OrtRunner, a TensorRT engine, a scripted stand-in), through the same pipeline and the same SHAPE_NOT_DYNAMIC
 * analysis: the baseline, a larger aligned size, an odd size, the bounds given, and one axis at a time where a
 * joint probe fails.
 */
import * as v from '../validate';
import { declaredSymbols, defaultFailureClassifier, type DynamicSymbol, type FailureClassifier, type ProbeAttempt } from '../diagnostics/rules/shape-not-dynamic';
import { blocksRun, diagnoseStatic, type DiagnoseOptions as StaticDiagnoseOptions } from '../diagnostics/diagnose';
import { sortFindings, type Finding } from '../diagnostics/findings';
import type { ModelSummary } from '../onnx/types';
import type { NamedTensors } from '../tensor/types';
import { requestedBaseline, planProbes } from './plan';
import { axisSymbols, defaultShapes, feedInputs, requestedProbe } from './probes';
import { runPipeline } from './run';
import { hasOwn } from '../util/names';

/** Something that runs the model: OrtRunner fits, as would a TensorRT engine runner. */
export interface ProbeSession {
  run(feeds: NamedTensors): Promise<NamedTensors>;
}

export interface ProbeOptions {
  /** Input shapes known (or asked) to be valid: the export-time size, --shapes, an --inputs file. */
  baseline?: Record<string, readonly number[]>;
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

export async function probeDynamicAxes(model: ModelSummary, session: ProbeSession, options: ProbeOptions = {}): Promise<ProbeResult> {
  const symbols = declaredSymbols(model, options.baseline);
  if (axisSymbols(model).length === 0) return { symbols, attempts: [], findings: [] };
  const shapes = { ...defaultShapes(model) };
  for (const [name, dims] of Object.entries(options.baseline ?? {})) if (hasOwn(shapes, name)) shapes[name] = [...dims];
  const fromCaller = options.baseline !== undefined;
  const baseline = { ...requestedProbe(model, fromCaller ? 'given' : 'default', 'baseline', shapes) };
  const name = 'session';
  const out = await runPipeline({
    model,
    inputs: feedInputs(model),
    runners: [
      {
        info: { name, kind: 'custom', description: 'the given session' },
        runner: { name, kind: 'custom', description: 'the given session', supports: () => true, run: (feeds) => session.run(feeds), dispose: () => undefined },
      },
    ],
    samples: [],
    planner: planProbes(model, { requested: [baseline], dynamicAxes: { bounds: options.bounds, maxElements: options.maxElements } }),
    baselineOf: requestedBaseline,
    seed: 0,
    classify: options.classify ?? defaultFailureClassifier,
  });
  const attempts: ProbeAttempt[] = out.probes.map((p) => {
    const run = p.runs.find((r) => r.runner === name);
    const failure = out.failures.get(p.index);
    const base = out.probes[0].values;
    return {
      label: p.label,
      varied: Object.keys(p.values).filter((s) => p.values[s] !== base[s]),
      shapes: p.shapes,
      ok: run?.status === 'ran',
      ...(run?.outputDims ? { outputDims: run.outputDims } : {}),
      ...(failure ? { failure } : {}),
    };
  });
  return { symbols, attempts, findings: out.findings.filter((f) => f.code === 'SHAPE_NOT_DYNAMIC') };
}

export interface DiagnoseOptions extends StaticDiagnoseOptions {
  /**
   * A session to probe declared dynamic axes with (SHAPE_NOT_DYNAMIC). Default none: the probe is skipped.
   * It is also skipped when a static error means the model cannot run as is (weights as inputs).
   */
  session?: ProbeSession;
  /** Options for the probe (baseline sizes, profile bounds, size cap). */
  probe?: ProbeOptions;
}

export interface Diagnosis {
  findings: Finding[];
  /** The dynamic-axes probe, when one ran. */
  probe?: ProbeResult;
}

/** Static findings, plus SHAPE_NOT_DYNAMIC from probing when a session is given. */
export async function diagnose(model: ModelSummary, options: DiagnoseOptions = {}): Promise<Diagnosis> {
  v.options<DiagnoseOptions>(options, 'options', v.optionNames<DiagnoseOptions>()({ requests: true, session: true, probe: true }));
  const findings = diagnoseStatic(model, options.requests ? { requests: options.requests } : {});
  if (!options.session || blocksRun(findings)) return { findings };
  const probe = await probeDynamicAxes(model, options.session, options.probe);
  return { findings: sortFindings([...findings, ...probe.findings]), probe };
}
