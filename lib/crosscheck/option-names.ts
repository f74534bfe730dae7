/** crossCheck()'s option names (v.optionNames: TypeScript keeps the list equal to CrossCheckOptions). */
import { optionNames } from '../validate';
import type { CrossCheckOptions } from './index';

export const CROSSCHECK_OPTIONS = optionNames<CrossCheckOptions>()({
  seed: true,
  valueRange: true,
  valueRanges: true,
  tolerance: true,
  unordered: true,
  maxTensorBytes: true,
  errorMaps: true,
  signal: true,
  runners: true,
  engine: true,
  tensorrt: true,
  samples: true,
  profiles: true,
  probes: true,
  sweep: true,
  maxElements: true,
  onProgress: true,
});
