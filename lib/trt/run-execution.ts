/** Where and how a run executed (device, execution context, CUDA graph), as the native run's meta array reports it. */
import { RUN_CUDA_GRAPH_USE, RUN_META_EXECUTION, RUN_META_TIMINGS } from '../native/binding';

/**
 * How a run used CUDA graphs (EngineLoadOptions.cudaGraph, trtexec --useCudaGraph): 'off' (not asked for:
 * enqueueV3), 'launched' (its context's graph for these shapes ran), 'captured' (enqueueV3 at new shapes, then a graph
 * captured for the next runs at them), 'refused' (enqueueV3: capture was refused at these shapes; `cudaGraphReason`
 * says why).
 */
export type CudaGraphUse = 'off' | 'launched' | 'captured' | 'refused';

export interface RunExecution {
  /** The CUDA device of the engine that ran it (an EnginePool's runs go to several). */
  device: number;
  /** The execution context of its profile that ran it: 0 .. EngineLoadOptions.contexts - 1. */
  context: number;
  cudaGraph: CudaGraphUse;
  /** cudaGraph 'refused': why capture failed (TensorRT's error, the CUDA call that refused it); Engine.runWithTimings only. */
  cudaGraphReason?: string;
  /**
   * When the run started and ended on its context's thread: milliseconds on a monotonic clock of the addon, comparable
   * between the runs of one process (which of two runs overlapped), not with Date or performance.now().
   */
  startedAtMs: number;
  endedAtMs: number;
}

export function unpackExecution(meta: Float64Array, reason: string | undefined): RunExecution {
  const at = (name: (typeof RUN_META_EXECUTION)[number]) => meta[RUN_META_TIMINGS.length + RUN_META_EXECUTION.indexOf(name)];
  const execution: RunExecution = {
    device: at('device'),
    context: at('context'),
    cudaGraph: (RUN_CUDA_GRAPH_USE[at('cudaGraph')] ?? 'off') satisfies CudaGraphUse,
    startedAtMs: at('startedAtMs'),
    endedAtMs: at('endedAtMs'),
  };
  if (reason !== undefined) execution.cudaGraphReason = reason;
  return execution;
}
