/** The pipeline's output as the JSON-able result crossCheck() returns and check() embeds. */
import type { Finding } from '../diagnostics/findings';
import type { ActiveRunner } from '../runners/specs';
import type { PipelineOutput } from './run';
import type { Sweep } from './setup';
import type { CrossCheckResult } from './types';
import { firstFailureOf, mergeFindings, overallVerdict, summaryOf, tensorrtPart } from './verdicts';

export interface ResultParts {
  model: string | null;
  runners: readonly ActiveRunner[];
  sweep: Sweep;
  seed: number;
  /** The model's static findings, shown next to what the runs found. */
  staticFindings: readonly Finding[];
  startedAt: number;
}

export function pipelineResult(out: PipelineOutput, parts: ResultParts): CrossCheckResult {
  const runners = parts.runners.map((r) => r.info);
  const firstFailure = firstFailureOf(runners, out.probes);
  const verdict = overallVerdict(out.probes, firstFailure);
  return {
    model: parts.model,
    runners,
    profiles: parts.sweep.profiles,
    profileSource: parts.sweep.profiles.length ? parts.sweep.source : 'none',
    seed: parts.seed,
    probes: out.probes,
    skippedProbes: parts.sweep.skipped,
    dimChecks: out.pinned.dims.checks,
    findings: mergeFindings(parts.staticFindings, out.findings),
    firstFailure,
    verdict,
    pass: verdict === 'pass' && !out.interrupted, // what finished passing is not a pass of the whole range
    ...(out.interrupted ? { interrupted: true } : {}),
    tensorrt: tensorrtPart(runners),
    ...(out.layers ? { layers: out.layers } : {}),
    summary: summaryOf(out.probes, runners),
    ...(out.errorMaps ? { errorMaps: out.errorMaps } : {}),
    durationMs: Date.now() - parts.startedAt,
  };
}
