/**
 * trtexec side by side: where NVIDIA's trtexec is on the PATH, run it on the same plan and shapes and read its
 * "Performance summary", so the binding's overhead is a ratio measured on the same machine.
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/** One trtexec summary line: "Latency: min = 5.38 ms, max = 13.3 ms, mean = …, median = …, percentile(90%) = …". */
export interface TrtexecStat {
  min: number;
  max: number;
  mean: number;
  median: number;
  /** percentile(N%) values trtexec printed, keyed 'p90', 'p95', 'p99'. */
  percentiles: Record<string, number>;
}

export interface TrtexecSummary {
  throughputQps: number | null;
  latency: TrtexecStat | null;
  gpuCompute: TrtexecStat | null;
  h2d: TrtexecStat | null;
  d2h: TrtexecStat | null;
}

function parseStat(text: string, label: string): TrtexecStat | null {
  const line = text.split('\n').find((l) => l.includes(`] ${label}: min = `) || l.startsWith(`${label}: min = `));
  if (!line) return null;
  const value = (key: string) => {
    const m = new RegExp(`${key.replace(/[()%]/g, (c) => `\\${c}`)} =? ?([0-9.eE+-]+) ms`).exec(line);
    return m ? Number(m[1]) : NaN;
  };
  const percentiles: Record<string, number> = {};
  for (const m of line.matchAll(/percentile\((\d+(?:\.\d+)?)%\) =? ?([0-9.eE+-]+) ms/g)) percentiles[`p${m[1]}`] = Number(m[2]);
  return { min: value('min'), max: value('max'), mean: value('mean'), median: value('median'), percentiles };
}

/** Parses trtexec's "=== Performance summary ===" block (TensorRT 8.x–10.x format). */
export function parseTrtexecSummary(text: string): TrtexecSummary {
  const qps = /Throughput: ([0-9.eE+-]+) qps/.exec(text);
  return {
    throughputQps: qps ? Number(qps[1]) : null,
    latency: parseStat(text, 'Latency'),
    gpuCompute: parseStat(text, 'GPU Compute Time'),
    h2d: parseStat(text, 'H2D Latency'),
    d2h: parseStat(text, 'D2H Latency'),
  };
}

/** trtexec's path when it is on the PATH (or TRTEXEC points at it), else null. */
export function findTrtexec(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.TRTEXEC && fs.existsSync(env.TRTEXEC)) return env.TRTEXEC;
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, 'trtexec');
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

/** Runs trtexec on a plan at one set of shapes ('input:1x1x224x224,...') and parses its summary. */
export function runTrtexec(trtexec: string, plan: string, shapes: string, iterations: number, warmupMs: number): Promise<TrtexecSummary> {
  const args = [`--loadEngine=${plan}`, `--shapes=${shapes}`, `--iterations=${iterations}`, `--warmUp=${warmupMs}`, '--duration=0'];
  return new Promise((resolve, reject) => {
    execFile(trtexec, args, { maxBuffer: 64 * 1024 * 1024, timeout: 600_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${trtexec} ${args.join(' ')} failed: ${err.message}\n${stderr.slice(-2000)}`));
      else resolve(parseTrtexecSummary(stdout));
    });
  });
}
