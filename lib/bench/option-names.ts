/** runBench()'s option names (v.optionNames: TypeScript keeps the list equal to BenchOptions). */
import { optionNames } from '../validate';
import type { BenchOptions } from './run-bench';

export const BENCH_OPTIONS = optionNames<BenchOptions>()({
  model: true,
  engine: true,
  device: true,
  externalDataDir: true,
  shapes: true,
  runners: true,
  warmup: true,
  iterations: true,
  durationS: true,
  threads: true,
  streams: true,
  concurrency: true,
  cudaGraph: true,
  devices: true,
  seed: true,
  maxTensorBytes: true,
  ortThread: true,
  profiles: true,
  build: true,
  onProgress: true,
  signal: true,
});
