/**
 * The onnxruntime-node Runner: an OrtRunner session (./ort-runner.ts: created once, on CPU by default, in a worker
 * thread of its own) wrapped as a Runner, and the 'onnxruntime' kind registered. The session is loaded apart from
 * the runner (as Polygraphy's SessionFromOnnx feeds its OnnxrtRunner), so a session you made can run as a Runner too.
 */
import * as os from 'os';
import { InvalidValueError } from '../../errors';
import type { ModelBytes } from '../../onnx/reader';
import * as v from '../../validate';
import { ONNXRUNTIME_RUNNER_OPTIONS, specOptions } from '../option-names';
import { EXPECTED_RANK, registerRunner } from '../registry';
import type { Runner } from '../runner';
import { ortErrorInfo, OrtRunner, type GraphOptimizationLevel, type OrtRunnerOptions } from './ort-runner';

export interface OnnxRuntimeRunnerOptions extends Pick<OrtRunnerOptions, 'intraOpNumThreads' | 'interOpNumThreads' | 'executionProvider' | 'thread' | 'externalDataDir'> {
  /** Runner name. Default: 'onnxruntime', or 'onnxruntime-noopt' with graphOptimization 'disabled'. */
  name?: string;
  /**
   * onnxruntime's graph optimizations. 'disabled' runs the graph as exported (the closest to what the ONNX spec
   * says), 'all' fuses nodes like a deployment would. Default 'all'.
   */
  graphOptimization?: GraphOptimizationLevel;
}

export type OnnxRuntimeRunnerSpec = { kind: 'onnxruntime' } & OnnxRuntimeRunnerOptions;

export function onnxRuntimeRunnerName(level: GraphOptimizationLevel): string {
  return level === 'all' ? 'onnxruntime' : `onnxruntime-${level === 'disabled' ? 'noopt' : level}`;
}

/** How the session's runs are timed, as the benchmark reports it. */
function measuredAs(session: OrtRunner): string {
  return session.settings.thread === 'worker'
    ? 'onnxruntime-node in a worker thread; engine = InferenceSession.run on that thread (what a direct caller of onnxruntime-node waits for, blocking its thread); end-to-end adds the thread hop'
    : 'onnxruntime-node on the calling thread (as a direct caller uses it: the event loop is blocked during each run); engine = InferenceSession.run';
}

/** A loaded session as a Runner (disposing the runner releases the session). */
export function onnxRuntimeRunnerFromSession(session: OrtRunner, name = onnxRuntimeRunnerName(session.settings.graphOptimization)): Runner & { readonly session: OrtRunner } {
  const s = session.settings;
  return {
    name,
    kind: 'onnxruntime',
    description: session.description,
    settings: { ...s, intraOpNumThreads: s.intraOpNumThreads || `auto (${os.cpus().length} cores)` },
    measuredAs: measuredAs(session),
    session,
    supports: () => true,
    run: (feeds, _probe, o) => session.run(feeds, undefined, o),
    async runTimed(feeds, _probe, o) {
      const r = await session.runTimed(feeds, undefined, o);
      return { outputs: r.outputs, timings: { sessionMs: r.sessionMs, engineMs: r.sessionMs } };
    },
    dispose: () => session.dispose(),
  };
}

/**
 * onnxruntime-node, for a model file or the bytes readModel kept (`modelBytesOf(summary)`: exactly what was read).
 * Creating it throws when onnxruntime cannot load the model (custom ops, for one).
 */
export async function createOnnxRuntimeRunner(model: string | ModelBytes, options: OnnxRuntimeRunnerOptions = {}): Promise<Runner & { readonly session: OrtRunner }> {
  const { name, ...rest } = v.options<OnnxRuntimeRunnerOptions>(options, 'options', ONNXRUNTIME_RUNNER_OPTIONS);
  const session = await OrtRunner.create(model, { ...rest, graphOptimization: rest.graphOptimization ?? 'all' });
  return onnxRuntimeRunnerFromSession(session, name);
}

registerRunner<OnnxRuntimeRunnerSpec>(
  'onnxruntime',
  (spec, { model, modelBytes, externalDataDir, parameter }) => {
    // The bytes that were read and diagnosed, when kept: onnxruntime runs exactly those (./source.ts).
    const source = modelBytes ?? model;
    if (source === null) throw new InvalidValueError('model', 'a path to an .onnx file (onnxruntime-node loads the file)', model);
    const options = specOptions(spec, parameter, ONNXRUNTIME_RUNNER_OPTIONS);
    return createOnnxRuntimeRunner(source, { ...options, ...(externalDataDir !== undefined ? { externalDataDir } : {}) });
  },
  {
    expectedRank: EXPECTED_RANK.runtime,
    name: (spec) => spec.name ?? onnxRuntimeRunnerName(spec.graphOptimization ?? 'all'),
    // A model onnxruntime cannot load (a custom op) is a finding about the model; the other runners go on.
    reportsLoadFailure: { description: 'onnxruntime-node (CPU)', describe: (err) => ortErrorInfo(err).message },
  },
);
