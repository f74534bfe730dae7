/**
 * `trt-node bench`: latency and throughput, TensorRT vs onnxruntime-node, side by side in one run, with the
 * event-loop lag; writes the JSON report and an SVG chart (default bench/out/).
 */
import type { Command } from 'commander';
import * as path from 'path';
import { BACKENDS, formatBenchReport, renderLatencyChart, runBench, type BackendName } from '../../bench';
import { InvalidValueError } from '../../errors';
import { parseFixedShapes } from '../../trt/shapes-spec';
import { writeFileAtomic } from '../../util/atomic-write';
import { DEFAULT_MODEL, PACKAGE_ROOT } from '../defaults';

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

function integer(option: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text.trim())) throw new InvalidValueError(option, 'a whole number', text);
  return Number(text);
}

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
    .option('--json <file>', 'where to write the JSON report (default bench/out/bench.json)')
    .option('--chart <file>', 'where to write the SVG latency chart (default bench/out/bench.svg)')
    .action(async (model: string | undefined, cli: BenchCliOptions) => {
      const modelPath = model ?? DEFAULT_MODEL;
      const specs = cli.shapes.length ? cli.shapes : model ? [] : DEFAULT_SHAPES;
      const backends = cli.backends?.split(',').map((b) => b.trim()) as BackendName[] | undefined;
      if (cli.iterations !== undefined && cli.duration !== undefined) {
        throw new InvalidValueError('--iterations', 'either --iterations or --duration, not both', cli.iterations);
      }
      const duration = cli.duration === undefined ? undefined : Number(cli.duration);
      if (cli.duration !== undefined && !(Number.isFinite(duration) && duration! > 0)) throw new InvalidValueError('--duration', 'seconds > 0', cli.duration);
      const report = await runBench({
        model: modelPath,
        engine: cli.engine,
        shapes: specs.map((s) => parseFixedShapes(s, '--shapes')),
        backends,
        warmup: integer('--warmup', cli.warmup),
        iterations: integer('--iterations', cli.iterations),
        durationS: duration,
        threads: integer('--threads', cli.threads),
        onProgress: (m) => process.stderr.write(`bench: ${m}\n`),
      });
      const outDir = path.join(PACKAGE_ROOT, 'bench', 'out');
      const jsonFile = cli.json ?? path.join(outDir, 'bench.json');
      const chartFile = cli.chart ?? path.join(outDir, 'bench.svg');
      await import('fs').then((fs) => fs.promises.mkdir(path.dirname(jsonFile), { recursive: true }));
      await import('fs').then((fs) => fs.promises.mkdir(path.dirname(chartFile), { recursive: true }));
      await writeFileAtomic(jsonFile, `${JSON.stringify(report, null, 2)}\n`);
      await writeFileAtomic(chartFile, await renderLatencyChart(report));
      process.stdout.write(`${formatBenchReport(report)}\n\nwrote ${jsonFile}\nwrote ${chartFile}\n`);
    });
}
