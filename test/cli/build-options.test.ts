/**
 * The build options as one table (lib/trt/build-options.ts BUILD_OPTIONS): every descriptor reaches the command
 * line of build, check and bench under trt-node's flag and trtexec's, and every validation error names the flag
 * given, or the library option.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Command } from 'commander';
import { DEFAULT_MODEL } from '../../lib/cli/defaults';
import { createProgram } from '../../lib/cli/main';
import { createContext } from '../../lib/cli/output';
import { BUILD_OPTIONS, buildOptionEntries, nativeConfig, validateBuildOptions, validateBuildSettings } from '../../lib/trt/build-options';
import { caught } from '../helpers/errors';
import { runCli } from '../helpers/cli';

let dir: string;
beforeAll(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trt-node-build-options-'))));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Every spelling of every option: [option, flag as commander declares it]. */
const SPELLINGS = buildOptionEntries().flatMap(([name, spec]) => [
  [name, spec.cli.flag],
  ...(spec.cli.alias ? [[name, spec.cli.alias.flag]] : []),
  ...(spec.cli.trtexec ? [[name, spec.cli.trtexec.flag]] : []),
]);

/** A valid text for each flag that takes a value (a new value option adds one here). */
const VALID: Record<string, string> = {
  '--workspace': '512M',
  '--memPoolSize': 'workspace:512',
  '--opt-level': '2',
  '--builderOptimizationLevel': '2',
  '--timing-cache': 'timing.cache',
  '--timingCacheFile': 'timing.cache',
  '--profiling-verbosity': 'detailed',
  '--profilingVerbosity': 'detailed',
  '--device': '0',
  '--cache-dir': 'cache.dir',
  '--cache-max-size': '1G',
  '--mark-outputs': '/conv1/Conv_output_0',
};

/** Flags that need another to be given with them. */
const NEEDS: Record<string, string[]> = { '--cache-max-size': ['--cache-dir', 'cache.dir'] };

/** The flag as typed, with its value when it takes one. */
function given(flag: string): string[] {
  const [name, placeholder] = flag.split(' ');
  return placeholder ? [name, VALID[name]] : [name];
}

describe('BUILD_OPTIONS reaches every engine-building command', () => {
  const program = createProgram(createContext(new AbortController().signal));
  const flagsOf = (command: string) => (program.commands.find((c) => c.name() === command) as Command).options.map((o) => o.flags);

  test.each(['build', 'check', 'bench'])('%s declares every spelling of every build option, and the profile flags', (command) => {
    const flags = flagsOf(command);
    for (const [, flag] of SPELLINGS) expect(flags).toContain(flag);
    for (const flag of ['--profile <spec>', '--minShapes <spec>', '--optShapes <spec>', '--maxShapes <spec>']) expect(flags).toContain(flag);
  });

  test('every flag that takes a value has a valid example here', () => {
    for (const [, flag] of SPELLINGS) if (flag.includes(' ')) expect(VALID[flag.split(' ')[0]]).toBeDefined();
  });

  // --device is where a plan is loaded too (trtexec's --device with --loadEngine): the one build flag --engine reads.
  const UNREAD_WITH_ENGINE = SPELLINGS.filter(([name]) => name !== 'device');

  test.each(UNREAD_WITH_ENGINE.map(([name, flag]) => [flag, name]))('%s: with --engine, check and bench refuse it by name (nothing would read it)', async (flag) => {
    const plan = path.join(dir, 'given.plan');
    fs.writeFileSync(plan, 'not read: the flags are refused first');
    const name = flag.split(' ')[0];
    for (const command of ['check', 'bench']) {
      const r = await runCli([command, DEFAULT_MODEL, '--shapes', 'input:1x1x8x8', '--engine', plan, ...given(flag)]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`[ERR_TRT_NODE_USAGE]: ${name} sets how a TensorRT engine is built, but --engine ${plan} is an engine already built: drop ${name}, or drop --engine to have ${command} build one`);
    }
  });

  test('--device with --engine is where the plan is loaded: not refused; beside an unread flag, only that one is named', async () => {
    const plan = path.join(dir, 'device.plan');
    fs.writeFileSync(plan, 'not a plan');
    for (const command of ['check', 'bench']) {
      const loaded = await runCli([command, DEFAULT_MODEL, '--shapes', 'input:1x1x8x8', '--engine', plan, '--device', '0']);
      expect(loaded.stderr).not.toContain('ERR_TRT_NODE_USAGE');
      const mixed = await runCli([command, DEFAULT_MODEL, '--shapes', 'input:1x1x8x8', '--engine', plan, '--device', '0', '--workspace', '512M']);
      expect(mixed.code).toBe(2);
      expect(mixed.stderr).toContain(`[ERR_TRT_NODE_USAGE]: --workspace sets how a TensorRT engine is built, but --engine ${plan} is an engine already built: drop --workspace, or drop --engine to have ${command} build one`);
    }
  });

  test.each(SPELLINGS.map(([name, flag]) => [flag, name]))('%s is read by build, check and bench alike (with a profile, only TensorRT is missing here)', async (flag) => {
    const files: Record<string, string> = { 'timing.cache': path.join(dir, 'timing.cache'), 'cache.dir': path.join(dir, 'engines') };
    const args = [...given(flag), ...(NEEDS[flag.split(' ')[0]] ?? [])].map((a) => files[a] ?? a);
    const verdicts = new Set<string>();
    for (const command of [
      ['build', DEFAULT_MODEL, '--no-progress', '-o', path.join(dir, 'm.plan')],
      ['check', DEFAULT_MODEL, '--no-probe'],
      ['bench', DEFAULT_MODEL, '--backends', 'trt', '--iterations', '1', '--warmup', '0', '--no-files'],
    ]) {
      const r = await runCli([...command, '--shapes', 'input:1x1x8x8..1x1x16x16..1x1x32x32', ...args]);
      // Accepted: the run goes on to TensorRT (absent here, or the stand-in: then it runs or says why it cannot).
      expect(r.stderr).not.toMatch(/ERR_TRT_NODE_(INVALID_VALUE|INVALID_TYPE|USAGE)|unknown option/);
      verdicts.add(r.code === 0 ? 'ran' : /ERR_TRT_NODE_TENSORRT_UNAVAILABLE/.test(r.stderr) ? 'no TensorRT' : r.stderr);
    }
    expect(verdicts.size).toBeLessThanOrEqual(2); // ran, or no TensorRT (a stand-in may refuse a setting on 11 as TensorRT does)
  });
});

describe('validation names the flag, or the library option', () => {
  test.each([
    [['--opt-level', '7'], 'Expected an integer 0..5 for --opt-level but received "7"'],
    [['--builderOptimizationLevel', 'x'], 'Expected an integer 0..5 for --builderOptimizationLevel but received "x"'],
    [['--workspace', 'lots'], 'Expected a size in MiB (e.g. 4096) or with a unit (512M, 2G) for --workspace but received "lots"'],
    [['--memPoolSize', 'dlaSRAM:1'], "--memPoolSize: pool 'dlaSRAM' (in 'dlaSRAM:1') is not supported"],
    [['--workspace', '512M', '--memPoolSize', 'workspace:1G'], 'Expected the same value as --workspace for --memPoolSize but received "workspace:1G". --workspace and --memPoolSize set the same option: give it once'],
    [['--strongly-typed', '--fp16'], 'Expected no precision flag with --strongly-typed for --fp16 but received true'],
    [['--stronglyTyped', '--int8'], 'Expected no precision flag with --stronglyTyped for --int8 but received true'],
    [['--profiling-verbosity', 'loud'], 'Expected one of layer_names_only, detailed, none for --profiling-verbosity but received "loud"'],
    [['--profilingVerbosity=DETAILED'], 'Expected one of layer_names_only, detailed, none for --profilingVerbosity but received "DETAILED"'],
    [['--device', '1.5'], 'Expected a CUDA device number (a whole number ≥ 0) for --device but received "1.5"'],
  ])('%j: build, check and bench exit 2 with the same message', async (flags, message) => {
    for (const command of [['build', DEFAULT_MODEL], ['check', DEFAULT_MODEL, '--no-probe'], ['bench', DEFAULT_MODEL, '--no-files']]) {
      const r = await runCli([...command, '--shapes', 'input:1x1x8x8..1x1x16x16..1x1x32x32', ...flags]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(message);
    }
  });

  test('the same value twice in two spellings is one option given once', async () => {
    const r = await runCli(['check', DEFAULT_MODEL, '--no-probe', '--shapes', 'input:1x1x8x8', '--no-tf32', '--noTF32']);
    expect(r.stderr).toMatch(/--no-tf32, --noTF32 set how a TensorRT engine is built, but check builds an engine only from a profile/);
  });

  test.each(Object.keys(BUILD_OPTIONS))('library: a wrong %s is named options.<name>', (name) => {
    expect(caught(() => validateBuildOptions({ [name]: {} })).message).toContain(`for options.${name} but received an object`);
  });

  test('the CLI passes its own labels: settings are named by the flag that gave them', () => {
    const e = caught(() => validateBuildSettings({ optimizationLevel: 9 }, (name) => `--${name}-flag`));
    expect(e.message).toBe('Expected an integer 0..5 for --optimizationLevel-flag but received 9');
  });
});

describe('what crosses into C++', () => {
  test("only the IBuilderConfig settings given (a default is TensorRT's own: nothing is set)", () => {
    expect(nativeConfig(validateBuildOptions({}))).toEqual({});
    expect(nativeConfig(validateBuildOptions({ profilingVerbosity: 'layer_names_only' }))).toEqual({});
    expect(
      nativeConfig(
        validateBuildOptions({ tf32: false, fp16: true, workspaceBytes: 2 ** 30, optimizationLevel: 4, timingCache: 'x.cache', stronglyTyped: false, versionCompatible: true, profilingVerbosity: 'detailed' }),
      ),
    ).toEqual({
      fp16: true,
      tf32: false,
      workspaceBytes: 2 ** 30,
      optimizationLevel: 4,
      versionCompatible: true,
      profilingVerbosity: 'detailed',
    });
  });
});
