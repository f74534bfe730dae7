/**
 * `trt-node bench`: latency and throughput, TensorRT vs onnxruntime-node, side by side in one run, with the
 * event-loop lag; writes the JSON report and an SVG chart (default: bench.json and bench.svg in the current folder).
 */
import type { Command } from 'commander';
import * as path from 'path';
import { BACKENDS, formatBenchReport, renderLatencyChart, runBench, type BackendName } from '../../bench';
import { InvalidValueError } from '../../errors';
import { parseFixedShapes } from '../../trt/shapes-spec';
import { checkOutputFile, writeFileAtomic } from '../../util/atomic-write';
import { DEFAULT_MODEL } from '../defaults';
import { toJson } from '../../util/json';

interface BenchCliOptions {
  engine?: string;
  shapes: string[];
  backends?: string;
  warmup?: string;
  iterations?: string;
  duration?: string;
  threads?: string;
  json?: string;
  chart?: string;
}

/** The default shapes for the bundled example: small and medium images, one run under ~30 s on 2 cores. */
const DEFAULT_SHAPES = ['input:1x1x224x224', 'input:1x1x512x512'];

/** Checked here, not only in runBench, so that messages name the flag (--iterations, not 'iterations'). */
function integer(option: string, text: string | undefined, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n < min || n > max) {
    throw new InvalidValueError(option, `a whole number ${max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `in ${min}..${max}`}`, text);
  }
  return n;
}

/** onnxruntime starts every thread asked for: --threads 100000 hung for minutes before measuring anything. */
const MAX_THREADS = 1024;

function collect(value: string, previous: string[]): string[] {
  return [...previous, ...value.split(';').filter(Boolean)];
}

export function registerBench(program: Command): void {
  program
    .command('bench')
    .description('latency and throughput, TensorRT vs onnxruntime-node, with event-loop lag')
    .argument('[model]', 'the .onnx file (default: the bundled super-resolution example)')
    .option('--engine <plan>', 'a TensorRT plan to run (default: build one from the model covering --shapes)')
    .option('--shapes <spec>', "shapes to run, trtexec syntax 'input:1x1x224x224'; repeat or separate with ';' for several", collect, [])
    .option('--backends <list>', `comma-separated, of ${BACKENDS.join(', ')} (default: all)`)
    .option('--warmup <n>', 'untimed runs per backend and shape (default 5)')
    .option('--iterations <n>', 'timed runs per backend and shape (default 50)')
    .option('--duration <s>', 'time each backend and shape for this many seconds instead of --iterations')
    .option('--threads <n>', 'onnxruntime intra-op threads (default: one per core)')
    .option('--json <file>', 'where to write the JSON report (default ./bench.json)')
    .option('--chart <file>', 'where to write the SVG latency chart (default ./bench.svg)')
    .action(async (model: string | undefined, cli: BenchCliOptions) => {
      const modelPath = model ?? DEFAULT_MODEL;
      const specs = cli.shapes.length ? cli.shapes : model ? [] : DEFAULT_SHAPES;
      const backends = cli.backends?.split(',').map((b) => b.trim()) as BackendName[] | undefined;
      for (const b of backends ?? []) {
        if (!BACKENDS.includes(b)) throw new InvalidValueError('--backends', `a comma-separated list of ${BACKENDS.join(', ')}`, cli.backends);
      }
      if (cli.iterations !== undefined && cli.duration !== undefined) {
        throw new InvalidValueError('--iterations', 'either --iterations or --duration, not both', cli.iterations);
      }
      const duration = cli.duration === undefined ? undefined : Number(cli.duration);
      if (cli.duration !== undefined && !(Number.isFinite(duration) && duration! > 0 && duration! <= 3600)) {
        throw new InvalidValueError('--duration', 'seconds in (0, 3600]', cli.duration);
      }
      const warmup = integer('--warmup', cli.warmup, 0);
      const iterations = integer('--iterations', cli.iterations, 1);
      const threads = integer('--threads', cli.threads, 1, MAX_THREADS);
      const shapes = specs.map((s) => parseFixedShapes(s, '--shapes'));
      const outDir = process.cwd(); // not the package folder: that is node_modules/trt-node in a project
      const jsonFile = cli.json ?? path.join(outDir, 'bench.json');
      const chartFile = cli.chart ?? path.join(outDir, 'bench.svg');
      // Before the runs: a report that cannot be written would otherwise be lost after minutes of measuring.
      const reads = [
        { file: modelPath, option: 'the model' },
        { file: cli.engine, option: '--engine' },
      ];
      await checkOutputFile(jsonFile, '--json', { createFolder: true, inputs: reads });
      await checkOutputFile(chartFile, '--chart', { createFolder: true, inputs: [...reads, { file: jsonFile, option: '--json' }] });
      const report = await runBench({
        model: modelPath,
        engine: cli.engine,
        shapes,
        backends,
        warmup,
        iterations,
        durationS: duration,
        threads,
        onProgress: (m) => process.stderr.write(`bench: ${m}\n`),
      });
      const chart = await renderLatencyChart(report); // rendered first: a failure leaves neither file half-updated
      await writeFileAtomic(jsonFile, `${toJson(report)}\n`);
      await writeFileAtomic(chartFile, chart);
      process.stdout.write(`${formatBenchReport(report)}\n\nwrote ${jsonFile}\nwrote ${chartFile}\n`);
    });
}
