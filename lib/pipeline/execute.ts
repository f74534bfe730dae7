/**
 * The one way check() and crossCheck() run what they prepared (prepare → run → report, the shape of the native
 * PromiseWorker's work → result): the runners created and the sweep resolved (./setup.ts), the probes run through
 * the pipeline (./run.ts), the caller's report made from what came out, and the runners made here disposed whatever
 * happens. An interrupted run rejects with AbortError whose `partial` is that report.
 */
import type { LoadedSample } from '../data/samples';
import { AbortError } from '../errors';
import type { ModelSummary } from '../onnx/types';
import type { Runner } from '../runners/runner';
import { disposeRunners, type ActiveRunner, type RunnerSpec } from '../runners/specs';
import type { ResolvedRunOptions } from './options';
import { feedInputs } from './probes';
import { runPipeline, type PipelineEvents, type PipelineOutput, type PlanContext, type ProbePlanner } from './run';
import { setUpRuns, type Sweep, type SweepOptions } from './setup';
import { layerPlan } from './layers';
import type { CrossCheckProgress } from './types';

/** A call validated and resolved: what to run, on what, and what to tell the caller on the way. */
export interface Execution {
  /** Names the AbortError of an interrupted run: 'check', 'crossCheck'. */
  call: string;
  model: ModelSummary;
  modelPath: string | null;
  specs: readonly (RunnerSpec | Runner)[];
  samples: readonly LoadedSample[];
  /** The options both calls share, validated once (./options.ts). */
  options: ResolvedRunOptions;
  sweep: SweepOptions;
  /** The probes, once the sweep is known: the planner, and how many it plans up front (for progress totals). */
  plan(sweep: Sweep): { planner: ProbePlanner; planned: number };
  /** Which probe the dynamic axes are measured from. */
  baselineOf(ctx: PlanContext): number | undefined;
  /** The runners exist and the sweep is known; nothing has run yet. */
  onStart?(runners: readonly ActiveRunner[], sweep: Sweep): void;
  onOutputs?: PipelineEvents['onOutputs'];
  onProgress?(event: CrossCheckProgress): void;
}

/** What a run leaves for the report. */
export interface Executed {
  out: PipelineOutput;
  runners: readonly ActiveRunner[];
  sweep: Sweep;
}

/** Runs `e` and returns `report` of it; the runners made here are disposed when it ends, however it ends. */
export async function execute<R>(e: Execution, report: (done: Executed) => R | Promise<R>): Promise<R> {
  const layers = e.options.layers ? layerPlan(e.model, e.options.layers) : undefined;
  const { runners, sweep, float16Runners } = await setUpRuns(e.model, e.modelPath, e.specs, e.samples, {
    ...e.sweep,
    ...(e.options.externalDataDir !== undefined ? { externalDataDir: e.options.externalDataDir } : {}),
    ...(layers ? { layers } : {}),
  });
  try {
    e.onStart?.(runners, sweep);
    const { planner, planned } = e.plan(sweep);
    const out = await runPipeline({
      model: e.model,
      inputs: feedInputs(e.model),
      runners,
      samples: e.samples,
      planner,
      baselineOf: e.baselineOf,
      ...e.options,
      layers,
      float16Runners,
      ...(e.onOutputs ? { onOutputs: e.onOutputs } : {}),
      onProbe: (p, done) => e.onProgress?.({ probe: p, done, total: Math.max(done, planned), verdict: p.verdict, pass: p.verdict === 'pass', report: p }),
    });
    const result = await report({ out, runners, sweep });
    if (out.interrupted) throw new AbortError(e.call, result);
    return result;
  } finally {
    await disposeRunners(runners);
  }
}
