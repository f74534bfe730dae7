/**
 * The `trt-node` CLI: one program, each command defined in lib/cli/commands (options only: commander,
 * lib/cli/options and light value definitions such as lib/bench/options) and implemented in lib/cli/run, loaded when
 * the command runs, so `--help` and `inspect` never load onnxruntime-node, vega or the native addon.
 *
 * Exit codes shared by every command: 0 success, 1 a check or comparison failed (or bench measured nothing), 2 usage
 * or input error, 130 interrupted (Ctrl-C: the first one stops the work and keeps what finished, a second one exits
 * at once).
 *
 * Lazy loading is plain `require()` inside the action (typed with `typeof import(...)`): it works the same compiled,
 * under ts-jest and under tsx, where a dynamic `import()` of a .ts file would not resolve.
 */
import { Command, CommanderError } from 'commander';
import * as fs from 'fs';
import * as path from 'path';
import type { ErrorCode } from '../errors';
import { TrtNodeError } from '../errors';
import { defineBench } from './commands/bench';
import { defineBuild } from './commands/build';
import { defineCache } from './commands/cache';
import { defineCheck } from './commands/check';
import { defineDoctor } from './commands/doctor';
import { defineExplain } from './commands/explain';
import { defineExport } from './commands/export';
import { defineInspect } from './commands/inspect';
import { normalizeJsonArgs } from './options';
import { createContext, type CliContext } from './output';

import { EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE } from './exit-codes';
import { forTerminal } from '../util/terminal';
import { hangingWrap } from '../util/text';

export { EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE } from './exit-codes';

/** trt-node's version, from its package.json (two folders up from lib/cli and from dist/cli alike). */
export function packageVersion(): string {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

export function createProgram(ctx: CliContext): Command {
  const program = new Command('trt-node')
    .description('TensorRT for Node.js: inspect, check, build, run and benchmark PyTorch-exported ONNX models')
    .version(packageVersion(), '-V, --version', "print trt-node's version")
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({ writeOut: (s) => ctx.out(s), writeErr: (s) => ctx.err(s), outputError: () => undefined });
  // Commands inherit these settings: a bad option is reported once (by main), with the nearest one and a usage line.
  for (const define of [defineInspect, defineCheck, defineExplain, defineBuild, defineBench, defineExport, defineCache, defineDoctor]) define(program, ctx);
  return program;
}

/**
 * Errors that mean "what you asked for cannot be done as asked" (bad option, file, model or shape; TensorRT not
 * installed, or the addon not built) exit 2. Anything else (a TensorRT build or run that failed, CUDA, onnxruntime) exits 1.
 */
const USAGE_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'ERR_TRT_NODE_INVALID_TYPE',
  'ERR_TRT_NODE_INVALID_VALUE',
  'ERR_TRT_NODE_FILE',
  'ERR_TRT_NODE_ONNX_FORMAT',
  'ERR_TRT_NODE_NPY_FORMAT',
  'ERR_TRT_NODE_SHAPE',
  'ERR_TRT_NODE_TENSORRT_UNAVAILABLE',
  'ERR_TRT_NODE_ADDON_LOAD',
  'ERR_TRT_NODE_MEMORY_BUDGET',
  'ERR_TRT_NODE_UNSUPPORTED_OPTION',
  'ERR_TRT_NODE_USAGE',
]);

/**
 * The command a command line runs: its first word that is not an option (the program has no options taking a
 * value), as commander dispatches it, and for a command with subcommands (`export triton`) the next such word. A
 * later word naming a command is an argument or an option's value.
 */
export function commandOf(program: Command, argv: readonly string[]): Command | undefined {
  const words = argv.slice(2);
  const end = words.indexOf('--');
  let found: Command | undefined;
  for (const word of (end < 0 ? words : words.slice(0, end)).filter((a) => !a.startsWith('-'))) {
    const next = (found ?? program).commands.find((c) => c.name() === word || c.aliases().includes(word));
    if (!next) break;
    found = next;
    if (next.commands.length === 0) break;
  }
  return found;
}

/** 'trt-node export triton': the command's name with its parents'. */
function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

export interface MainOptions {
  /** Aborts the run as Ctrl-C would (tests; the bin wires SIGINT). */
  signal?: AbortSignal;
}

/** Runs the CLI; resolves to the process exit code instead of calling process.exit (testable in-process). */
export async function main(argv: string[], options: MainOptions = {}): Promise<number> {
  const controller = new AbortController();
  const onAbort = () => controller.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) controller.abort();
  const ctx = createContext(controller.signal);
  const program = createProgram(ctx);
  const args = normalizeJsonArgs(argv);
  // `trt-node` alone: the help, as `trt-node --help` prints it (asking for nothing is not an error).
  if (args.length <= 2) {
    ctx.out(program.helpInformation());
    return EXIT_OK;
  }
  // A script that asked for JSON on stdout gets a JSON document on errors too: {"error": {"code", "message"}}.
  const errorDocument = (code: string, message: string) => {
    if (jsonOnStdout(args)) ctx.out(`${JSON.stringify({ error: { code, message } }, null, 2)}\n`);
  };
  try {
    await program.parseAsync(args);
    if (controller.signal.aborted) return EXIT_INTERRUPTED;
    return ctx.exitCode ?? EXIT_OK;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.exitCode === 0 || err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return EXIT_OK;
      if (err.code === 'commander.help') return EXIT_USAGE; // a command that needs a subcommand (`export`): its help was shown
      const cmd = commandOf(program, argv) ?? program;
      const usage = `usage: ${commandPath(cmd)} ${cmd.usage()}`;
      const message = err.message.replace(/^error: /, '');
      ctx.err(`trt-node: ${message}\n${usage}\n(${commandPath(cmd)} --help for every option)\n`);
      errorDocument('ERR_TRT_NODE_USAGE', message);
      return EXIT_USAGE;
    }
    if (err instanceof TrtNodeError && err.code === 'ERR_TRT_NODE_ABORTED') {
      ctx.err('trt-node: interrupted\n');
      return EXIT_INTERRUPTED;
    }
    if (err instanceof TrtNodeError) {
      const text = `trt-node: error [${err.code}]: ${forTerminal(err.message, { multiline: true })}`;
      ctx.err(`${ctx.errWidth === undefined ? text : hangingWrap(text, '  ', ctx.errWidth).join('\n')}\n`);
      errorDocument(err.code, err.message);
      return USAGE_CODES.has(err.code) ? EXIT_USAGE : EXIT_FAILED;
    }
    ctx.err(`trt-node: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    errorDocument('ERR_TRT_NODE_UNEXPECTED', err instanceof Error ? err.message : String(err));
    return EXIT_FAILED;
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * Ends the process the way an uncaught Ctrl-C does (status 130 to the shell), at once: the run that was in flight
 * (an onnxruntime or TensorRT call cannot be interrupted) is left to the kernel instead of being waited for, and
 * no thread is torn down mid-call (that would abort the process with a C++ exception).
 */
function dieBySigint(): void {
  // A file being written when the second Ctrl-C came is left as it was (the old one, or none): no temporary file.
  (require('../io/atomic-write') as typeof import('../io/atomic-write')).removeTemporaryFiles();
  process.removeAllListeners('SIGINT');
  process.kill(process.pid, 'SIGINT');
}

/** Whether the command line asks for JSON on stdout (`--json` or `--json -`, as normalizeJsonArgs writes them). */
function jsonOnStdout(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end < 0 ? args : args.slice(0, end)).some((a) => a === '--json=-');
}

/** A write error of stdout in words ("no space left on the device"). */
function writeErrorText(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return 'no space left on the device';
    case 'EIO':
      return 'input/output error';
    case 'EBADF':
      return 'it is closed or not open for writing';
    default:
      return err.message;
  }
}

/**
 * stdout failed. The reader went away (`trt-node check | head`, EPIPE): stop quietly with the command's code. Any
 * other error (`> /dev/full`): one line on stderr, exit 2. process.exit is safe with a run in flight: the exit
 * waits for onnxruntime's call to return before its thread is ended (lib/runners/native-gate.ts).
 */
function onStdoutError(err: NodeJS.ErrnoException): void {
  if (err.code === 'EPIPE') process.exit(typeof process.exitCode === 'number' ? process.exitCode : EXIT_OK);
  process.stderr.write(`trt-node: cannot write to stdout: ${writeErrorText(err)}\n`);
  process.exit(EXIT_USAGE);
}

/**
 * The bin's entry: the first SIGINT aborts the run, and once what finished is written (partial table, reports
 * marked interrupted) the process ends with status 130; a second SIGINT ends it at once.
 */
export async function runFromBin(argv: string[]): Promise<number> {
  process.stdout.on('error', onStdoutError);
  // stderr itself failing (`2>/dev/full`) leaves nowhere to say so: the exit code still tells what happened.
  process.stderr.on('error', () => undefined);
  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts > 1) return dieBySigint();
    process.stderr.write('\ntrt-node: stopping (Ctrl-C again to quit at once)...\n');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  const code = await main(argv, { signal: controller.signal });
  if (interrupts > 0) dieBySigint();
  process.removeListener('SIGINT', onSigint);
  return code;
}
