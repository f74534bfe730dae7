/** The onnxruntime-node Runner: an OrtRunner on CPU, by default in a worker thread of its own. */
import { OrtRunner, type GraphOptimizationLevel, type OrtRunnerOptions } from './ort-runner';
import type { Runner } from './runner';
import type { ModelBytes } from '../onnx/reader';
import * as v from '../validate';
import { ONNXRUNTIME_RUNNER_OPTIONS } from './option-names';

export interface OnnxRuntimeRunnerOptions extends Pick<OrtRunnerOptions, 'intraOpNumThreads' | 'interOpNumThreads' | 'executionProvider' | 'thread'> {
  /** Runner name. Default: 'onnxruntime', or 'onnxruntime-noopt' with graphOptimization 'disabled'. */
  name?: string;
  /**
   * onnxruntime's graph optimizations. 'disabled' runs the graph as exported (the closest to what the ONNX spec
   * says), 'all' fuses nodes like a deployment would. Default 'all'.
   */
  graphOptimization?: GraphOptimizationLevel;
}

export function onnxRuntimeRunnerName(level: GraphOptimizationLevel): string {
  return level === 'all' ? 'onnxruntime' : `onnxruntime-${level === 'disabled' ? 'noopt' : level}`;
}

/**
 * onnxruntime-node, for a model file or the bytes readModel kept (`modelBytesOf(summary)`: exactly what was read).
 * Creating it throws when onnxruntime cannot load the model (custom ops, for one).
 */
export async function createOnnxRuntimeRunner(model: string | ModelBytes, options: OnnxRuntimeRunnerOptions = {}): Promise<Runner & { readonly session: OrtRunner }> {
  const { name, ...rest } = v.options<OnnxRuntimeRunnerOptions>(options, 'options', ONNXRUNTIME_RUNNER_OPTIONS);
  const level = rest.graphOptimization ?? 'all';
  const session = await OrtRunner.create(model, { ...rest, graphOptimization: level });
  return {
    name: name ?? onnxRuntimeRunnerName(level),
    kind: 'onnxruntime',
    description: session.description,
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
