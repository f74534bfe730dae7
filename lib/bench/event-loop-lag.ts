/**
 * Event-loop lag while inference runs: what only a Node binding can show. A native run that blocks the JS thread
 * (as a synchronous binding would) shows up here as lag of the order of the run's latency.
 */
import type * as perfHooks from 'perf_hooks';

export interface EventLoopLag {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** The sampling timer's period: the histogram records each whole period, so the lag is what exceeds it. */
const RESOLUTION_MS = 1;

/** Starts measuring; the returned function stops and reports how late a 1 ms timer fired (p50, p99, max). */
export function measureEventLoopLag(): () => EventLoopLag {
  const { monitorEventLoopDelay } = require('perf_hooks') as typeof perfHooks; // loaded by the benchmark only
  const h = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  h.enable();
  return () => {
    h.disable();
    const ms = (ns: number) => (Number.isFinite(ns) ? Math.max(0, ns / 1e6 - RESOLUTION_MS) : 0);
    return { p50Ms: ms(h.percentile(50)), p99Ms: ms(h.percentile(99)), maxMs: ms(h.max) };
  };
}
