/**
 * Throughput and latency of the bundled model through TensorRT for 1, 2 and 4 execution contexts (streams), without
 * and with CUDA graphs, on one device and on two (an EnginePool; where the CUDA runtime sees two or more), beside
 * onnxruntime-node, as trtexec's performance summary gives them (inferences/s over the timed wall time; latency min,
 * mean, median, p90, p95, p99, max, end to end from JavaScript). Each TensorRT configuration keeps contexts × devices
 * runs in flight, so every context has work; onnxruntime-node runs one at a time (one session in one worker thread).
 * With trt-node's TensorRT stand-in every TensorRT figure is labelled as the stand-in's: it computes with onnxruntime
 * on the host, so its figures say nothing about TensorRT.
 *
 * Run: npm run bench:throughput [-- --duration 2 --shape 1x1x64x64 --json bench/out/throughput.json]
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runBench, type BackendRun, type BenchReport } from '../lib/bench';
import { DEFAULT_MODEL } from '../lib/cli/defaults';
import { buildEngine, standInLabel, tensorrtAvailable } from '../lib/trt';
import { loadAddon } from '../lib/native/binding';

interface Args {
  durationS: number;
  shape: number[];
  json?: string;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { durationS: 2, shape: [1, 1, 64, 64] };
  for (let i = 0; i < argv.length; i++) {
    const value = () => argv[++i] ?? '';
    if (argv[i] === '--duration') args.durationS = Number(value());
    else if (argv[i] === '--shape') args.shape = value().split('x').map(Number);
    else if (argv[i] === '--json') args.json = value();
    else throw new Error(`unknown argument ${argv[i]} (--duration S, --shape NxCxHxW, --json FILE)`);
  }
  if (!(args.durationS > 0) || args.shape.length !== 4 || !args.shape.every((d) => Number.isSafeInteger(d) && d > 0)) {
    throw new Error('--duration takes seconds > 0, --shape four sizes (1x1x64x64)');
  }
  return args;
}

interface Row {
  config: string;
  run: BackendRun;
}

const f = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));

function table(rows: Row[], label: (r: BackendRun) => string): string {
  const head = ['configuration', 'in flight', 'inf/s', 'min', 'mean', 'median', 'p90', 'p95', 'p99', 'max (ms)', ''];
  const cells = rows.map(({ config, run }) => {
    const l = run.latency!;
    return [config, String(run.concurrency ?? 1), run.throughput!.inferencesPerSec.toFixed(1), ...[l.min, l.mean, l.median, l.p90, l.p95, l.p99, l.max].map(f), label(run)];
  });
  const all = [head, ...cells];
  const widths = head.map((_, c) => Math.max(...all.map((r) => r[c].length)));
  return all.map((r) => r.map((cell, c) => (c === 0 || c === r.length - 1 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ').trimEnd()).join('\n');
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const shapes = [{ input: args.shape }];
  const common = { model: DEFAULT_MODEL, shapes, durationS: args.durationS, seed: 0 };
  const rows: Row[] = [];
  const reports: { config: string; report: BenchReport }[] = [];
  const measure = async (config: string, options: Parameters<typeof runBench>[0]) => {
    const report = await runBench(options);
    const run = report.runs.find((r) => r.latency);
    if (!run) throw new Error(`${config}: nothing measured (${report.runs.map((r) => r.reason).join('; ')})`);
    rows.push({ config, run });
    reports.push({ config, report });
    process.stderr.write(`measured ${config}\n`);
  };

  await measure('onnxruntime-node (CPU)', { ...common, runners: ['onnxruntime'], warmup: 5 });
  let label = '';
  if (tensorrtAvailable()) {
    const plan = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'trt-node-throughput-')), 'model.plan');
    fs.writeFileSync(plan, (await buildEngine(DEFAULT_MODEL, { profiles: { input: { min: args.shape, opt: args.shape, max: args.shape } } })).plan);
    const standIn = standInLabel();
    label = standIn ? `(${standIn})` : '';
    const deviceCount = loadAddon().cudaInfo().deviceCount;
    const deviceSets = deviceCount >= 2 ? [[0], [0, 1]] : [[0]];
    for (const devices of deviceSets) {
      for (const cudaGraph of [false, true]) {
        for (const streams of [1, 2, 4]) {
          const concurrency = streams * devices.length;
          const config = `TensorRT ${devices.length} device${devices.length > 1 ? 's' : ''}, ${streams} stream${streams > 1 ? 's' : ''}, graphs ${cudaGraph ? 'on' : 'off'}`;
          await measure(config, { ...common, engine: plan, runners: ['tensorrt'], streams, cudaGraph, concurrency, warmup: 2 * concurrency, ...(devices.length > 1 ? { devices } : {}) });
        }
      }
    }
    fs.rmSync(path.dirname(plan), { recursive: true, force: true });
    if (deviceCount < 2) process.stderr.write('one CUDA device: the two-device rows need two (TRT_STANDIN_CUDA_DEVICES=2 with the host CUDA stand-in)\n');
  } else {
    process.stderr.write('TensorRT is not available in this addon: onnxruntime-node only\n');
  }

  const load = os.loadavg()[0].toFixed(1);
  console.log(`throughput and latency: ${path.basename(DEFAULT_MODEL)} at ${args.shape.join('x')}, ${args.durationS} s timed per row; ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), load average ${load}, Node ${process.version}`);
  console.log('latency: end to end from JavaScript, waiting for a free execution context included; inf/s: timed runs over the timed wall time');
  console.log(table(rows, (r) => (r.kind === 'tensorrt' ? label : r.concurrencyNote ? 'one at a time' : '')));
  if (label) {
    console.log(`\nEvery TensorRT figure above is trt-node's ${label.slice(1, -1)}: it computes with onnxruntime on the host, so it says nothing about TensorRT's speed.`);
  }
  if (args.json) {
    fs.mkdirSync(path.dirname(path.resolve(args.json)), { recursive: true });
    fs.writeFileSync(args.json, `${JSON.stringify({ label: label || null, rows: reports.map(({ config, report }) => ({ config, ...report })) }, null, 2)}\n`);
    console.log(`wrote ${args.json}`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
