/**
 * `trt-node bench [model]`: latency and throughput, TensorRT vs onnxruntime-node, side by side in one run, with the
 * event-loop lag; the JSON report and an SVG chart when asked (--files: bench.json and bench.svg in the current folder).
 */
import { Option, type Command } from 'commander';
import { BACKENDS, MAX_CONCURRENCY, MAX_DURATION_S } from '../../bench/options';
import { MAX_CONTEXTS } from '../../trt/device';
import { addBudgetOption, addExternalDataOption, addJsonOption, addModelOptions, collect } from '../options';
import { addEngineSource, type EngineSourceFlags } from '../options/engine';
import type { CliContext } from '../output';

export interface BenchCliOptions extends EngineSourceFlags {
  onnx?: string;
  externalDataDir?: string;
  shapes?: string[];
  backends?: string;
  warmup?: string;
  iterations?: string;
  duration?: string;
  threads?: string;
  streams?: string;
  concurrency?: string;
  cudaGraph?: boolean;
  devices?: string;
  json?: string | boolean;
  chart?: string;
  files?: boolean;
  maxTensorBytes?: string;
}

export function defineBench(program: Command, ctx: CliContext): void {
  const command = program
    .command('bench')
    .description('latency and throughput, TensorRT vs onnxruntime-node, with event-loop lag')
    .argument('[model]', 'the .onnx file (default: the bundled super-resolution example)')
    .option('--shapes <spec>', "shapes to run, trtexec syntax 'input:1x1x224x224' (repeat for several sets); a range input:min..opt..max is a profile of the engine built, run at opt", collect)
    .option('--backends <list>', `comma-separated, of ${BACKENDS.join(', ')} (default: all)`)
    .option('--warmup <n>', 'untimed runs per backend and shape (default 5)')
    .option('--iterations <n>', 'timed runs per backend and shape (default 50)')
    .option('--duration <s>', `time each backend and shape for this many seconds (at most ${MAX_DURATION_S}) instead of --iterations`)
    .option('--threads <n>', 'onnxruntime intra-op threads (default: one per core)')
    .option('--streams <n>', `TensorRT execution contexts per profile, each on its own CUDA stream (trtexec --infStreams; 1..${MAX_CONTEXTS}, default 1)`)
    .option('--concurrency <n>', `runs in flight at once (1..${MAX_CONCURRENCY}, default 1; onnxruntime runs one at a time)`)
    .option('--cuda-graph', 'TensorRT runs through CUDA graphs captured per shape (trtexec --useCudaGraph)')
    .option('--devices <list>', "TensorRT on these GPUs, one engine each, runs to the least busy: 0,1 or all (default: one engine)")
    .option('--chart <file>', 'write the SVG latency chart to <file>')
    .option('--files', 'write the JSON report and the chart to bench.json and bench.svg in the current folder')
    .addOption(new Option('--no-files', 'write no file (the default; kept for scripts that pass it)').hideHelp());
  addEngineSource(command, { engine: 'the TensorRT plan to run (default: build one from the model covering --shapes)' });
  addModelOptions(command);
  addExternalDataOption(command);
  addBudgetOption(command);
  addJsonOption(command, 'the report (nothing measured: not written)');
  command.action(async (model: string | undefined, cli: BenchCliOptions) => {
    ctx.exitCode = await (require('../run/bench') as typeof import('../run/bench')).runBenchCommand(ctx, model, cli);
  });
}
