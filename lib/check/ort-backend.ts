/**
 * The default RunBackend of `check`: onnxruntime-node on CPU, one session per model, reused for every run and probe.
 * Sessions log at severity 4 (fatal only): at 3 onnxruntime prints every kernel error to stderr, which would break
 * `--json` output hygiene and duplicate what check() reports as findings.
 */
import * as ort from 'onnxruntime-node';
import type { InputSummary } from '../onnx/types';
import type { NamedTensors, TensorLike, TensorType } from '../tensor/types';
import { elementCount } from '../tensor/types';
import type { RunBackend } from './backends';

function toOrt(t: TensorLike): ort.Tensor {
  return t instanceof ort.Tensor ? t : new ort.Tensor(t.type, t.data as Float32Array, t.dims as number[]);
}

export async function createOrtBackend(modelPath: string): Promise<RunBackend> {
  const session = await ort.InferenceSession.create(modelPath, { logSeverityLevel: 4, executionProviders: ['cpu'] });
  return {
    name: 'onnxruntime',
    async run(feeds: NamedTensors): Promise<NamedTensors> {
      const ortFeeds: Record<string, ort.Tensor> = {};
      for (const [name, t] of Object.entries(feeds)) ortFeeds[name] = toOrt(t);
      return (await session.run(ortFeeds)) as unknown as NamedTensors;
    },
    dispose: () => session.release(),
  };
}

/** Seeded inputs: floats uniform in [0, 1) (the fixtures' range), integers 0, bools false. */
export function generateFeeds(inputs: readonly InputSummary[], shapes: Record<string, number[]>, seed: number): NamedTensors {
  const feeds: NamedTensors = {};
  let s = (seed ^ 0x9e3779b9) >>> 0;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
  for (const input of inputs) {
    const dims = shapes[input.name];
    const n = elementCount(dims);
    const type = input.elemType as TensorType;
    let t: TensorLike;
    if (type === 'float32' || type === 'float64') {
      const data = type === 'float32' ? new Float32Array(n) : new Float64Array(n);
      for (let i = 0; i < n; i++) data[i] = next();
      t = { type, dims, data };
    } else if (type === 'int64') t = { type, dims, data: new BigInt64Array(n) };
    else if (type === 'int32') t = { type, dims, data: new Int32Array(n) };
    else if (type === 'float16') t = { type, dims, data: new Uint16Array(n).fill(0x3800) };
    else if (type === 'int8') t = { type, dims, data: new Int8Array(n) };
    else t = { type: type === 'bool' ? 'bool' : 'uint8', dims, data: new Uint8Array(n) };
    feeds[input.name] = t;
  }
  return feeds;
}
