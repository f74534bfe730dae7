/**
 * Stress trials of real processes: the same child process run many times, a few at a time, collecting how each
 * ended. Crash tests assert on every outcome (no SIGABRT, no C++ "terminate called"), never on timing.
 */
import { spawn, type SpawnOptions } from 'child_process';
import * as path from 'path';

export const ROOT = path.resolve(__dirname, '..', '..');
export const BIN = path.join(ROOT, 'bin', 'trt-node.js');
/** The compiled library (`npm test` builds it before jest runs). */
export const DIST = path.join(ROOT, 'dist', 'index.js');

/**
 * Jest's limit for a stress test: 20 process trials take seconds on an idle machine, but a minute or more on a shared
 * one (each child starts Node and onnxruntime); the limit is for hangs, not speed.
 */
export const STRESS_TIMEOUT = 600_000;

export interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A process crashed rather than exited: killed by a signal it did not ask for, or C++ terminate (134). */
export function crashed(o: Outcome): boolean {
  return o.signal === 'SIGABRT' || o.signal === 'SIGSEGV' || o.code === 134 || /terminate called|Napi::Error|Aborted/.test(o.stderr);
}

type Watcher = (chunk: string, child: ReturnType<typeof spawn>) => void;

/**
 * Runs `node args…` and collects its outcome. `onStdout` / `onStderr` see each chunk with the child (to close its
 * stdout, or signal it at a given moment).
 */
export function runNode(args: string[], options: SpawnOptions & { onStdout?: Watcher; onStderr?: Watcher } = {}): Promise<Outcome> {
  const { onStdout, onStderr, ...spawnOptions } = options;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], ...spawnOptions });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d) => {
      stdout += String(d);
      onStdout?.(String(d), child);
    });
    child.stdout?.on('error', () => undefined); // our end closed on purpose
    child.stderr?.on('data', (d) => {
      stderr += String(d);
      onStderr?.(String(d), child);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** `count` trials, at most `parallel` at once (the machine is shared: keep it modest). */
export async function trials<T>(count: number, parallel: number, one: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  const lane = async () => {
    while (next < count) {
      const i = next++;
      results[i] = await one(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, count) }, lane));
  return results;
}

/** A summary for failure messages: each distinct ending and how often. */
export function tally(outcomes: readonly Outcome[]): Record<string, number> {
  const t: Record<string, number> = {};
  for (const o of outcomes) {
    const key = `${o.signal ?? o.code}${crashed(o) ? ' (crash)' : ''}`;
    t[key] = (t[key] ?? 0) + 1;
  }
  return t;
}
