export { BACKENDS, coveringProfile, DEFAULT_BENCH_RUNNERS, resolveShapes, runBench, validateBenchOptions } from './run-bench';
export type { BackendRun, BenchOptions, BenchProgress, BenchReport } from './run-bench';
export { formatBenchReport, latencyChartSpec, renderLatencyChart } from './report';
export { percentile, summarize } from './stats';
export type { LatencyStats } from './stats';
export { findTrtexec, parseTrtexecSummary, runTrtexec } from './trtexec';
export type { TrtexecSummary } from './trtexec';
export { measureEventLoopLag } from './event-loop-lag';
export { loadAverage, machineLoadWarning } from './load';
