/**
 * Bad input through check(), crossCheck() and the CLI (the fuzzing run's reproducers at the pipeline's level; the
 * readers' own are in test/tensor, test/onnx and test/fuzz): names that are Object.prototype members, escape
 * sequences in names, memory budgets, out-of-range CLI values, arguments of the wrong type, unsafe output names.
 * Every one is a clean TrtNodeError or exit 2, and no file but the intended output is written.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { check } from '../../lib/check';
import { formatCheckReport } from '../../lib/check/format';
import { crossCheck } from '../../lib/crosscheck';
import { DEFAULT_MODEL } from '../../lib/cli/defaults';
import { readNpz } from '../../lib/tensor/npz';
import { encodeModel, node, valueInfo } from '../onnx/build-model';
import { runCli } from '../helpers/cli';
import { caughtAsync } from '../helpers/errors';

let dir: string;
beforeAll(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trt-node-bad-input-'))));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function model(file: string, input: string, output: string, dims: (number | string)[] = [1, 3, 4, 4]): string {
  const p = path.join(dir, file);
  fs.writeFileSync(p, encodeModel({ nodes: [node('Relu', [input], [output])], inputs: [valueInfo(input, dims)], outputs: [valueInfo(output, dims)] }));
  return p;
}

test('inputs and outputs named toString, __proto__, valueOf run like any (check, --save-outputs, the cross-check)', async () => {
  for (const [input, output] of [
    ['toString', 'valueOf'],
    ['__proto__', 'toString'],
    ['constructor', 'hasOwnProperty'],
  ]) {
    const m = model(`${input}-${output}.onnx`, input, output);
    const saved = path.join(dir, `${input}.npz`);
    const r = await runCli(['check', m, '--save-outputs', saved, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.runs[0].outputs.map((o: { name: string }) => o.name)).toEqual([output]);
    expect(Object.keys(await readNpz(saved))).toEqual([output]);
    const cc = await crossCheck(m, { probes: [{ [input]: [1, 3, 4, 4] }], runners: [{ kind: 'onnxruntime' }, { kind: 'onnxruntime', graphOptimization: 'disabled' }] });
    expect(cc.verdict).toBe('pass');
    expect(cc.probes[0].comparisons[0].outputs[0].output).toBe(output);
  }
});

test("an output named '__proto__': onnxruntime-node cannot return it, and the run says so (not a raw TypeError)", async () => {
  const m = model('proto-out.onnx', 'x', '__proto__');
  const r = await runCli(['check', m, '--json']);
  expect(r.code).toBe(1);
  const doc = JSON.parse(r.stdout);
  expect(doc.runs[0].ok).toBe(false);
  expect(doc.runs[0].error.message).toMatch(/cannot return an output named '__proto__'.*Rename the output/);
});

test('escape sequences in model names never reach the terminal raw', async () => {
  const evil = 'x\u001b[2J\u001b]0;evil-title\u0007';
  const m = model('ansi.onnx', evil, `${evil}out`, ['n', 3, 4, 4]);
  for (const args of [['check', m], ['check', m, '--sweep'], ['inspect', m]]) {
    const r = await runCli(args);
    expect(r.stdout + r.stderr).not.toContain('\u001b');
    expect(r.stdout).toContain('x\\x1b[2J\\x1b]0;evil-title\\x07');
  }
});

test('a shape no machine here could hold is exit 2 before anything is generated; the budget can be raised', async () => {
  const r = await runCli(['check', DEFAULT_MODEL, '--shapes', 'input:1x1x100000x100000']);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('ERR_TRT_NODE_MEMORY_BUDGET');
  expect(r.stderr).toMatch(/--shapes input:1x1x100000x100000.*more than the memory budget of 1.0 GiB/);
  // Within a larger budget the same kind of mistake is still caught by the next one.
  const b = await runCli(['check', DEFAULT_MODEL, '--shapes', 'input:1x1x20000x20000', '--max-tensor-bytes', '64MiB']);
  expect(b.code).toBe(2);
  expect(b.stderr).toMatch(/memory budget of 64.0 MiB/);
  const bench = await runCli(['bench', DEFAULT_MODEL, '--backends', 'ort', '--shapes', 'input:1x1x100000x100000', '--no-files']);
  expect(bench.code).toBe(2);
  expect(bench.stderr).toContain('ERR_TRT_NODE_MEMORY_BUDGET');
  // Sweep probes over the budget are skipped and listed, not run.
  const cc = await crossCheck(DEFAULT_MODEL, { profiles: { input: { min: [1, 1, 8, 8], opt: [1, 1, 16, 16], max: [1, 1, 2048, 2048] } }, maxTensorBytes: 8 * 2 ** 20 });
  expect(cc.skippedProbes.map((p) => p.label)).toContain('max');
  expect(cc.skippedProbes.find((p) => p.label === 'max')!.reason).toMatch(/memory budget/);
});

test("check's own dynamic-axes probes over the budget are not run (and say so); a bound over it is a usage error up front", async () => {
  // 1x1x32x32 fits 19.5 KiB; the larger aligned (2x1x64x64) and odd (3x1x49x49) sizes check makes up do not. (The
  // output's dims are names of its own, out_height/out_width: only the inputs count.)
  const r = await check(DEFAULT_MODEL, { shapes: [{ input: [1, 1, 32, 32] }], maxTensorBytes: 20000 });
  expect(r.runs.map((x) => x.ok)).toEqual([true]);
  expect(r.probe!.attempts.map((a) => [a.label, a.ok, a.skipped])).toEqual([
    ['aligned', false, true],
    ['odd', false, true],
  ]);
  expect(r.probe!.attempts[0].error).toMatch(/not run: its tensors need 32.0 KiB, over the memory budget of 19.5 KiB/);
  expect(formatCheckReport(r, { color: false })).toMatch(/aligned input 2x1x64x64 NOT RUN \(its tensors need 32.0 KiB, over the memory budget/);
  expect(r.findings.filter((f) => f.code === 'SHAPE_NOT_DYNAMIC')).toEqual([]); // no evidence, no finding
  const onProgress = jest.fn();
  const e = await caughtAsync(() =>
    check(DEFAULT_MODEL, { shapes: [{ input: [1, 1, 32, 32] }], bounds: [{ label: '--maxShapes', shapes: { input: [1, 1, 4000, 4000] } }], maxTensorBytes: 20000, onProgress }),
  );
  expect(e.code).toBe('ERR_TRT_NODE_MEMORY_BUDGET');
  expect(e.message).toMatch(/^--maxShapes input:1x1x4000x4000 .* more than the memory budget of 19.5 KiB/);
  expect(onProgress).not.toHaveBeenCalled(); // refused before anything ran
});

test.each([
  [['--seed', '1e30'], /--seed/],
  [['--seed', '9007199254740993'], /--seed/],
  [['--seed', '-1'], /--seed/],
  [['--probes', ';;;'], /--probes/],
  [['--probes', ''], /--probes/],
  [['--max-tensor-bytes', 'lots'], /--max-tensor-bytes/],
  [['--atol', 'NaN'], /--atol/],
  [['--unordered', 'outptu'], /unordered/],
])('check %j is a usage error (exit 2) naming the option', async (args, option) => {
  const r = await runCli(['check', ...args]);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(option);
});

test('the library throws only TrtNodeErrors for bad arguments', async () => {
  const p = DEFAULT_MODEL;
  const calls: [string, () => Promise<unknown>][] = [
    ['check(null)', () => check(null as never)],
    ['check({})', () => check({} as never)],
    ['check(p, null)', () => check(p, null as never)],
    ["check(p, {shapes: [{input: '1x1'}]})", () => check(p, { shapes: [{ input: '1x1' as never }] })],
    ["check(p, {shapes: 'input:1x1'})", () => check(p, { shapes: 'input:1x1' as never })],
    ['check(p, {samples: [null]})', () => check(p, { samples: [null as never] })],
    ['check(p, {samples: [{inputs: 42}]})', () => check(p, { samples: [{ inputs: 42 as never }] })],
    ['check(p, {saveOutputs: 42})', () => check(p, { saveOutputs: 42 as never })],
    ['check(p, {seed: 1e30})', () => check(p, { seed: 1e30 })],
    ['check(p, {tolerance: {atol: NaN}})', () => check(p, { tolerance: { atol: NaN } })],
    ["check(p, {tolerance: {atol: '1'}})", () => check(p, { tolerance: { atol: '1' as never } })],
    ['check(p, {signal: 1})', () => check(p, { signal: 1 as never })],
    ['crossCheck(null)', () => crossCheck(null as never)],
    ['crossCheck(p, {samples: [{inputs: null}]})', () => crossCheck(p, { samples: [{ inputs: null as never }] })],
    ['crossCheck(p, {probes: 7})', () => crossCheck(p, { probes: 7 as never })],
    ['crossCheck(p, {runners: {}})', () => crossCheck(p, { runners: {} as never })],
    ["crossCheck(p, {runners: [{kind: 'onnxruntime', graphOptimization: 'fast'}]})", () => crossCheck(p, { runners: [{ kind: 'onnxruntime', graphOptimization: 'fast' as never }] })],
    ["check(p, {runners: [{kind: 'onnxruntime', executionProvider: 'tpu'}]})", () => check(p, { runners: [{ kind: 'onnxruntime', executionProvider: 'tpu' as never }] })],
    ['check(p, {maxElements: 0})', () => check(p, { maxElements: 0 })],
    ["check(p, {onProgress: 'log'})", () => check(p, { onProgress: 'log' as never })],
    ['check(p, {onStart: {}})', () => check(p, { onStart: {} as never })],
    ['crossCheck(p, {maxElements: 1.5})', () => crossCheck(p, { maxElements: 1.5 })],
    ['crossCheck(p, {onProgress: 1})', () => crossCheck(p, { onProgress: 1 as never })],
  ];
  for (const [what, call] of calls) {
    const e = await caughtAsync(call).catch((err: unknown) => {
      throw new Error(`${what}: ${String(err)}`);
    });
    expect([what, e.code.startsWith('ERR_TRT_NODE_')]).toEqual([what, true]);
    expect([what, e.name]).not.toEqual([what, 'Error']);
  }
});

test("an output whose name cannot be an .npz entry ('../x') is refused before the run, and nothing is written", async () => {
  const m = model('traversal.onnx', 'x', '../../evil');
  const out = path.join(dir, 'sub', 'o.npz');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const e = await caughtAsync(() => check(m, { saveOutputs: out }));
  expect(e.message).toMatch(/'\.\.'/);
  expect(fs.readdirSync(path.dirname(out))).toEqual([]);
  expect(fs.existsSync(path.join(dir, 'evil.npy'))).toBe(false);
});

test('a bad probes option found after the runners exist still releases them (no session left open)', async () => {
  const { OrtRunner } = await import('../../lib/runners/onnxruntime/ort-runner');
  const dispose = jest.spyOn(OrtRunner.prototype, 'dispose');
  try {
    const e = await caughtAsync(() => crossCheck(DEFAULT_MODEL, { probes: [{ nope: [1, 3, 4, 4] }] }));
    expect(e.code).toBe('ERR_TRT_NODE_INVALID_VALUE');
    expect(e.message).toMatch(/nope/);
    expect(dispose).toHaveBeenCalledTimes(1);
  } finally {
    dispose.mockRestore();
  }
});
