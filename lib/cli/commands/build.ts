/**
 * `trt-node build [model] --shapes input:1x1x64x64..1x1x256x256..1x1x960x640 [--profile …] [-o model.plan]`:
 * a TensorRT engine from an ONNX model, written atomically, with a progress bar.
 */
import { Option, type Command } from 'commander';
import { addExternalDataOption, addJsonOption, addModelOptions, collect } from '../options';
import { addEngineSource, type EngineSourceFlags } from '../options/engine';
import type { CliContext } from '../output';

export interface BuildCliOptions extends EngineSourceFlags {
  onnx?: string;
  externalDataDir?: string;
  shapes?: string[];
  saveEngine?: string;
  output?: string;
  logLevel?: string;
  verbose?: boolean;
  progress?: boolean;
  json?: string | boolean;
}

export function defineBuild(program: Command, ctx: CliContext): void {
  const command = program
    .command('build')
    .description('build a TensorRT engine (plan) from an ONNX model with optimization profiles')
    .argument('[model]', 'the .onnx file (default: the bundled super-resolution example)')
    .option('--shapes <spec>', 'a profile: input:MIN..OPT..MAX per input, comma separated (a single shape = fixed; repeat for more profiles)', collect);
  addEngineSource(command, { trtexec: ['--saveEngine'] });
  command
    .option('-o, --output <file>', 'where to write the plan (default: <model name>.plan in the current folder)')
    .addOption(new Option('--saveEngine <file>', "trtexec's spelling of --output").hideHelp())
    .option('--log-level <level>', "print TensorRT's messages up to this level: error, warning, info, verbose, none", 'warning')
    .option('--verbose', 'same as --log-level verbose')
    .option('--no-progress', 'no progress bar');
  addModelOptions(command);
  addExternalDataOption(command);
  addJsonOption(command, 'the build result');
  command.action(async (model: string | undefined, cli: BuildCliOptions) => {
    ctx.exitCode = await (require('../run/build') as typeof import('../run/build')).runBuild(ctx, model, cli);
  });
}
