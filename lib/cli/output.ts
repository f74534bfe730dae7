/**
 * What a command writes and how: the text style of stdout (colour on a TTY, its width), progress on stderr (only
 * on a TTY, never with JSON on stdout or in CI), JSON documents to stdout or a file (each with its `createdAt` and
 * `versions`), and the abort signal Ctrl-C raises. One CliContext per run of main().
 */
import * as fs from 'fs';
import * as path from 'path';
import { styleFor, type TextStyle } from '../report/style';
import { toJson } from '../util/json';
import { PACKAGE_ROOT } from './defaults';
import { jsonTarget } from './options';

export interface CliContext {
  /** Aborted on the first Ctrl-C (SIGINT). */
  signal: AbortSignal;
  /** The exit code the command's action returned (each action returns its own; main() answers it). */
  exitCode?: number;
  /** stdout's style: colour on a TTY (NO_COLOR / FORCE_COLOR honoured), wrapped to its width. */
  style: Required<TextStyle>;
  /** stderr's width when it is a terminal (errors are wrapped to it); undefined for a file or pipe (left as they are). */
  errWidth: number | undefined;
  out(text: string): void;
  err(text: string): void;
  /** Whether progress may be drawn on stderr: a TTY, not CI, and stdout not carrying a JSON document. */
  progressAllowed(json: unknown): boolean;
}

export function createContext(signal: AbortSignal): CliContext {
  return {
    signal,
    style: styleFor(process.stdout),
    errWidth: process.stderr.isTTY ? styleFor(process.stderr).width : undefined,
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    progressAllowed: (json) => process.stderr.isTTY === true && !process.env.CI && jsonTarget(json as string | boolean | undefined) !== 'stdout',
  };
}

/** What wrote a JSON document: trt-node's, onnxruntime-node's and Node's versions (read from the packages, not loaded). */
export function versions(): { trtNode: string; onnxruntimeNode: string | null; node: string } {
  const version = (file: string) => {
    try {
      return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version?: unknown }).version as string;
    } catch {
      return null;
    }
  };
  let ort: string | null = null;
  try {
    ort = version(require.resolve('onnxruntime-node/package.json'));
  } catch {
    // not installed: null
  }
  return { trtNode: version(path.join(PACKAGE_ROOT, 'package.json')) ?? 'unknown', onnxruntimeNode: ort, node: process.version };
}

/** A command's JSON document with, first, when it was made (`createdAt`, ISO 8601 UTC) and by what (`versions`). */
export function jsonDocument(doc: unknown): unknown {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return doc;
  return { createdAt: new Date().toISOString(), versions: versions(), ...doc };
}

/** The files a command reads, by the option that named them: an output onto one of them is refused. */
export type InputFiles = readonly { file: string | undefined; option: string }[];

/**
 * Writes the --json document: to stdout (returns true: print nothing else there), or atomically to the file, which
 * must not be one of `inputs` (checkOutputFile: `inspect model.onnx --json model.onnx` would replace the model).
 * Returns false when --json was not given.
 */
export async function emitJson(ctx: CliContext, json: string | boolean | undefined, doc: unknown, inputs: InputFiles): Promise<boolean> {
  const target = jsonTarget(json);
  if (target === undefined) return false;
  if (target === 'stdout') {
    ctx.out(`${toJson(jsonDocument(doc))}\n`);
    return true;
  }
  const { checkOutputFile, writeFileAtomic } = require('../io/atomic-write') as typeof import('../io/atomic-write');
  await checkOutputFile(target, '--json', { inputs });
  await writeFileAtomic(target, `${toJson(jsonDocument(doc))}\n`);
  return false;
}

/** A one-line progress display on stderr, redrawn in place; a no-op when progress is not allowed. */
export interface Progress {
  update(text: string): void;
  /** Clears the line (before other output, and at the end). */
  clear(): void;
}

export function progressLine(ctx: CliContext, enabled: boolean): Progress {
  if (!enabled) return { update: () => undefined, clear: () => undefined };
  let shown = false;
  const columns = () => (process.stderr.columns ?? 80) - 1;
  return {
    update(text) {
      const line = text.length > columns() ? `${text.slice(0, columns() - 1)}…` : text;
      ctx.err(`\r\u001b[2K${line}`);
      shown = true;
    },
    clear() {
      if (shown) ctx.err('\r\u001b[2K');
      shown = false;
    },
  };
}
