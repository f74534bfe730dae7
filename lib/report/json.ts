/**
 * The JSON form of a cross-check: the result itself (error maps serialise as their size and range only; their
 * pixels are for the HTML report).
 */
import type { CrossCheckResult } from '../pipeline/types';
import { writeFileAtomic } from '../io/atomic-write';
import { toJson } from '../util/json';

export function crossCheckJson(result: CrossCheckResult, indent = 2): string {
  return toJson(result, indent);
}

export async function writeJsonReport(file: string, result: CrossCheckResult): Promise<void> {
  await writeFileAtomic(file, `${crossCheckJson(result)}\n`);
}
