/**
 * The CLI's shared habits: trtexec's spellings in build, check and bench; one shape syntax; `--json [file]` the same
 * in every command; an unknown option answered with the nearest one and one line of usage; exit codes.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { normalizeJsonArgs } from '../../lib/cli/options';
import { shapeSetsOf, shapeTexts } from '../../lib/cli/options/shapes';
import { readModel } from '../../lib/onnx/reader';
import type { ModelSummary } from '../../lib/onnx/types';
import { parseMemPoolSize } from '../../lib/trt/build-options';
import { DEFAULT_MODEL } from '../../lib/cli/defaults';
import { tensorrtAvailable } from '../../lib/trt';
import { caught } from '../helpers/errors';
import { runCli } from '../helpers/cli';

let dir: string;
beforeAll(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trt-node-cli-opts-'))));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('unknown options', () => {
  test.each([
    ['check', '--sweeep', '--sweep'],
    ['bench', '--iteration', '--iterations'],
    ['build', '--outptu', '--output'],
  ])('%s %s: exit 2, the nearest option, one line of usage, no screen of help', async (cmd, bad, near) => {
    const r = await runCli([cmd, bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`unknown option '${bad}'`);
    expect(r.stderr).toContain(`Did you mean ${near}?`);
    expect(r.stderr).toMatch(new RegExp(`^usage: trt-node ${cmd} \\[options\\]`, 'm'));
    expect(r.stderr.trim().split('\n').length).toBeLessThanOrEqual(4);
    expect(r.stderr).not.toContain('Options:');
    expect(r.stdout).toBe('');
  });
});

describe("trtexec's spellings", () => {
  const trtMissing = !tensorrtAvailable();
  test('--onnx is the model argument (check, inspect); both different is a usage error', async () => {
    const a = await runCli(['inspect', `--onnx=${DEFAULT_MODEL}`, '--json']);
    expect(a.code).toBe(0);
    expect(JSON.parse(a.stdout).inputs[0].name).toBe('input');
    const b = await runCli(['check', '--onnx', DEFAULT_MODEL, '--shapes', 'input:1x1x32x32', '--no-probe', '--json']);
    expect(b.code).toBe(0);
    expect(JSON.parse(b.stdout).runs[0].shapes.input).toEqual([1, 1, 32, 32]);
    const c = await runCli(['check', DEFAULT_MODEL, '--onnx', path.join(dir, 'other.onnx')]);
    expect(c.code).toBe(2);
    expect(c.stderr).toMatch(/--onnx/);
  });

  test('build: --saveEngine, --memPoolSize, --timingCacheFile, --noTF32, --minShapes/--optShapes/--maxShapes are understood', async () => {
    const r = await runCli([
      'build', `--onnx=${DEFAULT_MODEL}`, `--saveEngine=${path.join(dir, 'm.plan')}`, '--memPoolSize=workspace:1024', `--timingCacheFile=${path.join(dir, 't.cache')}`,
      '--noTF32', '--minShapes=input:1x1x32x32', '--optShapes=input:1x1x64x64', '--maxShapes=input:1x1x128x128', '--fp16',
    ]);
    // Parsed and validated: without TensorRT the build itself is what stops it (exit 2, TensorRTUnavailableError).
    if (trtMissing) {
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('ERR_TRT_NODE_TENSORRT_UNAVAILABLE');
    }
    expect(r.stderr).not.toMatch(/unknown option/);
  });

  test('check and bench: --loadEngine is --engine; the build flags are accepted', async () => {
    const plan = path.join(dir, 'missing.plan');
    const c = await runCli(['check', DEFAULT_MODEL, `--loadEngine=${plan}`]);
    expect(c.code).toBe(2);
    expect(c.stderr).not.toMatch(/unknown option/);
    expect(c.stderr).toMatch(/missing\.plan: not found/);
    const b = await runCli(['bench', DEFAULT_MODEL, '--loadEngine', plan, '--backends', 'ort', '--shapes', 'input:1x1x8x8', '--iterations', '1', '--warmup', '0', '--no-files']);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/missing\.plan: not found/);
    const both = await runCli(['check', DEFAULT_MODEL, '--engine', plan, '--loadEngine', path.join(dir, 'other.plan')]);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--loadEngine/);
  });

  test('--memPoolSize: workspace in MiB by default or with a unit; other pools are refused by name', () => {
    expect(parseMemPoolSize('workspace:1024')).toBe(1024 * 2 ** 20);
    expect(parseMemPoolSize('workspace:2G')).toBe(2 * 2 ** 30);
    expect(caught(() => parseMemPoolSize('dlaSRAM:1')).message).toMatch(/pool 'dlaSRAM'.*workspace/);
    expect(caught(() => parseMemPoolSize('workspace:lots')).code).toBe('ERR_TRT_NODE_INVALID_VALUE');
  });
});

describe('one shape syntax', () => {
  test("trtexec's 'name:dims,name:dims', one set per option; a bare shape names the only input", async () => {
    const model = await readModel(DEFAULT_MODEL);
    const sets = (text: string, m: Pick<ModelSummary, 'inputs'> = model) => shapeSetsOf(shapeTexts('--shapes', text, m), 'ranges are profiles');
    const two = { inputs: [...model.inputs, { ...model.inputs[0], name: 'mask' }] };
    expect(sets('input:1x3x8x8,mask:1x8', two)).toEqual([{ input: [1, 3, 8, 8], mask: [1, 8] }]);
    expect(sets('1x3x8x8')).toEqual([{ input: [1, 3, 8, 8] }]);
    expect(caught(() => sets('1x3x8x8', two)).message).toMatch(/2 inputs to shape \(input, mask\)/);
    expect(caught(() => sets('input:1x3;input:2x3')).message).toMatch(/Repeat --shapes for several sets/);
    expect(caught(() => sets('input:1..2..3')).message).toMatch(/ranges are profiles/);
    // Repeated, each value is labelled with its place; a name may be an Object.prototype member.
    expect(shapeTexts('--probes', ['input:1x1x8x8', 'input:2x1x8x8'], model).map((t) => t.label)).toEqual(['--probes #1', '--probes #2']);
    expect(Object.keys(shapeSetsOf(shapeTexts('--shapes', '__proto__:1x2,toString:3', model), '')[0])).toEqual(['__proto__', 'toString']);
  });

  test('bench and check read the same syntax (repeat the option)', async () => {
    const r = await runCli(['check', DEFAULT_MODEL, '--shapes', 'input:1x1x16x16', '--shapes', '1x1x24x20', '--no-probe', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).runs.map((x: { shapes: { input: number[] } }) => x.shapes.input)).toEqual([
      [1, 1, 16, 16],
      [1, 1, 24, 20],
    ]);
  });
});

describe('--json [file]', () => {
  test('only a word ending in .json is its value: `--json model.onnx` keeps the model an argument', () => {
    expect(normalizeJsonArgs(['check', '--json', 'model.onnx'])).toEqual(['check', '--json=-', 'model.onnx']);
    expect(normalizeJsonArgs(['check', '--json', 'out.json', 'model.onnx'])).toEqual(['check', '--json=out.json', 'model.onnx']);
    expect(normalizeJsonArgs(['doctor', '--json'])).toEqual(['doctor', '--json=-']);
    // '-' says stdout explicitly: it is --json's, not a stray argument; after '--' nothing is an option.
    expect(normalizeJsonArgs(['inspect', '--json', '-', 'model.onnx'])).toEqual(['inspect', '--json=-', 'model.onnx']);
    expect(normalizeJsonArgs(['explain', '--', '--json', 'x.json'])).toEqual(['explain', '--', '--json', 'x.json']);
  });

  test('inspect: --json, --json -, --json file.json, --json=file.json', async () => {
    for (const flags of [['--json'], ['--json', '-'], ['--json=-']]) {
      const r = await runCli(['inspect', ...flags, DEFAULT_MODEL]);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout).inputs[0].name).toBe('input');
    }
    for (const flags of [['--json', path.join(dir, 'a.json')], [`--json=${path.join(dir, 'b.json')}`]]) {
      const r = await runCli(['inspect', DEFAULT_MODEL, ...flags]);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^Model /); // the text, as without --json
    }
    const read = (f: string) => ({ ...JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')), createdAt: 'when' }); // written apart
    expect(read('a.json')).toEqual(read('b.json'));
  });

  test('a --json file that is one of the inputs is refused (exit 2), and the input is left as it was', async () => {
    const model = path.join(dir, 'own.onnx');
    fs.copyFileSync(DEFAULT_MODEL, model);
    const before = fs.readFileSync(model);
    const r = await runCli(['inspect', model, `--json=${model}`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--json .*own\.onnx is the same file as the model/);
    expect(fs.readFileSync(model).equals(before)).toBe(true);
    const log = path.join(dir, 'export-log.txt');
    fs.writeFileSync(log, 'RuntimeError: Exporting the operator aten::upsample_bilinear2d to ONNX opset version 10 is not supported');
    const e = await runCli(['explain', '--file', log, `--json=${log}`]);
    expect(e.code).toBe(2);
    expect(e.stderr).toMatch(/is the same file as --file/);
    expect(fs.readFileSync(log, 'utf8')).toMatch(/^RuntimeError/);
    const m = await runCli(['explain', 'Got invalid dimensions for input: input', '--model', model, `--json=${model}`]);
    expect(m.code).toBe(2);
    expect(m.stderr).toMatch(/is the same file as --model/);
    expect(fs.readFileSync(model).equals(before)).toBe(true);
  });

  test.each([
    ['inspect', []],
    ['check', ['--shapes', 'input:1x1x16x16', '--no-probe']],
    ['doctor', []],
  ])('%s: --json prints one document; --json file.json writes it', async (cmd, extra) => {
    const model = cmd === 'doctor' ? [] : [DEFAULT_MODEL];
    const a = await runCli([cmd, '--json', ...model, ...(extra as string[])]);
    expect(() => JSON.parse(a.stdout)).not.toThrow();
    const file = path.join(dir, `${cmd}.json`);
    const b = await runCli([cmd, ...model, ...(extra as string[]), '--json', file]);
    expect(b.stdout).not.toMatch(/^\{/);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toBeTruthy();
  });
});

describe('which command a usage error is about', () => {
  test('the first word that is not an option, not an option value that names a command', async () => {
    // '--chart inspect' is a file named inspect; the unknown option is bench's.
    const r = await runCli(['bench', '--chart', 'inspect', '--iteration', '2']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^usage: trt-node bench \[options\]/m);
    expect(r.stderr).toContain('trt-node bench --help');
    // An option before the command: still the command's usage.
    const o = await runCli(['--no-color', 'inspect', 'x.onnx']);
    expect(o.code).toBe(2);
    expect(o.stderr).toMatch(/^usage: trt-node inspect \[options\]/m);
    // A first word that names no command: the program's usage, not that of a command named later.
    const n = await runCli(['model.onnx', 'check']);
    expect(n.code).toBe(2);
    expect(n.stderr).toMatch(/^usage: trt-node \[options\] \[command\]/m);
  });
});

describe('check: flags named as typed', () => {
  const quick = ['check', DEFAULT_MODEL, '--shapes', 'input:1x1x8x8', '--no-probe'];
  test.each([
    [['--atol', 'nosuch:1e-3'], /an output of the model \('output'\) for --atol but received "nosuch"/],
    [['--rtol', '1e-3,outptu:1e-2'], /for --rtol but received "outptu"/],
    [['--unordered', 'output,nosuch'], /an output of the model \('output'\) for --unordered but received "nosuch"/],
    [['--unordered', ','], /output names, comma-separated for --unordered/],
    [['--range', 'nosuch:0..1'], /an input of the model \('input'\) for --range but received "nosuch"/],
  ])('%j: exit 2 naming the flag', async (flags, re) => {
    const r = await runCli([...quick, ...flags]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(re);
    expect(r.stderr).not.toMatch(/options\./);
  });
});

describe('check: build flags that no build would read', () => {
  test.each([
    [['--fp16'], /--fp16 sets how a TensorRT engine is built, but check builds an engine only from --shapes ranges .*: add one, or drop --fp16/],
    [['--workspace', '1G', '--noTF32'], /--workspace, --noTF32 set how a TensorRT engine is built/],
  ])('without a build (no --shapes range): %j exits 2', async (flags) => {
    const r = await runCli(['check', DEFAULT_MODEL, '--shapes', 'input:1x1x8x8', '--no-probe', ...flags]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\[ERR_TRT_NODE_USAGE\]/);
  });

  test('with --engine (already built): exit 2 naming both flags and what to do', async () => {
    const plan = path.join(dir, 'given.plan');
    fs.writeFileSync(plan, 'not read: the flags are refused first');
    const r = await runCli(['check', DEFAULT_MODEL, '--engine', plan, `--timing-cache=${path.join(dir, 't.cache')}`, '--no-tf32']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--timing-cache, --no-tf32 set how a TensorRT engine is built, but --engine .*given\.plan is an engine already built: drop --timing-cache, --no-tf32, or drop --engine/);
    const l = await runCli(['check', DEFAULT_MODEL, '--loadEngine', plan, '--fp16']);
    expect(l.stderr).toMatch(/--fp16 sets how .* but --loadEngine .*: drop --fp16, or drop --loadEngine/);
  });

  test('--reference alone is read within --max-tensor-bytes', async () => {
    const reference = path.join(path.dirname(DEFAULT_MODEL), 'reference_1x1x64x64.npz'); // 144 KiB
    const r = await runCli(['check', DEFAULT_MODEL, '--reference', reference, '--max-tensor-bytes', '64KiB']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\[ERR_TRT_NODE_MEMORY_BUDGET\]/);
  });
});
