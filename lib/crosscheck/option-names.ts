/** crossCheck()'s option names (v.optionNames: TypeScript keeps the list equal to CrossCheckOptions). */
import { optionNames } from '../validate';
import type { CrossCheckOptions } from './index';
import { COMMON_RUN_FIELDS } from '../pipeline/option-names';

export const CROSSCHECK_OPTIONS = optionNames<CrossCheckOptions>()({
  ...COMMON_RUN_FIELDS,
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
