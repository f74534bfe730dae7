/**
 * A runner of one's own, in one file, as a user would write one for another runtime: onnxruntime-node called
 * directly on the calling thread, registered as kind 'ort-direct' through the public API. Its `scale` option
 * multiplies every float32 output, so a test can make it disagree with the built-in onnxruntime runner.
 */
import * as ort from 'onnxruntime-node';
import { EXPECTED_RANK, InvalidValueError, registerRunner, type Runner, type TensorLike } from '../../lib';

export const KIND = 'ort-direct';

interface DirectSpec {
  kind: string;
  name?: string;
  options?: { scale?: number };
}

/** How many 'ort-direct' runners were made and disposed (runBench disposes the ones it made, never yours). */
export const made = { created: 0, disposed: 0 };

export function directRunner(session: ort.InferenceSession, name = KIND, scale = 1): Runner {
  const out = (t: ort.Tensor): TensorLike => {
    const data = t.type === 'float32' && scale !== 1 ? (t.data as Float32Array).map((x) => x * scale) : (t.data as TensorLike['data']);
    return { type: t.type as TensorLike['type'], dims: [...t.dims], data };
  };
  return {
    name,
    kind: KIND,
    description: `onnxruntime-node called directly${scale !== 1 ? ` (outputs × ${scale})` : ''}`,
    supports: () => true,
    async run(feeds) {
      const tensors: Record<string, ort.Tensor> = {};
      for (const [n, t] of Object.entries(feeds)) tensors[n] = new ort.Tensor(t.type as 'float32', t.data as Float32Array, t.dims as number[]);
      const result = await session.run(tensors);
      return Object.fromEntries(Object.entries(result).map(([n, t]) => [n, out(t as ort.Tensor)]));
    },
    async dispose() {
      made.disposed++;
      await session.release();
    },
  };
}

registerRunner<DirectSpec>(
  KIND,
  async (spec, { model }) => {
    if (model === null) throw new InvalidValueError('model', 'the path of an .onnx file', model);
    const session = await ort.InferenceSession.create(model, { logSeverityLevel: 4 });
    made.created++;
    return directRunner(session, spec.name, spec.options?.scale);
  },
  // Compared against onnxruntime (the expected side), as TensorRT is; a model it cannot load is reported.
  { expectedRank: EXPECTED_RANK.underTest, reportsLoadFailure: { description: 'onnxruntime-node called directly' } },
);
