/**
 * `trt-node explain [text...] [--file log.txt] [--model model.onnx] [--json [file]]`: an error text — a traceback of
 * torch.onnx.export (either exporter), an onnxruntime message, a TensorRT build log — answered with the findings
 * `check` would report (same codes, PyTorch-worded fixes). The text comes from the arguments, a file, or stdin
 * (nothing, or '-'). Exit 0 when something was recognised, 1 when nothing was, 2 on usage errors.
 */
import * as fs from 'fs';
import { FileError, TrtNodeError } from '../../errors';
import { explain, formatExplanation } from '../../explain';
import { readModel } from '../../onnx/reader';
import { emitJson, type CliContext } from '../output';
import { EXIT_FAILED, EXIT_OK } from '../exit-codes';
import type { ExplainCliOptions } from '../commands/explain';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}

/** The text to explain: the arguments, the --file, or stdin. */
async function textOf(words: string[], options: ExplainCliOptions): Promise<string> {
  if (options.file) {
    if (words.length) throw new TrtNodeError('ERR_TRT_NODE_USAGE', 'give the error text either as arguments or with --file, not both', { option: '--file' });
    return fs.promises.readFile(options.file, 'utf8').catch((err: NodeJS.ErrnoException) => {
      throw new FileError(options.file!, err.code === 'ENOENT' ? 'does not exist' : `cannot be read (${err.code ?? err.message})`, { cause: err });
    });
  }
  if (words.length && !(words.length === 1 && words[0] === '-')) return words.join(' ');
  if (process.stdin.isTTY) {
    throw new TrtNodeError('ERR_TRT_NODE_USAGE', 'give the error text: trt-node explain "<message>", --file log.txt, or pipe it (python export.py 2>&1 | trt-node explain)', {});
  }
  return readStdin();
}

/** The action of `trt-node explain`. */
export async function runExplain(ctx: CliContext, words: string[], options: ExplainCliOptions): Promise<number> {
  const text = await textOf(words, options);
  const model = options.model ? await readModel(options.model) : undefined;
  const result = explain(text, { model });
  const reads = [
    { file: options.file, option: '--file' },
    { file: options.model, option: '--model' },
  ];
  if (!(await emitJson(ctx, options.json, result, reads))) ctx.out(formatExplanation(result));
  return result.recognized ? EXIT_OK : EXIT_FAILED;
}
