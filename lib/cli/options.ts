/**
 * Options several commands share, defined once so they read and parse the same everywhere: the model (positional
 * or trtexec's --onnx), `--json [file]`, shape sets in trtexec's syntax (one set per option, repeat the option for
 * more), TensorRT engines (--engine / trtexec's --loadEngine) and build settings with trtexec's spellings
 * (--minShapes/--optShapes/--maxShapes, --memPoolSize=workspace:<size>, --timingCacheFile, --noTF32, --fp16...).
 * Light on purpose: command definitions import only this and commander; implementations load lazily.
 */
import { Option, type Command } from 'commander';
import { InvalidValueError, TrtNodeError } from '../errors';
import type { ModelSummary } from '../onnx/types';
import { parseDims, splitNamedList } from '../shapes/spec';

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

// ----------------------------------------------------------------------------------------------------- shapes

/** A shape set as typed: by input name, with '' for a bare shape ('1x3x224x224') meant for the only input. */
export type ShapeSet = Record<string, number[]>;

/**
 * One shape set in trtexec's syntax: 'input:1x3x224x224,mask:1x224' (or a bare '1x3x224x224' for a model with one
 * input to give). Several sets: repeat the option. ';' is not a separator (it used to be, in one command).
 */
export function parseShapeSet(text: string, option: string, allowZero = false): ShapeSet {
  if (typeof text !== 'string' || text.includes(';')) {
    throw new InvalidValueError(option, "one shape set, trtexec syntax 'input:1x3x224x224,other:1x10'", text, `Repeat ${option} for several sets (';' does not separate them)`);
  }
  const set: ShapeSet = Object.create(null);
  for (const { name, value, entry } of splitNamedList(text, { option, allowUnnamed: true })) {
    if (value.includes('..')) {
      throw new InvalidValueError(option, 'fixed shapes', entry, 'min..opt..max ranges are profiles: give them to --shapes of build, or --minShapes/--optShapes/--maxShapes');
    }
    set[name] = parseDims(value, { option, entry, allowZero });
  }
  return set;
}

/**
 * Names a bare shape after the model's only input needing one (`inputs`: the names that take a shape, e.g. the
 * dynamic ones). A bare shape with several such inputs is a usage error naming them.
 */
export function nameShapeSet(set: ShapeSet, inputs: readonly string[], option: string): Record<string, number[]> {
  if (!Object.prototype.hasOwnProperty.call(set, '')) return set;
  if (inputs.length !== 1) {
    throw new InvalidValueError(
      option,
      `named shapes ('${inputs[0] ?? 'input'}:1x3x224x224${inputs[1] ? `,${inputs[1]}:...` : ''}')`,
      set[''].join('x'),
      `The model has ${inputs.length} inputs to shape (${inputs.join(', ') || 'none'}); a bare shape only works for one`,
    );
  }
  const out: Record<string, number[]> = Object.create(null);
  for (const [k, v] of Object.entries(set)) out[k === '' ? inputs[0] : k] = v;
  return out;
}

/** The inputs a bare shape may be meant for: the dynamic ones, or the only input (check and bench alike). */
export function shapeableInputs(model: Pick<ModelSummary, 'inputs'>): string[] {
  const feed = model.inputs.filter((i) => !i.isInitializer);
  const dynamic = feed.filter((i) => i.dims === null || i.dims.some((d) => d.kind !== 'fixed'));
  return (dynamic.length ? dynamic : feed).map((i) => i.name);
}

/** One fixed shape set of `option` for `model`: parsed (parseShapeSet), a bare shape named (nameShapeSet). */
export function modelShapeSet(text: string, model: Pick<ModelSummary, 'inputs'>, option: string, allowZero = false): Record<string, number[]> {
  return nameShapeSet(parseShapeSet(text, option, allowZero), shapeableInputs(model), option);
}

// --------------------------------------------------------------------------------------------- engine builds

/** The options of commands that load or build TensorRT engines (check, bench, build share them). */
export interface EngineCliOptions {
  engine?: string;
  loadEngine?: string;
  minShapes?: string;
  optShapes?: string;
  maxShapes?: string;
  workspace?: string;
  memPoolSize?: string;
  timingCache?: string;
  timingCacheFile?: string;
  fp16?: boolean;
  tf32?: boolean;
}

/**
 * --engine (and trtexec's --loadEngine) with the build flags of an engine built on the fly, for commands that take
 * either (check, bench); the help names trtexec's spellings.
 */
export function addEngineOptions(command: Command, engineDescription: string): Command {
  command.option('--engine <plan>', engineDescription).addOption(new Option('--loadEngine <plan>', "trtexec's spelling of --engine").hideHelp());
  return addBuildOptions(command, { profileFlags: true }).addHelpText(
    'after',
    "\ntrtexec's spellings work too: --onnx, --loadEngine, --minShapes/--optShapes/--maxShapes, --memPoolSize=workspace:<size>, --timingCacheFile, --noTF32.",
  );
}

export function engineFrom(cli: EngineCliOptions): string | undefined {
  if (cli.engine !== undefined && cli.loadEngine !== undefined && cli.engine !== cli.loadEngine) {
    throw new InvalidValueError('--loadEngine', 'the same plan as --engine', cli.loadEngine, 'Give the engine once');
  }
  return cli.engine ?? cli.loadEngine;
}

/** The build settings of an engine built on the fly (check, bench) or by `build`. */
export function addBuildOptions(command: Command, options: { profileFlags: boolean }): Command {
  if (options.profileFlags) {
    command
      .option('--minShapes <spec>', "trtexec's min shapes of profile 0 (with --optShapes and --maxShapes): 'input:1x3x64x64'")
      .option('--optShapes <spec>', "trtexec's opt shapes of profile 0")
      .option('--maxShapes <spec>', "trtexec's max shapes of profile 0");
  }
  return command
    .option('--workspace <size>', 'TensorRT workspace memory pool limit: MiB, or with a unit (512M, 2G)')
    .addOption(new Option('--memPoolSize <spec>', "trtexec's spelling: workspace:<size> (MiB unless K/M/G)").hideHelp())
    .option('--timing-cache <file>', 'timing cache: read if it exists, written back after the build')
    .addOption(new Option('--timingCacheFile <file>', "trtexec's spelling of --timing-cache").hideHelp())
    .option('--fp16', 'allow FP16 kernels (TensorRT 10 only)')
    .option('--no-tf32', 'disable TF32 for float32 layers (compare with TF32 noise ruled out)')
    .addOption(new Option('--noTF32', "trtexec's spelling of --no-tf32").hideHelp());
}

/** The flag that gave the engine, as typed. */
export function engineFlag(cli: EngineCliOptions): string {
  return cli.engine !== undefined ? '--engine' : '--loadEngine';
}

/** The build flags given, as typed (--fp16, --workspace, ...; with `profileFlags`, --minShapes/--optShapes/--maxShapes too). */
export function buildFlagsGiven(cli: EngineCliOptions & { noTF32?: boolean }, options: { profileFlags: boolean }): string[] {
  const given: [string, unknown][] = [
    ['--workspace', cli.workspace],
    ['--memPoolSize', cli.memPoolSize],
    ['--timing-cache', cli.timingCache],
    ['--timingCacheFile', cli.timingCacheFile],
    ['--fp16', cli.fp16 || undefined],
    ['--no-tf32', cli.tf32 === false || undefined], // commander's default for a --no- flag is true
    ['--noTF32', cli.noTF32 || undefined],
  ];
  if (options.profileFlags) given.push(['--minShapes', cli.minShapes], ['--optShapes', cli.optShapes], ['--maxShapes', cli.maxShapes]);
  return given.filter(([, value]) => value !== undefined).map(([flag]) => flag);
}

/**
 * Build flags that no build would read are a usage error, not silently ignored: `why` says why there is no build
 * ('--engine gives an engine already built'), `todo` what to do instead.
 */
export function refuseUnusedBuildFlags(flags: readonly string[], why: string, todo: string): void {
  if (flags.length === 0) return;
  throw new TrtNodeError('ERR_TRT_NODE_USAGE', `${flags.join(', ')} ${flags.length === 1 ? 'sets' : 'set'} how a TensorRT engine is built, but ${why}: ${todo}`, {
    option: flags[0],
  });
}

/** "4096" (MiB), "512M", "2G", "1.5GiB" -> bytes. */
export function parseSize(text: string, parameter: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(b|k|m|g|t)?(i?b)?$/i.exec(String(text).trim());
  if (!m) throw new InvalidValueError(parameter, 'a size in MiB (e.g. 4096) or with a unit (512M, 2G)', text);
  const unit = (m[2] ?? 'm').toLowerCase() as 'b' | 'k' | 'm' | 'g' | 't';
  const bytes = Math.round(Number(m[1]) * { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }[unit]);
  if (!Number.isSafeInteger(bytes) || bytes < 2 ** 20) throw new InvalidValueError(parameter, 'a size of at least 1 MiB', text);
  return bytes;
}

/** trtexec's --memPoolSize: 'workspace:1024' (MiB), 'workspace:2G'; other pools are not trt-node's to set. */
export function parseMemPoolSize(spec: string): number {
  let workspace: number | undefined;
  for (const { name, value, entry } of splitNamedList(spec, { option: '--memPoolSize', example: 'workspace:1024' })) {
    if (name !== 'workspace') {
      throw new TrtNodeError('ERR_TRT_NODE_UNSUPPORTED_OPTION', `--memPoolSize: pool '${name}' (in '${entry}') is not supported; trt-node sets the workspace pool only (workspace:<size>)`, {
        option: '--memPoolSize',
      });
    }
    workspace = parseSize(value, '--memPoolSize');
  }
  return workspace!;
}

/** Build settings from the shared flags (profiles are the caller's: they depend on the command). */
export function buildSettingsFrom(cli: EngineCliOptions & { noTF32?: boolean }): { workspaceBytes?: number; timingCache?: string; fp16?: boolean; tf32?: boolean } {
  if (cli.workspace !== undefined && cli.memPoolSize !== undefined) {
    throw new InvalidValueError('--memPoolSize', 'either --workspace or --memPoolSize', cli.memPoolSize, 'Both set the workspace pool');
  }
  if (cli.timingCache !== undefined && cli.timingCacheFile !== undefined && cli.timingCache !== cli.timingCacheFile) {
    throw new InvalidValueError('--timingCacheFile', 'the same file as --timing-cache', cli.timingCacheFile, 'Give the timing cache once');
  }
  const out: { workspaceBytes?: number; timingCache?: string; fp16?: boolean; tf32?: boolean } = {};
  if (cli.workspace !== undefined) out.workspaceBytes = parseSize(cli.workspace, '--workspace');
  if (cli.memPoolSize !== undefined) out.workspaceBytes = parseMemPoolSize(cli.memPoolSize);
  const cache = cli.timingCache ?? cli.timingCacheFile;
  if (cache !== undefined) out.timingCache = cache;
  if (cli.fp16) out.fp16 = true;
  if (cli.tf32 === false || cli.noTF32) out.tf32 = false;
  return out;
}

// --------------------------------------------------------------------------------------------------- memory

/** --max-tensor-bytes: the memory budget of one run's tensors (lib/io/budget), e.g. 4GiB. */
export function addBudgetOption(command: Command): Command {
  return command.option('--max-tensor-bytes <size>', 'memory budget for one run\'s tensors, checked before reading or generating them (default 1 GiB, at most a quarter of RAM): e.g. 4GiB');
}

export function budgetFrom(cli: { maxTensorBytes?: string }): number | undefined {
  if (cli.maxTensorBytes === undefined) return undefined;
  const { parseByteSize } = require('../io/budget') as typeof import('../io/budget');
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
