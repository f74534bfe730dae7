/**
 * Runs a TypeScript snippet in a fresh Node process (through tsx), for tests that need a process of their own: one
 * that exits mid-build, or one whose TensorRT stand-in reads test settings from its environment when it starts.
 * `ROOT` in the snippet is replaced by the repository root (import from `${ROOT}/lib/...`).
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export const ROOT = path.resolve(__dirname, '..', '..');

export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Wall time from spawn to exit. */
  ms: number;
  /** Date.now() when the process had exited. */
  endedAt: number;
}

export async function runSnippet(source: string, env: Record<string, string> = {}, timeoutMs = 120_000): Promise<ChildResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trt-node-child-'));
  const file = path.join(dir, 'snippet.ts');
  fs.writeFileSync(file, source.split('ROOT').join(JSON.stringify(ROOT).slice(1, -1)));
  const started = Date.now();
  try {
    return await new Promise<ChildResult>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', file], { cwd: ROOT, env: { ...process.env, ...env } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.on('error', reject);
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        resolve({ code, signal, stdout, stderr, ms: Date.now() - started, endedAt: Date.now() });
      });
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The last line of stdout parsed as JSON (snippets print their findings that way). */
export function lastJson<T>(result: ChildResult): T {
  const lines = result.stdout.trim().split('\n');
  try {
    return JSON.parse(lines[lines.length - 1]) as T;
  } catch {
    throw new Error(`the child printed no JSON (exit ${result.code}, signal ${result.signal}):\n${result.stdout}\n${result.stderr}`);
  }
}
