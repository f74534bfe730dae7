/**
 * The default RunBackend of `check`: onnxruntime-node (lib/runners/ort-runner.ts) on CPU, one session per model,
 * reused for every run and probe; it logs at severity 4 so kernel errors reach the report, not stderr.
 */
import type { InputSummary } from '../onnx/types';
import { OrtRunner } from '../runners/ort-runner';
import { generateProbeFeeds } from '../runners/feeds';
import type { NamedTensors } from '../tensor/types';
import type { RunBackend } from './backends';

export async function createOrtBackend(modelPath: string): Promise<RunBackend> {
  const runner = await OrtRunner.create(modelPath);
  return { name: 'onnxruntime', run: (feeds) => runner.run(feeds), dispose: () => runner.dispose() };
}

/** Seeded inputs for generated runs: floats uniform in [0, 1) (images, as the fixtures), integers 0/1, bools random. */
export function generateFeeds(inputs: readonly InputSummary[], shapes: Record<string, number[]>, seed: number): NamedTensors {
  return generateProbeFeeds(inputs, shapes, seed);
}
