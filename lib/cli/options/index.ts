/**
 * Options several commands share, defined once so they read and parse the same everywhere: the model (positional
 * or trtexec's --onnx), `--json [file]`, the memory budget and whole numbers. Shape flags are read by ./shapes.ts
 * (the one grammar of lib/shapes), and where an engine comes from (a plan, or profiles and every build option) by
 * the group in ./engine.ts. Light on purpose: command definitions import only these and commander; implementations
 * load lazily.
 */
import { Option, type Command } from 'commander';
import { InvalidValueError } from '../../errors';

export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

// ------------------------------------------------------------------------------------------------------- model

/** `[model]` and trtexec's `--onnx=<file>`. */
export function addModelOptions(command: Command): Command {
  return command.addOption(new Option('--onnx <file>', "trtexec's spelling of the model argument").hideHelp());
}

/** `--external-data-dir <dir>`: where the model's external-data files are, when not in the model's own folder. */
export function addExternalDataOption(command: Command): Command {
  return command.option('--external-data-dir <dir>', "the folder of the model's external data (model.onnx.data) when it is not the model's own");
}

/** The model file: the argument, or --onnx (both given and different: a usage error), or the fallback. */
export function modelFrom(arg: string | undefined, cli: { onnx?: string }, fallback: string): string {
  if (arg !== undefined && cli.onnx !== undefined && arg !== cli.onnx) {
    throw new InvalidValueError('--onnx', `the same file as the model argument (${arg})`, cli.onnx, 'Give the model once');
  }
  return arg ?? cli.onnx ?? fallback;
}

// ----------------------------------------------------------------------------------------------------- --json

/** `--json [file]`: one JSON document on stdout, or written to <file> (a value is taken only if it ends in .json). */
export function addJsonOption(command: Command, what: string): Command {
  return command.option('--json [file]', `${what} as one JSON document: on stdout, or written to <file>.json`);
}

/** Where --json sends the document: undefined (not asked), 'stdout', or a file path. */
export function jsonTarget(value: string | boolean | undefined): undefined | 'stdout' | string {
  if (value === undefined || value === false) return undefined;
  if (value === true || value === '' || value === '-') return 'stdout';
  return value;
}

/**
 * commander takes the word after an optional-value option as its value: `check --json model.onnx` would write the
 * JSON over the model. Only a word ending in .json, or '-' (stdout, said explicitly), is --json's value; anything
 * else stays an argument. After '--' every word is an argument, left as it is.
 */
export function normalizeJsonArgs(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      out.push(...argv.slice(i));
      break;
    }
    if (a !== '--json') {
      out.push(a);
      continue;
    }
    const next = argv[i + 1];
    const isValue = next === '-' || (next !== undefined && /\.json$/i.test(next) && !next.startsWith('-'));
    out.push(`--json=${isValue ? next : '-'}`);
    if (isValue) i++;
  }
  return out;
}

// --------------------------------------------------------------------------------------------------- memory

/** --max-tensor-bytes: the memory budget of one run's tensors (lib/io/budget), e.g. 4GiB. */
export function addBudgetOption(command: Command): Command {
  return command.option('--max-tensor-bytes <size>', 'memory budget for one run\'s tensors, checked before reading or generating them (default 1 GiB, at most a quarter of RAM): e.g. 4GiB');
}

export function budgetFrom(cli: { maxTensorBytes?: string }): number | undefined {
  if (cli.maxTensorBytes === undefined) return undefined;
  const { parseByteSize } = require('../../io/budget') as typeof import('../../io/budget');
  return parseByteSize(cli.maxTensorBytes, '--max-tensor-bytes');
}

// -------------------------------------------------------------------------------------------------- numbers

/** A whole number in [min, max] for a flag, named in the error (`--seed 1e30` is a usage error, not a failed run). */
export function integerOption(option: string, text: string | undefined, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (text === undefined) return undefined;
  const t = String(text).trim();
  const n = Number(t);
  if (!/^\d+$/.test(t) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new InvalidValueError(option, `a whole number ${max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `in ${min}..${max}`}`, text);
  }
  return n;
}
