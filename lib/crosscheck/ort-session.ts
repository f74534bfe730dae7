/**
 * onnxruntime-node for the cross-check: one CPU session per model and optimization level, reused at every probe.
 * Sessions log fatal errors only: a probe that fails is reported in the result, not on stderr.
 */
import * as ort from 'onnxruntime-node';
import type { NamedTensors, TensorLike } from '../tensor/types';

export type GraphOptimizationLevel = 'disabled' | 'basic' | 'extended' | 'all';

export interface OrtSession {
  description: string;
  run(feeds: NamedTensors): Promise<NamedTensors>;
  dispose(): Promise<void>;
}

function toOrt(t: TensorLike): ort.Tensor {
  return t instanceof ort.Tensor ? t : new ort.Tensor(t.type, t.data as Float32Array, t.dims as number[]);
}

export async function createOrtSession(model: string, level: GraphOptimizationLevel): Promise<OrtSession> {
  const session = await ort.InferenceSession.create(model, { executionProviders: ['cpu'], graphOptimizationLevel: level, logSeverityLevel: 4 });
  let version = '';
  try {
    version = ` ${(ort.env as { versions?: { node?: string } }).versions?.node ?? ''}`.trimEnd();
  } catch {
    // the version is only for the description
  }
  return {
    description: `onnxruntime-node${version} (CPU)`,
    async run(feeds) {
      const ortFeeds: Record<string, ort.Tensor> = {};
      for (const [name, t] of Object.entries(feeds)) ortFeeds[name] = toOrt(t);
      const out = await session.run(ortFeeds);
      const result: NamedTensors = {};
      for (const [name, t] of Object.entries(out)) result[name] = { type: t.type as TensorLike['type'], dims: [...t.dims], data: t.data as TensorLike['data'] };
      return result;
    },
    dispose: () => session.release(),
  };
}
