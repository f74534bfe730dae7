/** `trt-node doctor [--json [file]]`: Node, the addon, TensorRT, CUDA and the GPUs on this machine. */
import type { Command } from 'commander';
import { addJsonOption } from '../options';
import type { CliContext } from '../output';

export function defineDoctor(program: Command, ctx: CliContext): void {
  const command = program.command('doctor').description('report Node, the native addon, TensorRT, CUDA and GPUs on this machine');
  addJsonOption(command, 'the report');
  command.action(async (cli: { json?: string | boolean }) => {
    ctx.exitCode = await (require('../run/doctor') as typeof import('../run/doctor')).runDoctor(ctx, cli);
  });
}
