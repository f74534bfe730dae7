/**
 * `trt-node check` with the cross-check options (--sweep, --probes, --report, --engine, --shapes min..opt..max),
 * in-process through main(): exit codes, one JSON document, the report file.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runCli } from '../helpers/cli';
import { gpuSkipReason } from '../native/gpu-gate';
import { fixture, modelOf } from './manifest';

const superRes = modelOf(fixture('super_resolution'));
const traced = modelOf(fixture('traced_reshape'));
let dir: string;

beforeAll(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trt-node-cc-cli-'))));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test('--sweep --report: check passes, the cross-check table follows it, the HTML report is written', async () => {
  const report = path.join(dir, 'super.html');
  const r = await runCli(['check', superRes, '--sweep', '--report', report]);
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/^trt-node check: /);
  expect(r.stdout).toMatch(/onnxruntime-noopt +onnxruntime +verdict +max abs error/);
  expect(r.stdout).toMatch(/'output' axis 2 \(out_height\) = 3 × height/);
  expect(r.stdout).toMatch(/Cross-check: PASS/);
  expect(r.stdout).toContain(`Cross-check report written to ${report}`);
  const html = fs.readFileSync(report, 'utf8');
  expect(html).toContain('data-chart="histogram"');
  expect(html).toContain('data:image/png;base64,');
});

test('--json: one document, check report with the cross-check in it; traced_reshape fails (exit 1)', async () => {
  const r = await runCli(['check', traced, '--sweep', '--json']);
  expect(r.code).toBe(1);
  const doc = JSON.parse(r.stdout);
  expect(doc.crossCheck.pass).toBe(false);
  expect(doc.pass).toBe(false);
  expect(doc.crossCheck.firstFailure).toMatchObject({ kind: 'run' });
  expect(doc.crossCheck.findings.map((f: { code: string }) => f.code)).toContain('SHAPE_NOT_DYNAMIC');
});

test('--probes: one shape set per option (trtexec syntax), bare shapes for the one dynamic input', async () => {
  const a = JSON.parse((await runCli(['check', traced, '--probes', '1x3x24x24', '--probes', '1x3x31x24', '--json', '--no-probe'])).stdout);
  expect(a.crossCheck.probes.map((p: { shapes: { input: number[] }; pass: boolean }) => [p.shapes.input.join('x'), p.pass])).toEqual([
    ['1x3x24x24', true],
    ['1x3x31x24', false],
  ]);
  const b = JSON.parse((await runCli(['check', superRes, '--probes', 'input:1x1x17x19', '--probes', 'input:2x1x23x29', '--json'])).stdout);
  expect(b.crossCheck.probes.map((p: { label: string }) => p.label)).toEqual(['input:1x1x17x19', 'input:2x1x23x29']);
  expect(b.crossCheck.pass).toBe(true);
});

test('usage errors exit 2, naming the option', async () => {
  const rank = await runCli(['check', superRes, '--probes', '1x1x64']);
  expect(rank.code).toBe(2);
  expect(rank.stderr).toMatch(/--probes\[0\]: input 'input' has rank 4/);
  // One set per option: ';' (and an empty list) is a usage error pointing at the repeat.
  const semi = await runCli(['check', superRes, '--probes', ';;;']);
  expect(semi.code).toBe(2);
  expect(semi.stderr).toMatch(/--probes.*Repeat --probes for several sets/);
  const ext = await runCli(['check', superRes, '--sweep', '--report', path.join(dir, 'r.pdf')]);
  expect(ext.code).toBe(2);
  expect(ext.stderr).toMatch(/--report/);
});

test('--report out.json writes the JSON result', async () => {
  const file = path.join(dir, 'cc.json');
  const r = await runCli(['check', superRes, '--probes', '1x1x33x35', '--report', file]);
  expect(r.code).toBe(0);
  const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  expect(doc.probes[0].shapes.input).toEqual([1, 1, 33, 35]);
});

const noTensorRT = gpuSkipReason();
(noTensorRT ? describe : describe.skip)('without TensorRT', () => {
  test.each([
    ['--engine', ['--engine', path.join(__dirname, 'cli.test.ts')]], // a file that exists: TensorRT is missing first
    ['--shapes min..opt..max', ['--shapes', 'input:1x1x32x32..1x1x64x64..1x1x128x128']],
  ])('%s: the rest of the check runs, TensorRT is reported not available, and the check fails (exit 1)', async (_name, args) => {
    const r = await runCli(['check', superRes, ...args, '--no-probe']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/NOT AVAILABLE: TensorRT is not available/);
    expect(r.stdout).toMatch(/Result: FAIL — TensorRT import: ok \(judged without TensorRT\);/);
  });
});
