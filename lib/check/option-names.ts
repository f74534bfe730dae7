/** check()'s option names (v.optionNames: TypeScript keeps the list equal to CheckOptions). Unknown ones are refused. */
import { optionNames } from '../validate';
import type { CheckOptions } from './run-check';
import { COMMON_RUN_FIELDS } from '../pipeline/option-names';

export const CHECK_OPTIONS = optionNames<CheckOptions>()({
  ...COMMON_RUN_FIELDS,
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
