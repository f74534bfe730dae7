import { Command, CommanderError } from 'commander';
import { ErrorCode, TrtNodeError } from '../errors';
import { registerInspect } from './commands/inspect';
import { registerDoctor } from './commands/doctor';
import { registerBuild } from './commands/build';
import { registerCheck } from './commands/check';
import { registerBench } from './commands/bench';
import { registerExplain } from './commands/explain';

/** Exit codes shared by every command: 0 success, 1 a check or comparison failed, 2 usage or input error. */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

export function createProgram(): Command {
  const program = new Command('trt-node')
    .description('TensorRT for Node.js: inspect, check, build, run and benchmark PyTorch-exported ONNX models')
    .exitOverride()
    .showHelpAfterError();
  registerInspect(program);
  registerDoctor(program);
  registerBuild(program);
  registerCheck(program);
  registerBench(program);
  registerExplain(program);
  return program;
}

/**
 * Errors that mean "what you asked for cannot be done as asked" (bad option, file, model or shape; TensorRT not
 * installed) exit 2. Anything else (a TensorRT build or run that failed, CUDA, onnxruntime) exits 1.
 */
const USAGE_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'ERR_TRT_NODE_INVALID_TYPE',
  'ERR_TRT_NODE_INVALID_VALUE',
  'ERR_TRT_NODE_FILE',
  'ERR_TRT_NODE_ONNX_FORMAT',
  'ERR_TRT_NODE_NPY_FORMAT',
  'ERR_TRT_NODE_SHAPE',
  'ERR_TRT_NODE_TENSORRT_UNAVAILABLE',
  'ERR_TRT_NODE_UNSUPPORTED_OPTION',
  'ERR_TRT_NODE_USAGE',
]);

/** Runs the CLI; resolves to the process exit code instead of calling process.exit (testable in-process). */
export async function main(argv: string[]): Promise<number> {
  const program = createProgram();
  process.exitCode = undefined; // commands report through it; start clean when main() runs more than once in a process
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT_OK;
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    if (err instanceof TrtNodeError) {
      process.stderr.write(`trt-node: error [${err.code}]: ${err.message}\n`);
      return USAGE_CODES.has(err.code) ? EXIT_USAGE : EXIT_FAILED;
    }
    process.stderr.write(`trt-node: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return EXIT_FAILED;
  }
}
