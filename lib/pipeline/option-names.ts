/** The option names every run of the pipeline shares (check() and crossCheck() list them with their own). */
import type { CommonRunOptions } from './options';

export const COMMON_RUN_FIELDS: { readonly [K in keyof Required<CommonRunOptions>]: true } = {
  seed: true,
  valueRange: true,
  valueRanges: true,
  tolerance: true,
  unordered: true,
  maxTensorBytes: true,
  errorMaps: true,
  signal: true,
  externalDataDir: true,
  layers: true,
};
