/** The option names of the input-data functions (v.optionNames: TypeScript keeps each list equal to its type). */
import { optionNames } from '../validate';
import type { BuildFeedsOptions, NpzFeedsOptions } from './feeds';
import type { GenerateOptions } from './generate';
import type { Sample } from './samples';

export const SAMPLE_FIELDS = optionNames<Sample>()({ inputs: true, reference: true, label: true });

export const GENERATE_OPTIONS = optionNames<GenerateOptions>()({ seed: true, range: true, ranges: true, model: true, maxTensorBytes: true });

export const BUILD_FEEDS_OPTIONS = optionNames<BuildFeedsOptions>()({
  seed: true,
  range: true,
  ranges: true,
  model: true,
  maxTensorBytes: true,
  tensors: true,
  npz: true,
  shapes: true,
  inputs: true,
  generate: true,
  shapesOption: true,
});

export const NPZ_FEEDS_OPTIONS = optionNames<NpzFeedsOptions>()({ maxTensorBytes: true, beforeRead: true });
