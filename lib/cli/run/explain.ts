/**
 * `trt-node explain [text...] [--file log.txt] [--model model.onnx] [--json [file]]`: an error text — a traceback of
 * torch.onnx.export (either exporter), an onnxruntime message, a TensorRT build log — answered with the findings
 * `check` would report (same codes, PyTorch-worded fixes). The text comes from the arguments, a file, or stdin
 * (nothing, or '-'). Exit 0 when something was recognised, 1 when nothing was, 2 on usage errors.
 */
import { FileError, TrtNodeError } from '../../errors';
import { explain, formatExplanation } from '../../explain';
import { readFileLimited } from '../../io/read-file';
import { readModel } from '../../onnx/reader';
import { emitJson, type CliContext } from '../output';
import { EXIT_FAILED, EXIT_OK } from '../exit-codes';
import type { ExplainCliOptions } from '../commands/explain';

/**
 * The most text explain reads, from stdin or --file: an error with its traceback is kilobytes, a verbose TensorRT
 * build log tens of megabytes; past this a pipe that never ends (`yes | trt-node explain`) or /dev/zero would only
 * grow memory.
 */
export const MAX_TEXT_BYTES = 64 * 2 ** 20;

function tooLarge(source: string) {
  return (bytes: number) =>
    new FileError(
      source,
      `is more than ${MAX_TEXT_BYTES / 2 ** 20} MiB (${bytes} bytes read); give the part with the error, e.g. \`tail -c 1000000 build.log | trt-node explain\``,
    );
}

function unreadable(source: string, err: unknown): TrtNodeError {
  if (err instanceof TrtNodeError) return err;
  const e = err as NodeJS.ErrnoException;
  return new FileError(source, e.code === 'ENOENT' ? 'does not exist' : `cannot be read (${e.code ?? e.message})`, { cause: err });
}

/** stdin up to MAX_TEXT_BYTES; one that cannot be read (a write-only fd 0, EBADF) is a FileError naming stdin. */
async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of process.stdin) {
      const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
      total += b.length;
      if (total > MAX_TEXT_BYTES) {
        process.stdin.destroy();
        throw tooLarge('stdin')(total);
      }
      chunks.push(b);
    }
  } catch (err) {
    throw unreadable('stdin', err);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The text to explain: the arguments, the --file, or stdin. */
async function textOf(words: string[], options: ExplainCliOptions): Promise<string> {
  if (options.file) {
    if (words.length) throw new TrtNodeError('ERR_TRT_NODE_USAGE', 'give the error text either as arguments or with --file, not both', { option: '--file' });
    const file = options.file;
    const bytes = await readFileLimited(file, MAX_TEXT_BYTES, tooLarge(file)).catch((err: unknown) => {
      throw unreadable(file, err);
    });
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
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
