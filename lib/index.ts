/**
 * trt-node's public API. Each area exports from its own folder; add a line per area.
 */
export * from './errors';
export type { NamedTensors, TensorData, TensorLike, TensorType } from './tensor/types';
// TensorRT: build engines with optimization profiles, run them (lib/trt).
export * from './trt';
