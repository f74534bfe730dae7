/** The pipeline's output as the JSON-able result crossCheck() returns and check() embeds. */
import type { Finding } from '../check/types';
import type { RunnerInfo } from '../runners/specs';
import type { OptimizationProfile } from '../trt/profiles';
import type { ProfileSource, SkippedProbe } from './probes';
import type { PipelineOutput } from './run';
import type { CrossCheckResult } from './types';
import { firstFailureOf, mergeFindings, overallVerdict, summaryOf } from './verdicts';

export interface ResultParts {
  model: string | null;
  runners: RunnerInfo[];
  profiles: OptimizationProfile[];
  profileSource: ProfileSource | 'none';
  seed: number;
  skippedProbes: SkippedProbe[];
  /** The model's static findings, shown next to what the runs found. */
  staticFindings: readonly Finding[];
  startedAt: number;
}

export function pipelineResult(out: PipelineOutput, parts: ResultParts): CrossCheckResult {
  const firstFailure = firstFailureOf(parts.runners, out.probes);
  const verdict = overallVerdict(out.probes, firstFailure);
  return {
    model: parts.model,
    runners: parts.runners,
    profiles: parts.profiles,
    profileSource: parts.profiles.length ? parts.profileSource : 'none',
    seed: parts.seed,
    probes: out.probes,
    skippedProbes: parts.skippedProbes,
    dimChecks: out.pinned.dims.checks,
    findings: mergeFindings(parts.staticFindings, out.findings),
    firstFailure,
    verdict,
    pass: verdict === 'pass',
    ...(out.interrupted ? { interrupted: true } : {}),
    summary: summaryOf(out.probes),
    ...(out.errorMaps ? { errorMaps: out.errorMaps } : {}),
    durationMs: Date.now() - parts.startedAt,
  };
}
