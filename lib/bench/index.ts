export { BACKENDS, coveringProfile, resolveShapes, runBench, validateBenchOptions } from './run-bench';
export type { BackendName, BackendRun, BenchOptions, BenchReport } from './run-bench';
export { formatBenchReport, latencyChartSpec, renderLatencyChart } from './report';
export { percentile, summarize } from './stats';
export type { LatencyStats } from './stats';
export { findTrtexec, parseTrtexecSummary, runTrtexec } from './trtexec';
export type { TrtexecSummary } from './trtexec';
export { measureEventLoopLag } from './event-loop-lag';
