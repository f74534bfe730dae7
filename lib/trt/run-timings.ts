/** What a run's timings mean, and how they come out of the native run's meta array. */
import { RUN_META_TIMINGS } from '../native/binding';

/**
 * Where a run's time went. Buffer growth is outside the three CUDA-event pairs, and outputs grow in stream order (no
 * device-wide cudaMalloc/cudaFree inside compute). A copy of pageable memory (run()'s feeds and outputs, a binding's
 * arrays CUDA did not page-lock) includes CUDA's own staging of it, as such a copy costs.
 */
export interface RunTimings {
  /** Host-to-device copies of the feeds, on the run's CUDA stream (CUDA events). */
  h2dMs: number;
  /** enqueueV3: the time inside the engine (CUDA events). */
  computeMs: number;
  /** Device-to-host copies of the outputs (CUDA events). */
  d2hMs: number;
  /** The whole native run on its worker thread (copies and synchronisation included). */
  wallMs: number;
  /** Of wallMs: host work before the first copy is queued (shapes, addresses, device buffers). */
  hostPrepareMs: number;
  /** Of wallMs: host work after the stream synchronised (TensorRT's recorded errors checked, timings read). */
  hostFinishMs: number;
  /** From the call to the profile's thread starting the run (waiting behind earlier runs on the profile included). */
  toThreadMs: number;
  /** From the end of the native run to the JS thread picking up its result. */
  toJsMs: number;
}

/**
 * The binding's own cost of one run: the run's end-to-end time as JavaScript measured it (call to settled promise)
 * minus the time inside the engine. It includes the copies to and from the GPU, the thread-pool hop, N-API and the
 * conversion of outputs: everything trt-node adds around TensorRT.
 */
export function bindingOverheadMs(endToEndMs: number, timings: RunTimings): number {
  return endToEndMs - timings.computeMs;
}

export function unpackTimings(meta: Float64Array): RunTimings {
  const timings: Partial<RunTimings> = {};
  for (let i = 0; i < RUN_META_TIMINGS.length; i++) timings[RUN_META_TIMINGS[i]] = meta[i];
  return timings as RunTimings;
}
