/** Latency statistics over raw samples (milliseconds): exact order statistics, numpy's default interpolation. */

export interface LatencyStats {
  count: number;
  min: number;
  mean: number;
  median: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
  /** Sample standard deviation. */
  stdev: number;
  /** Interquartile range (p75 − p25): the spread, robust to the outliers noisy machines produce. */
  iqr: number;
}

/** The q-th percentile (0..100) of sorted values, linear interpolation between closest ranks (numpy's default). */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = ((sorted.length - 1) * q) / 100;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export function summarize(samples: readonly number[]): LatencyStats {
  const s = [...samples].sort((a, b) => a - b);
  const n = s.length;
  const mean = n ? s.reduce((a, b) => a + b, 0) / n : NaN;
  const variance = n > 1 ? s.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1) : 0;
  return {
    count: n,
    min: n ? s[0] : NaN,
    mean,
    median: percentile(s, 50),
    p90: percentile(s, 90),
    p95: percentile(s, 95),
    p99: percentile(s, 99),
    max: n ? s[n - 1] : NaN,
    stdev: Math.sqrt(variance),
    iqr: percentile(s, 75) - percentile(s, 25),
  };
}
