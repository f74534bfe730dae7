/**
 * The JSON form of a cross-check: the result itself (error maps serialise as their size and range only; their
 * pixels are for the HTML report).
 */
import type { CrossCheckResult } from '../pipeline/types';
import { writeFileAtomic } from '../io/atomic-write';
import { toJson } from '../util/json';

/**
 * The result as JSON; with `check` (the verdict of the check the cross-check was part of: its findings count too),
 * that verdict goes in the same document, next to the cross-check's own `pass`.
 */
export function crossCheckJson(result: CrossCheckResult, indent = 2, check?: Record<string, unknown>): string {
  return toJson(check ? { ...result, check } : result, indent);
}

export async function writeJsonReport(file: string, result: CrossCheckResult, check?: Record<string, unknown>): Promise<void> {
  await writeFileAtomic(file, `${crossCheckJson(result, 2, check)}\n`);
}
