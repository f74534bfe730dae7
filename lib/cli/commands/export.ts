/**
 * `trt-node export triton [model] --repo DIR`: a Triton model repository for the model's TensorRT plan (config.pbtxt
 * that agrees with the engine, the plan under 1/). Exit 0 written, 2 usage, 1 a build failed.
 */
import { Option, type Command } from 'commander';
import { addBuildOptions, addJsonOption, addModelOptions, collect, type EngineCliOptions } from '../options';
import type { CliContext } from '../output';

export interface ExportTritonCliOptions extends EngineCliOptions {
  repo: string;
  name?: string;
  onnx?: string;
  shapes?: string;
  profile?: string[];
  maxBatchSize?: string;
  instances?: string;
  gpus?: string;
  dynamicBatching?: boolean;
  maxQueueDelay?: string;
  noTF32?: boolean;
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
    .option('--engine <plan>', 'a plan built already: copied into the repository, its IO read with TensorRT')
    .addOption(new Option('--loadEngine <plan>', "trtexec's spelling of --engine").hideHelp())
    .option('--shapes <spec>', 'profile 0 of the plan to build: input:MIN..OPT..MAX per input, comma separated')
    .option('--profile <spec>', 'one more profile, same syntax as --shapes (repeatable)', collect)
    .option('--max-batch-size <n>', "max_batch_size (default: the profiles' largest batch when every input and output has a dynamic first axis, else 0)")
    .option('--instances <n>', 'model instances per GPU (instance_group count, default 1)')
    .option('--gpus <ids>', 'the GPUs to place instances on, comma separated (default: every GPU Triton sees)')
    .option('--dynamic-batching', "let Triton's dynamic batcher combine requests (needs max_batch_size > 0)")
    .option('--max-queue-delay <µs>', "with --dynamic-batching: how long a request may wait for others, microseconds");
  addBuildOptions(triton, { profileFlags: true });
  addModelOptions(triton);
  addJsonOption(triton, 'what was written');
  triton.action(async (model: string | undefined, cli: ExportTritonCliOptions) => (require('../run/export') as typeof import('../run/export')).runExportTriton(ctx, model, cli));
}
