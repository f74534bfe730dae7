/** `trt-node inspect [model] [--json [file]] [--nodes]`: the model summary, read without loading the weights. */
import type { Command } from 'commander';
import { addExternalDataOption, addJsonOption, addModelOptions } from '../options';
import type { CliContext } from '../output';

export interface InspectCliOptions {
  onnx?: string;
  json?: string | boolean;
  nodes?: boolean;
  externalDataDir?: string;
}

export function defineInspect(program: Command, ctx: CliContext): void {
  const command = program
    .command('inspect')
    .description("show an ONNX model's inputs, outputs, opsets, operators and weights (without loading the weights)")
    .argument('[model]', 'the .onnx file (default: the bundled super-resolution example)')
    .option('--nodes', 'also list every node (in JSON: the `nodes` array with attributes)');
  addModelOptions(command);
  addExternalDataOption(command);
  addJsonOption(command, 'the model summary');
  command.action(async (model: string | undefined, cli: InspectCliOptions) => {
    ctx.exitCode = await (require('../run/inspect') as typeof import('../run/inspect')).runInspect(ctx, model, cli);
  });
}
