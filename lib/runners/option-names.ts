/** The option names of the runners' public options (v.optionNames: TypeScript keeps each list equal to its type). */
import { knownKeys, optionNames } from '../validate';
import type { BuildFeedsOptions, GenerateOptions, NpzFeedsOptions } from './feeds';
import type { OnnxRuntimeRunnerOptions } from './onnxruntime';
import type { OrtRunnerOptions } from './ort-runner';
import type { Sample } from './reference';
import type { TensorRTRunnerOptions } from './tensorrt';

export const ORT_RUNNER_OPTIONS = optionNames<OrtRunnerOptions>()({ executionProvider: true, graphOptimization: true, intraOpNumThreads: true, interOpNumThreads: true, thread: true });

export const ONNXRUNTIME_RUNNER_OPTIONS = optionNames<OnnxRuntimeRunnerOptions>()({
  name: true,
  graphOptimization: true,
  intraOpNumThreads: true,
  interOpNumThreads: true,
  executionProvider: true,
  thread: true,
});

export const TENSORRT_RUNNER_OPTIONS = optionNames<TensorRTRunnerOptions>()({ name: true, engine: true, profiles: true, build: true });

export const SAMPLE_FIELDS = optionNames<Sample>()({ inputs: true, reference: true, label: true });

export const GENERATE_OPTIONS = optionNames<GenerateOptions>()({ seed: true, range: true, ranges: true, maxTensorBytes: true });

export const BUILD_FEEDS_OPTIONS = optionNames<BuildFeedsOptions>()({
  seed: true,
  range: true,
  ranges: true,
  maxTensorBytes: true,
  tensors: true,
  npz: true,
  shapes: true,
  inputs: true,
  generate: true,
  shapesOption: true,
});

export const NPZ_FEEDS_OPTIONS = optionNames<NpzFeedsOptions>()({ maxTensorBytes: true, beforeRead: true });

/** A runner spec's options ({kind, ...options}): its keys checked against the kind's option names, `kind` removed. */
export function specOptions<T extends { kind: string }>(spec: T, parameter: string, names: readonly string[]): Omit<T, 'kind'> {
  const { kind: _kind, ...options } = spec;
  knownKeys(options as Record<string, unknown>, parameter, names);
  return options;
}
