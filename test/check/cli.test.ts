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
])('usage error %j: exit 2, message on stderr, with --json only the error document on stdout', async (args, message) => {
  const r = await cli(...(args as string[]), '--json');
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(message);
  expect(JSON.parse(r.stdout).error.message).toMatch(message);
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

test('a probe row printed as passing that the output-dims check fails at the end is named under the table', async () => {
  const fs = await import('fs');
  const os = await import('os');
  const { encodeModel, node, valueInfo } = await import('../onnx/build-model');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trt-node-dims-'));
  try {
    // y is declared [n, 4] but a ReduceSum over axis 0 makes it [1, 4] whatever n is: both runners agree on values.
    const m = path.join(dir, 'reduce.onnx');
    fs.writeFileSync(m, encodeModel({ nodes: [node('ReduceSum', ['x', 'axes'], ['y'])], inputs: [valueInfo('x', ['n', 4])], outputs: [valueInfo('y', ['n', 4])], initializers: [{ name: 'axes', dims: [1], data_type: 7, int64_data: [0] }] }));
    const r = await cli(m, '--probes', 'x:1x4', '--probes', 'x:3x4');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/Changed by the output-dims check[^\n]*\n {2}probe 1 \(x:3x4\): PASS → FAIL — onnxruntime(-noopt)? y\[0\]: expected to change with 'n' \(1 → 3\), got 1/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
