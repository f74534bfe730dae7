/**
 * `trt-node explain [text...] [--file log.txt] [--model model.onnx] [--json]`: an error text — a traceback of
 * torch.onnx.export (either exporter), an onnxruntime message, a TensorRT build log — answered with the findings
 * `check` would report (same codes, PyTorch-worded fixes). The text comes from the arguments, a file, or stdin
 * (nothing, or '-'). Exit 0 when something was recognised, 1 when nothing was, 2 on usage errors.
 */
import type { Command } from 'commander';
import { addJsonOption } from '../options';
import type { CliContext } from '../output';

export interface ExplainCliOptions {
  file?: string;
  model?: string;
  json?: string | boolean;
}

export function defineExplain(program: Command, ctx: CliContext): void {
  const command = program
    .command('explain')
    .description('explain an error from torch.onnx.export, onnxruntime or TensorRT: the pitfall and its PyTorch fix, as check names them')
    .argument('[text...]', 'the error text (quote it); nothing or "-" reads stdin')
    .option('--file <path>', 'read the text from a file (a pasted traceback, a build log)')
    .option('--model <model.onnx>', "the model the error is about: onnxruntime's messages are then explained with its inputs and nodes");
  addJsonOption(command, 'the explanation ({findings, notes, recognized})');
  command.action(async (words: string[], cli: ExplainCliOptions) => {
    ctx.exitCode = await (require('../run/explain') as typeof import('../run/explain')).runExplain(ctx, words, cli);
  });
}
