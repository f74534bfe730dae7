/**
 * A model whose weights are in another folder than the model (issue 20 item 3): `--external-data-dir` (library:
 * `externalDataDir`) says where, for inspect, check and onnxruntime alike; and `inspect` shows the graph of a model
 * whose external data is missing, saying which files are missing and how to point at them, where it used to refuse.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { check } from '../../lib/check/run-check';
import { readModel } from '../../lib/onnx/reader';
import { OrtRunner } from '../../lib/runners/onnxruntime/ort-runner';
import { readNpz } from '../../lib/tensor/npz';
import { runCli } from '../helpers/cli';
import { caughtAsync } from '../helpers/errors';
import { FIXTURES } from '../check/fixtures';

// torch.onnx.export(..., dynamo=True) writes model.onnx and its weights in model.onnx.data.
const SOURCE = path.join(FIXTURES, 'dynamo_static');
let dir: string;
let model: string;
let weights: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trt-node-external-dir-'));
  fs.mkdirSync(path.join(dir, 'graph'));
  weights = path.join(dir, 'weights');
  fs.mkdirSync(weights);
  model = path.join(dir, 'graph', 'model.onnx');
  fs.copyFileSync(path.join(SOURCE, 'model.onnx'), model);
  fs.copyFileSync(path.join(SOURCE, 'model.onnx.data'), path.join(weights, 'model.onnx.data'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('inspect a model whose external data is not next to it', () => {
  it('shows the graph, and says which file is missing and how to point at it (exit 0)', async () => {
    const r = await runCli(['inspect', model]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Inputs/m);
    expect(r.stdout).toMatch(/^Operators \(\d+ nodes\)/m);
    expect(r.stdout).toMatch(/External data\s+model\.onnx\.data: \d+ tensors, .* MISSING/);
    expect(r.stderr).toContain('model.onnx.data');
    expect(r.stderr).toContain('--external-data-dir');
  });

  it('--json marks the references missing', async () => {
    const r = await runCli(['inspect', model, '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { externalData: { location: string; missing?: boolean }[]; nodeCount: number };
    expect(doc.nodeCount).toBeGreaterThan(0);
    expect(doc.externalData.length).toBeGreaterThan(0);
    expect(doc.externalData.every((x) => x.missing === true && x.location === 'model.onnx.data')).toBe(true);
  });

  it('--external-data-dir finds them: nothing missing', async () => {
    const r = await runCli(['inspect', model, '--external-data-dir', weights, '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { externalData: { path: string; missing?: boolean }[] };
    expect(doc.externalData.every((x) => x.missing === undefined && x.path === path.join(weights, 'model.onnx.data'))).toBe(true);
  });
});

describe('check and onnxruntime with the external data in another folder', () => {
  const samples = [{ inputs: path.join(SOURCE, 'inputs_1x3x32x32.npz'), reference: path.join(SOURCE, 'reference_1x3x32x32.npz') }];

  it('without it, check says where it looked and names --external-data-dir', async () => {
    const e = await caughtAsync(() => check(model, { samples, probe: false }));
    expect(e.code).toBe('ERR_TRT_NODE_FILE');
    expect(e.message).toContain('model.onnx.data');
    expect(e.message).toMatch(/--external-data-dir|externalDataDir/);
  });

  it('check --external-data-dir runs onnxruntime and passes against the reference', async () => {
    const r = await runCli(['check', model, '--external-data-dir', weights, '--inputs', samples[0]!.inputs, '--reference', samples[0]!.reference]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Result: PASS/m);
  });

  it('check(model, { externalDataDir }) and OrtRunner.create(model, { externalDataDir }) alike', async () => {
    const report = await check(model, { samples, probe: false, externalDataDir: weights });
    expect(report.pass).toBe(true);
    expect(report.runs[0]!.outputs[0]!.compared).toBe(true);
    const summary = await readModel(model, { baseDir: weights });
    const runner = await OrtRunner.create(model, { externalDataDir: weights });
    try {
      const inputs = await readNpz(samples[0]!.inputs);
      const out = await runner.run(inputs);
      expect(Object.keys(out)).toEqual(summary.outputs.map((o) => o.name));
    } finally {
      await runner.dispose();
    }
  });
});

describe('bench with the external data in another folder', () => {
  const quick = ['--backends', 'onnxruntime', '--shapes', 'x:1x3x32x32', '--warmup', '0', '--iterations', '2'];

  it('without --external-data-dir: the missing file named, exit 2, nothing timed', async () => {
    const r = await runCli(['bench', model, ...quick]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('model.onnx.data');
    expect(r.stderr).toContain('--external-data-dir');
  });

  it('bench --external-data-dir times onnxruntime on the model and its weights', async () => {
    const r = await runCli(['bench', model, '--external-data-dir', weights, ...quick, '--json', '-']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { runs: { kind: string; error?: unknown; iterations?: number }[] };
    const ort = report.runs.find((x) => x.kind === 'onnxruntime');
    expect(ort).toBeDefined();
    expect(ort!.error).toBeUndefined();
  });
});
