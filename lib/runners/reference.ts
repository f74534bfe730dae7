/**
 * The reference Runner: "runs" by returning the outputs saved with the samples (lib/data/samples.ts), only at the
 * probes made from those samples.
 */
import type { LoadedSample } from '../data/samples';
import { REFERENCE_RUNNER_OPTIONS, specOptions } from './option-names';
import { EXPECTED_RANK, registerRunner } from './registry';
import type { Runner } from './runner';

export interface ReferenceRunnerSpec {
  kind: 'reference';
  /** Default 'reference'. */
  name?: string;
}

/** Saved reference outputs: supports exactly the probes made from its samples, and "runs" by returning them. */
export function createReferenceRunner(samples: readonly LoadedSample[], name = 'reference', description = 'saved reference outputs (.npz)'): Runner {
  const byKey = new Map(samples.filter((s) => s.reference).map((s) => [s.key, s.reference!]));
  return {
    name,
    kind: 'reference',
    description: `${description}, ${byKey.size} sample${byKey.size === 1 ? '' : 's'}`,
    supports: (probe) => probe.sample !== undefined && byKey.has(probe.sample),
    unsupportedReason: () => 'no saved reference at these shapes',
    run: async (_feeds, probe) => byKey.get(probe.sample!)!,
    dispose: () => undefined,
  };
}

// Saved outputs are data, not a runtime choice: every runner that ran is compared with them first.
registerRunner<ReferenceRunnerSpec>(
  'reference',
  (spec, { samples, parameter }) => createReferenceRunner(samples, specOptions(spec, parameter, REFERENCE_RUNNER_OPTIONS).name),
  { expectedRank: EXPECTED_RANK.savedOutputs },
);
