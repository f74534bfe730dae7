/**
 * `trt-node build [model] --shapes input:1x1x64x64..1x1x256x256..1x1x960x640 [--profile …] [-o model.plan]`:
 * a TensorRT engine from an ONNX model, written atomically, with a progress bar.
 */
import { Option, type Command } from 'commander';
import { addBuildOptions, addJsonOption, addModelOptions, collect } from '../options';
import type { CliContext } from '../output';

export function defineBuild(program: Command, ctx: CliContext): void {
  const command = program
    .command('build')
    .description('build a TensorRT engine (plan) from an ONNX model with optimization profiles')
    .argument('[model]', 'the .onnx file (default: the bundled super-resolution example)')
    .option('--shapes <spec>', 'profile 0: input:MIN..OPT..MAX per input, comma separated (a single shape = fixed)')
    .option('--profile <spec>', 'one more profile, same syntax as --shapes (repeatable)', collect);
  addBuildOptions(command, { profileFlags: true });
  command
    .option('--opt-level <0-5>', 'builder optimization level (TensorRT default 3)')
    .addOption(new Option('--builderOptimizationLevel <0-5>', "trtexec's spelling of --opt-level").hideHelp())
    .option('--bf16', 'allow BF16 kernels (TensorRT 10 only)')
    .option('--int8', 'allow INT8 kernels for Q/DQ models (TensorRT 10 only)')
    .option('--device <N>', "the CUDA device to build on, as trtexec's --device (default 0)")
    .option('--strongly-typed', 'strongly typed network (always so on TensorRT 11)')
    .addOption(new Option('--stronglyTyped', "trtexec's spelling of --strongly-typed").hideHelp())
    .option('-o, --output <file>', 'where to write the plan (default: <model name>.plan in the current folder)')
    .addOption(new Option('--saveEngine <file>', "trtexec's spelling of --output").hideHelp())
    .option('--log-level <level>', "print TensorRT's messages up to this level: error, warning, info, verbose, none", 'warning')
    .option('--verbose', 'same as --log-level verbose')
    .option('--no-progress', 'no progress bar');
  addModelOptions(command);
  addJsonOption(command, 'the build result');
  command.addHelpText(
    'after',
    "\ntrtexec's spellings work too: --onnx, --saveEngine, --minShapes/--optShapes/--maxShapes, --memPoolSize=workspace:<size>, --timingCacheFile, --noTF32, --builderOptimizationLevel, --stronglyTyped.",
  );
  command.action(async (model: string | undefined, cli) => (require('../run/build') as typeof import('../run/build')).runBuild(ctx, model, cli));
}
