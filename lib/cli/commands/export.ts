/**
 * `trt-node export triton [model] --repo DIR`: a Triton model repository for the model's TensorRT plan (config.pbtxt
 * that agrees with the engine, the plan under 1/). Exit 0 written, 2 usage, 1 a build failed.
 */
import type { Command } from 'commander';
import { addJsonOption, addModelOptions, collect } from '../options';
import { addEngineSource, type EngineSourceFlags } from '../options/engine';
import type { CliContext } from '../output';

export interface ExportTritonCliOptions extends EngineSourceFlags {
  repo: string;
  name?: string;
  onnx?: string;
  shapes?: string[];
  maxBatchSize?: string;
  instances?: string;
  gpus?: string;
  dynamicBatching?: boolean;
  maxQueueDelay?: string;
  json?: string | boolean;
}

export function defineExport(program: Command, ctx: CliContext): void {
  const exporter = program.command('export').description('write what a serving system loads: a Triton model repository for the TensorRT plan');
  const triton = exporter
    .command('triton')
    .description(
      "a Triton model repository: DIR/<name>/config.pbtxt whose inputs, outputs, data types, dims, max_batch_size and profiles agree with the engine, and the plan at DIR/<name>/1/model.plan " +
        '(built here with TensorRT, or taken from --engine; without TensorRT the config is derived from the model and the profiles, and the plan is left to build on the target)',
    )
    .argument('[model]', 'the .onnx file (default: the bundled super-resolution example)')
    .requiredOption('--repo <dir>', 'the model repository folder (created when missing)')
    .option('--name <name>', "the model's name and folder in the repository (default: the model file's name)")
    .option('--shapes <spec>', 'a profile of the plan to build: input:MIN..OPT..MAX per input, comma separated (repeatable)', collect)
    .option('--max-batch-size <n>', "max_batch_size (default: the profiles' largest batch when every input and output has a dynamic first axis, else 0)")
    .option('--instances <n>', 'model instances per GPU (instance_group count, default 1)')
    .option('--gpus <ids>', 'the GPUs to place instances on, comma separated (default: every GPU Triton sees)')
    .option('--dynamic-batching', "let Triton's dynamic batcher combine requests (needs max_batch_size > 0)")
    .option('--max-queue-delay <µs>', "with --dynamic-batching: how long a request may wait for others, microseconds");
  addEngineSource(triton, { engine: 'a plan built already: copied into the repository, its IO read with TensorRT' });
  addModelOptions(triton);
  addJsonOption(triton, 'what was written');
  triton.action(async (model: string | undefined, cli: ExportTritonCliOptions) => {
    ctx.exitCode = await (require('../run/export') as typeof import('../run/export')).runExportTriton(ctx, model, cli);
  });
}
