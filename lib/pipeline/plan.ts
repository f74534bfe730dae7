/**
 * The probe plan of a run, in stages, for check and the cross-check alike:
 *  1. the requested probes (saved samples, --shapes, or the model's own / default sizes);
 *  2. check's dynamic-axes probes from the first requested probe that ran (a larger aligned size, an odd size, the
 *     profile bounds given) — or from default sizes when every requested probe was blocked (a fixed-dim conflict);
 *  3. one axis at a time where a joint dynamic-axes probe failed, to name the culprit;
 *  4. the sweep of the profiles' range, or the probes given.
 * No dynamic-axes probe is planned when the requested runs already failed in the model (they say it all).
 */
import type { ModelSummary } from '../onnx/types';
import type { PlanContext, ProbePlanner } from './run';
import { REQUESTED_KINDS, axisSymbols, defaultShapes, dynamicAxisProbes, feedInputs, narrowingProbes, requestedProbe, shapesKey, type Probe } from './probes';


export interface PlanOptions {
  requested: Probe[];
  /** check's dynamic-axes probes; absent: none. */
  dynamicAxes?: { bounds?: { label: string; shapes: Record<string, readonly number[]> }[]; maxElements?: number };
  /** The sweep (or given probes), run last. */
  sweep?: Probe[];
}

/** The first requested probe the probing runner ran: the baseline every other size is measured from. */
export function requestedBaseline(ctx: PlanContext): number | undefined {
  if (ctx.probing === undefined) return undefined;
  return ctx.reports.find((p) => REQUESTED_KINDS.has(p.kind) && p.runs.some((r) => r.runner === ctx.probing && r.status === 'ran'))?.index;
}

/** The first probe of any kind the probing runner ran (the cross-check's reference point). */
export function firstRanBaseline(ctx: PlanContext): number | undefined {
  if (ctx.probing === undefined) return undefined;
  return ctx.reports.find((p) => p.runs.some((r) => r.runner === ctx.probing && r.status === 'ran'))?.index;
}

export function planProbes(model: ModelSummary, options: PlanOptions): ProbePlanner {
  let stage = 0;
  let triedDefault = false;
  let narrowed = new Set<number>();
  return (ctx) => {
    if (stage === 0) {
      stage = 1;
      if (options.requested.length) return options.requested;
    }
    if (stage === 1) {
      if (options.dynamicAxes && ctx.probing !== undefined && axisSymbols(model).length) {
        const base = requestedBaseline(ctx);
        const failedInModel = ctx.reports.some((p) => {
          const f = ctx.failures.get(p.index);
          return f !== undefined && f.kind !== 'fixed-dim';
        });
        // No default sizes for an input of unknown rank: nothing to probe from.
        const unranked = feedInputs(model).some((i) => i.dims === null);
        if (base === undefined && !failedInModel && !triedDefault && !unranked) {
          // Every requested probe was blocked or hit a fixed dim: start from default sizes instead.
          triedDefault = true;
          const shapes = defaultShapes(model);
          if (!ctx.reports.some((p) => shapesKey(p.shapes) === shapesKey(shapes))) return [{ ...requestedProbe(model, 'default', 'baseline (default shapes)', shapes), baselineOnly: true }];
        }
        stage = 2;
        if (base !== undefined) return dynamicAxisProbes(model, ctx.reports[base], options.dynamicAxes);
      }
      stage = 2;
    }
    if (stage === 2) {
      const base = requestedBaseline(ctx);
      const failedJoint = ctx.reports.filter((p) => (p.kind === 'aligned' || p.kind === 'odd') && ctx.failures.has(p.index) && !narrowed.has(p.index));
      narrowed = new Set([...narrowed, ...failedJoint.map((p) => p.index)]);
      const more = base === undefined ? [] : failedJoint.flatMap((p) => narrowingProbes(model, p, ctx.reports[base]));
      if (more.length) return more;
      stage = 3;
    }
    if (stage === 3) {
      stage = 4;
      if (options.sweep?.length) return options.sweep;
    }
    return [];
  };
}
