import { Command, CommanderError } from 'commander';
import { ErrorCode, TrtNodeError } from '../errors';

/** Exit codes shared by every command: 0 success, 1 a check or comparison failed, 2 usage or input error. */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/* eslint-disable @typescript-eslint/no-require-imports */
/**
 * Each command's module, loaded when needed (in help's order): a command line that names a command loads only that
 * command's module, so `trt-node inspect` loads no onnxruntime-node, vega or TensorRT code. Help, and a line that
 * names no known command, load them all (each command module loads its heavy libraries in its action only).
 */
const COMMANDS: Readonly<Record<string, () => (program: Command) => void>> = {
  inspect: () => (require('./commands/inspect') as typeof import('./commands/inspect')).registerInspect,
  doctor: () => (require('./commands/doctor') as typeof import('./commands/doctor')).registerDoctor,
  build: () => (require('./commands/build') as typeof import('./commands/build')).registerBuild,
  check: () => (require('./commands/check') as typeof import('./commands/check')).registerCheck,
  bench: () => (require('./commands/bench') as typeof import('./commands/bench')).registerBench,
};
/* eslint-enable @typescript-eslint/no-require-imports */

/** The command an argv names (its first word that is not an option), when it is one of ours. */
function commandNamed(argv: readonly string[]): string | undefined {
  const word = argv.slice(2).find((a) => !a.startsWith('-'));
  return word !== undefined && Object.hasOwn(COMMANDS, word) ? word : undefined;
}

/** The CLI; given the argv it will parse, only the command it names is registered. */
export function createProgram(argv?: readonly string[]): Command {
  const program = new Command('trt-node')
    .description('TensorRT for Node.js: inspect, check, build, run and benchmark PyTorch-exported ONNX models')
    .exitOverride()
    .showHelpAfterError();
  const named = argv && commandNamed(argv);
  for (const [name, load] of Object.entries(COMMANDS)) if (named === undefined || named === name) load()(program);
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
  const program = createProgram(argv);
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
