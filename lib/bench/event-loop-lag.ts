/**
 * Event-loop lag while inference runs: what only a Node binding can show. A native run that blocks the JS thread
 * (as a synchronous binding would) shows up here as lag of the order of the run's latency.
 */
import { monitorEventLoopDelay } from 'perf_hooks';

export interface EventLoopLag {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** Starts measuring; the returned function stops and reports (resolution 10 ms → values are delays beyond that). */
export function measureEventLoopLag(): () => EventLoopLag {
  const h = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  return () => {
    h.disable();
    const ms = (ns: number) => (Number.isFinite(ns) ? ns / 1e6 : 0);
    return { p50Ms: ms(h.percentile(50)), p99Ms: ms(h.percentile(99)), maxMs: ms(h.max) };
  };
}
