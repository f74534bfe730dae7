/** check()'s option names (v.optionNames: TypeScript keeps the list equal to CheckOptions). Unknown ones are refused. */
import { optionNames } from '../validate';
import type { CheckOptions } from './run-check';

export const CHECK_OPTIONS = optionNames<CheckOptions>()({
  seed: true,
  valueRange: true,
  valueRanges: true,
  tolerance: true,
  unordered: true,
  maxTensorBytes: true,
  errorMaps: true,
  signal: true,
  shapes: true,
  samples: true,
  saveOutputs: true,
  probe: true,
  bounds: true,
  runners: true,
  engine: true,
  tensorrt: true,
  sweep: true,
  probes: true,
  profiles: true,
  maxElements: true,
  onStart: true,
  onProgress: true,
});
