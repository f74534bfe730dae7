/**
 * Where a TensorRT engine comes from: one flag group for build, check and bench (as Polygraphy's TrtLoadEngineArgs
 * and TrtConfigArgs, or trtexec's BuildOptions). Either a plan to load (--engine, trtexec's --loadEngine), or what
 * an engine is built from: profiles (the command's own --shapes ranges, --profile, trtexec's --minShapes/--optShapes/
 * --maxShapes) and every build option of lib/trt/build-options.ts BUILD_OPTIONS, under trt-node's flag and trtexec's
 * (a new option there is a new flag of all three commands, with nothing to add here).
 *
 * addEngineSource declares the flags; engineSourceFrom parses them, checks them against the model the command read
 * (every message names the flag as typed), refuses build flags that an engine already built would not read, and
 * lists the files the source reads for the commands' output guards.
 */
import * as fs from 'fs';
import { Option, type Command } from 'commander';
import { InvalidValueError, TrtNodeError } from '../../errors';
import type { ModelSummary } from '../../onnx/types';
import { labelled, validateProfiles, type OptimizationProfile } from '../../shapes/profiles';
import { combineFixedSets, type ShapeText } from '../../shapes/spec';
import { buildOptionEntries, validateBuildSettings, type BuildOptionFlag, type BuildOptionName, type BuildSettings } from '../../trt/build-options';
import { requireDevice } from '../../trt/device';
import { requireTensorRT, tensorrtAvailable } from '../../trt/tensorrt';
import type { InputFiles } from '../output';
import { collect } from './index';
import { profilesOf, shapeSetsOf, shapeTexts } from './shapes';

/** The flags of the group as commander parses them (the build options' keys come from the table). */
export interface EngineSourceFlags {
  engine?: string;
  loadEngine?: string;
  profile?: string[];
  minShapes?: string;
  optShapes?: string;
  maxShapes?: string;
  [buildOptionKey: string]: unknown;
}

/** One spelling of a build option: the flag as typed, and where commander puts its value. */
interface Spelling {
  name: BuildOptionName;
  /** '--workspace', '--no-tf32', '--memPoolSize'. */
  flag: string;
  /** commander's attribute: 'workspace', 'tf32' (for --no-tf32), 'memPoolSize'. */
  key: string;
  spec: BuildOptionFlag<unknown>;
  /** trt-node's spelling, shown in the help with this text; trtexec's has none (hidden). */
  help?: string;
}

/**
 * Every spelling of every build option, trt-node's first. Each has an attribute of its own, so that the flag typed
 * is the one named: where commander would file trtexec's under trt-node's (--stronglyTyped, --strongly-typed), it
 * gets a key of its own.
 */
function spellingsOf(): Spelling[] {
  return buildOptionEntries().flatMap(([name, spec]) => {
    const spelling = (f: BuildOptionFlag<unknown>, help?: string, key = new Option(f.flag).attributeName()): Spelling => ({
      name,
      flag: f.flag.split(' ')[0],
      key,
      spec: f,
      ...(help !== undefined ? { help } : {}),
    });
    const own = spelling(spec.cli, spec.cli.help);
    const alias = spec.cli.alias ? [spelling(spec.cli.alias, spec.cli.alias.help)] : [];
    const t = spec.cli.trtexec;
    if (!t) return [own, ...alias];
    const key = new Option(t.flag).attributeName();
    return [own, ...alias, spelling(t, undefined, key === own.key ? `${key}Trtexec` : key)];
  });
}

/** The trt-node spelling of option `name` (its first: an alias comes after it). */
function ownFlag(spellings: readonly Spelling[], name: BuildOptionName): Spelling {
  return spellings.find((p) => p.name === name && p.help !== undefined)!;
}

/** Whether commander saw the flag: a '--no-…' flag is given when its value is false (true is its default). */
function isGiven(s: Spelling, cli: EngineSourceFlags): boolean {
  const value = cli[s.key];
  return s.flag.startsWith('--no-') ? value === false : value !== undefined && value !== false;
}

/** The option's value from a spelling that was given. */
function valueOf(s: Spelling, cli: EngineSourceFlags): unknown {
  if (s.spec.flag.includes(' ')) return s.spec.parse ? s.spec.parse(String(cli[s.key]), s.flag) : cli[s.key];
  return s.spec.value ?? !s.flag.startsWith('--no-');
}

/**
 * Declares the group on `command`: with `engine` (the help of --engine), the plan to load too (check, bench);
 * without, only what an engine is built from (build). `trtexec`: the command's own trtexec spellings, for the help.
 */
export function addEngineSource(command: Command, options: { engine?: string; trtexec?: readonly string[] } = {}): Command {
  if (options.engine !== undefined) {
    command.option('--engine <plan>', options.engine).addOption(new Option('--loadEngine <plan>', "trtexec's spelling of --engine").hideHelp());
  }
  command
    .option('--profile <spec>', 'one more optimization profile, input:MIN..OPT..MAX per input (repeatable)', collect)
    .option('--minShapes <spec>', "trtexec's min shapes of a profile (with --optShapes and --maxShapes): 'input:1x3x64x64'")
    .option('--optShapes <spec>', "trtexec's opt shapes of that profile")
    .option('--maxShapes <spec>', "trtexec's max shapes of that profile");
  const spellings = spellingsOf();
  for (const s of spellings) {
    if (s.help !== undefined) {
      command.option(s.spec.flag, s.help);
      continue;
    }
    const option = new Option(s.spec.flag, `trtexec's spelling of ${ownFlag(spellings, s.name).flag}`).hideHelp();
    option.attributeName = () => s.key;
    command.addOption(option);
  }
  const trtexec = [
    '--onnx',
    ...(options.engine !== undefined ? ['--loadEngine'] : []),
    ...(options.trtexec ?? []),
    '--minShapes/--optShapes/--maxShapes',
    ...spellings.filter((s) => s.help === undefined).map((s) => s.flag),
  ];
  return command.addHelpText('after', `\ntrtexec's spellings work too: ${trtexec.join(', ')}.`);
}

/** What the flags say: a plan to load, or how to build an engine. */
export interface EngineSource {
  /** A plan to load: then nothing is built (and no build flag was given). */
  engine?: string;
  /** The flag that gave the plan, as typed. */
  engineFlag?: string;
  /** The profiles to build with, in order, checked against the model; each labelled with its flag. */
  profiles: OptimizationProfile[];
  /** The build options given (buildEngine's names). */
  build: BuildSettings;
  /** The flags given that set how an engine is built, as typed (profile flags last). */
  buildFlags: string[];
  /** --device with a plan: the CUDA device to load it on (an engine built here has it in `build`). */
  device?: number;
  /** Files the source reads: an output onto one of them is refused. */
  reads: InputFiles;
}

/** The build flags given, as typed: build options in table order, then the profile flags. */
function buildFlagsGiven(cli: EngineSourceFlags, shapeProfiles: readonly ShapeText[]): string[] {
  const spellings = spellingsOf();
  return [
    ...spellings.filter((s) => isGiven(s, cli)).map((s) => s.flag),
    ...(shapeProfiles.length ? ['--shapes'] : []),
    ...PROFILE_LISTS.filter((k) => cli[k] !== undefined).map((k) => `--${k}`),
    ...(cli.profile?.length ? ['--profile'] : []),
  ];
}

/** The build options the flags give, checked: each error names the flag as typed. */
function buildOptionsFrom(cli: EngineSourceFlags): BuildSettings {
  const spellings = spellingsOf();
  const build: Record<string, unknown> = {};
  const labels = new Map<BuildOptionName, string>();
  for (const s of spellings.filter((x) => isGiven(x, cli))) {
    const value = valueOf(s, cli);
    const first = labels.get(s.name);
    if (first !== undefined && build[s.name] !== value) {
      throw new InvalidValueError(s.flag, `the same value as ${first}`, cli[s.key], `${first} and ${s.flag} set the same option: give it once`);
    }
    build[s.name] = value;
    labels.set(s.name, first ?? s.flag);
  }
  validateBuildSettings(build, (name) => labels.get(name) ?? ownFlag(spellings, name).flag);
  // The upper bound needs the CUDA runtime: checked here to name the flag (without TensorRT, the build says so first).
  if (build.device !== undefined && tensorrtAvailable()) requireDevice(build.device as number, labels.get('device')!, requireTensorRT().addon);
  return build as BuildSettings;
}

const PROFILE_LISTS = ['minShapes', 'optShapes', 'maxShapes'] as const;

/** trtexec's three lists as one profile (all three or none), labelled with them. */
function trtexecProfile(cli: EngineSourceFlags, model: ModelSummary): OptimizationProfile | undefined {
  const given = PROFILE_LISTS.filter((k) => cli[k] !== undefined);
  if (given.length === 0) return undefined;
  const missing = PROFILE_LISTS.find((k) => cli[k] === undefined);
  if (missing) {
    throw new InvalidValueError(`--${missing}`, `a shape set with ${given.map((k) => `--${k}`).join(' and ')}`, undefined, '--minShapes, --optShapes and --maxShapes make one profile together: give all three');
  }
  const set = (k: (typeof PROFILE_LISTS)[number]) =>
    [`--${k}`, shapeSetsOf(shapeTexts(`--${k}`, cli[k], model), `--${k} takes one shape per input; ranges go to --shapes or --profile`)[0]] as const;
  return labelled(combineFixedSets(PROFILE_LISTS.map(set)), '--minShapes/--optShapes/--maxShapes');
}

/** Profiles in order: the command's --shapes, trtexec's three lists, then each --profile. */
function profilesFrom(cli: EngineSourceFlags, model: ModelSummary, shapeProfiles: readonly ShapeText[]): OptimizationProfile[] {
  const trtexec = trtexecProfile(cli, model);
  if (trtexec && shapeProfiles.length) {
    throw new InvalidValueError('--shapes', 'either --shapes or --minShapes/--optShapes/--maxShapes', shapeProfiles[0].entries.map((e) => e.entry).join(','), 'Both describe profile 0');
  }
  return [...profilesOf(shapeProfiles), ...(trtexec ? [trtexec] : []), ...profilesOf(shapeTexts('--profile', cli.profile, model))];
}

/** The plan --engine or --loadEngine gives (both given: the same one), with the flag that gave it. */
export function engineFrom(cli: EngineSourceFlags): { engine?: string; engineFlag?: string } {
  if (cli.engine !== undefined && cli.loadEngine !== undefined && cli.engine !== cli.loadEngine) {
    throw new InvalidValueError('--loadEngine', 'the same plan as --engine', cli.loadEngine, 'Give the engine once');
  }
  const engine = cli.engine ?? cli.loadEngine;
  return engine === undefined ? {} : { engine, engineFlag: cli.engine !== undefined ? '--engine' : '--loadEngine' };
}

/** An --engine plan that does not exist is a usage error before any work (check and bench alike). */
export function requireEngineFile(source: Pick<EngineSource, 'engine' | 'engineFlag'>): void {
  if (source.engine !== undefined && !fs.existsSync(source.engine)) {
    throw new TrtNodeError('ERR_TRT_NODE_FILE', `${source.engine}: not found (${source.engineFlag} expects a serialized TensorRT engine, e.g. written by trt-node build)`, { file: source.engine });
  }
}

/**
 * The engine source the flags describe, for `command` and `model` (the model the command read: bare shapes are
 * named after its input, profiles checked against it). `shapeProfiles`: the profiles the command's own --shapes
 * gave (build: every --shapes; check and bench: the ranges). `requireProfile`: a dynamic model without one is an
 * error asking for --shapes (build).
 */
export function engineSourceFrom(
  cli: EngineSourceFlags,
  model: ModelSummary,
  options: { command: string; shapeProfiles?: readonly ShapeText[]; requireProfile?: boolean },
): EngineSource {
  const shapeProfiles = options.shapeProfiles ?? [];
  const { engine, engineFlag } = engineFrom(cli);
  const buildFlags = buildFlagsGiven(cli, shapeProfiles);
  if (engine !== undefined) {
    // --device is where the plan is loaded (trtexec's --device with --loadEngine); every other build flag is unread.
    const unread = buildFlags.filter((f) => f !== '--device');
    refuseUnusedBuildFlags(unread, `${engineFlag} ${engine} is an engine already built`, `drop ${unread.join(', ')}, or drop ${engineFlag} to have ${options.command} build one`);
    const { device } = buildOptionsFrom(cli);
    return { engine, engineFlag, profiles: [], build: {}, buildFlags: unread, reads: [{ file: engine, option: engineFlag! }], ...(device !== undefined ? { device } : {}) };
  }
  const build = buildOptionsFrom(cli);
  const given = profilesFrom(cli, model, shapeProfiles);
  return {
    profiles: given.length || options.requireProfile ? validateProfiles(given, model, '--shapes') : [],
    build,
    buildFlags,
    reads: buildOptionEntries()
      .filter(([, spec]) => spec.readsFile)
      .map(([name, spec]) => ({ file: build[name] as string | undefined, option: spec.cli.flag.split(' ')[0] })),
  };
}

/**
 * Build flags that no build would read are a usage error, not silently ignored: `why` says why there is no build
 * ('--backends ort runs no TensorRT'), `todo` what to do instead.
 */
export function refuseUnusedBuildFlags(flags: readonly string[], why: string, todo: string): void {
  if (flags.length === 0) return;
  throw new TrtNodeError('ERR_TRT_NODE_USAGE', `${flags.join(', ')} ${flags.length === 1 ? 'sets' : 'set'} how a TensorRT engine is built, but ${why}: ${todo}`, {
    option: flags[0],
  });
}
