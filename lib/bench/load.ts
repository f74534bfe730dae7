/**
 * How busy the machine was when a benchmark started: other work competing for the cores makes every latency an
 * upper bound and the figures vary from run to run (a median of 14 ms, then 51, then 81 on one loaded machine).
 */
import * as os from 'os';

/** The 1-minute load average, to one decimal (0 where the platform has none, as Windows). */
export function loadAverage(): number {
  return Math.round((os.loadavg()[0] ?? 0) * 10) / 10;
}

/** The warning a benchmark carries when the load average exceeds the cores, else undefined. */
export function machineLoadWarning(load: number, cores: number): string | undefined {
  if (!(load > cores)) return undefined;
  return (
    `the machine was busy when the benchmark started (load average ${load} over the last minute on ${cores} cores): ` +
    'other work competes for the CPU, so the latencies are upper bounds and vary between runs. Measure on an idle machine'
  );
}
