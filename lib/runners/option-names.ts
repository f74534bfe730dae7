/** The option names of the runners' public options (v.optionNames: TypeScript keeps each list equal to its type). */
import { knownKeys, optionNames } from '../validate';
import type { OnnxRuntimeRunnerOptions } from './onnxruntime/runner';
import type { OrtRunnerOptions } from './onnxruntime/ort-runner';
import type { ReferenceRunnerSpec } from './reference';
import type { TensorRTRunnerOptions } from './tensorrt/runner';

export const ORT_RUNNER_OPTIONS = optionNames<OrtRunnerOptions>()({
  executionProvider: true,
  graphOptimization: true,
  intraOpNumThreads: true,
  interOpNumThreads: true,
  thread: true,
  externalDataDir: true,
});

export const ONNXRUNTIME_RUNNER_OPTIONS = optionNames<OnnxRuntimeRunnerOptions>()({
  name: true,
  graphOptimization: true,
  intraOpNumThreads: true,
  interOpNumThreads: true,
  executionProvider: true,
  thread: true,
  externalDataDir: true,
});

export const TENSORRT_RUNNER_OPTIONS = optionNames<TensorRTRunnerOptions>()({
  name: true,
  engine: true,
  profiles: true,
  build: true,
  device: true,
  contexts: true,
  cudaGraph: true,
  devices: true,
});

export const REFERENCE_RUNNER_OPTIONS = optionNames<Omit<ReferenceRunnerSpec, 'kind'>>()({ name: true });

/** A runner spec's options ({kind, ...options}): its keys checked against the kind's option names, `kind` removed. */
export function specOptions<T extends { kind: string }>(spec: T, parameter: string, names: readonly string[]): Omit<T, 'kind'> {
  const { kind: _kind, ...options } = spec;
  knownKeys(options as Record<string, unknown>, parameter, names);
  return options;
}
