import { Command, CommanderError } from 'commander';
import { TrtNodeError } from '../errors';
import { registerInspect } from './commands/inspect';

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
  return program;
}

/** Runs the CLI; resolves to the process exit code instead of calling process.exit (testable in-process). */
export async function main(argv: string[]): Promise<number> {
  const program = createProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT_OK;
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    if (err instanceof TrtNodeError) {
      process.stderr.write(`trt-node: error [${err.code}]: ${err.message}\n`);
      return EXIT_USAGE;
    }
    process.stderr.write(`trt-node: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return EXIT_FAILED;
  }
}
