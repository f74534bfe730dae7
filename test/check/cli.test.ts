/** `trt-node check`: exit codes, JSON shape, stdout hygiene — in-process through main(), and once as a process. */
import { execFile } from 'child_process';
import * as path from 'path';
import { runCli } from '../helpers/cli';
import { fixtureFile, modelPath } from './fixtures';

const ROOT = path.resolve(__dirname, '..', '..');

const cli = (...args: string[]) => runCli(['check', ...args]);

test('no model: the bundled example against its three PyTorch references, exit 0', async () => {
  const r = await cli('--json');
  expect(r.code).toBe(0);
  const doc = JSON.parse(r.stdout);
  expect(Object.keys(doc)).toEqual(expect.arrayContaining(['model', 'findings', 'runs', 'pass', 'summary']));
  expect(doc.model).toMatch(/super_resolution[\\/]model\.onnx$/);
  expect(doc.pass).toBe(true);
  expect(doc.runs).toHaveLength(3);
  for (const run of doc.runs) {
    expect(Object.keys(run)).toEqual(expect.arrayContaining(['shapes', 'outputs', 'pass']));
    expect(run.reference).toMatch(/reference_\d+x\d+x\d+x\d+\.npz$/);
    expect(run.outputs[0]).toMatchObject({ name: 'output', pass: true });
    expect(typeof run.outputs[0].maxAbsError).toBe('number');
    expect(typeof run.outputs[0].maxRelError).toBe('number');
    expect(run.outputs[0].failingFraction).toBe(0);
  }
});

test('static export with another h/w: exit 1 with FIXED_DIM', async () => {
  const r = await cli(modelPath('super_resolution_static'), '--shapes', 'input:1x1x128x128', '--json');
  expect(r.code).toBe(1);
  const doc = JSON.parse(r.stdout);
  expect(doc.pass).toBe(false);
  expect(doc.findings.map((f: { code: string; severity: string }) => [f.code, f.severity])).toEqual([['FIXED_DIM', 'error']]);
  expect(doc.findings[0].fix).toContain("dynamic_axes={'input'");
});

/** The opset-10 bilinear upsample model with its saved inputs and PyTorch reference. */
const opset10Sample = [
  modelPath('bilinear_upsample_opset10'),
  '--inputs',
  fixtureFile('bilinear_upsample_opset10/inputs_1x3x32x32.npz'),
  '--reference',
  fixtureFile('bilinear_upsample_opset10/reference_1x3x32x32.npz'),
];

test('opset-10 upsample against its PyTorch reference: exit 1, the comparison fails', async () => {
  const r = await cli(...opset10Sample);
  expect(r.code).toBe(1);
  expect(r.stdout).toContain('RESIZE_SEMANTICS');
  expect(r.stdout).toMatch(/FAIL\s+output/);
});

test('tolerances large enough make the opset-10 comparison pass (the finding still fails the check)', async () => {
  const r = await cli(...opset10Sample, '--atol', 'output:1', '--json');
  const doc = JSON.parse(r.stdout);
  expect(doc.runs[0].outputs[0].pass).toBe(true);
  expect(r.code).toBe(1);
});

test.each([
  [['--shapes', 'input:1xAx3'], /--shapes/],
  [['--shapes', 'nosuch:1x1x8x8'], /nosuch/],
  [['--atol', 'abc'], /--atol/],
  [[path.join(ROOT, 'no-such-model.onnx')], /no-such-model\.onnx/],
  [['--inputs', path.join(ROOT, 'no-such-inputs.npz')], /no-such-inputs\.npz/],
])('usage error %j: exit 2, message on stderr, nothing on stdout', async (args, message) => {
  const r = await cli(...(args as string[]), '--json');
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(message);
  expect(r.stdout).toBe('');
});

test('bin/trt-node.js check --json: one JSON document on stdout, nothing from onnxruntime on stderr, exit 0', async () => {
  const result = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, [path.join(ROOT, 'bin', 'trt-node.js'), 'check', '--json'], { cwd: ROOT }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as NodeJS.ErrnoException & { code?: number }).code) : 0, stdout, stderr });
    });
  });
  expect(result.code).toBe(0);
  const doc = JSON.parse(result.stdout);
  expect(doc.pass).toBe(true);
  expect(result.stderr).toBe('');
});
