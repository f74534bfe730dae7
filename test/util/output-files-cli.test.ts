/**
 * Commands check where they will write before they run (lib/io/atomic-write.ts checkOutputFile): an output that
 * cannot be written, or that is one of the command's own input files, exits 2 at once instead of losing the run's
 * results at the end, or silently replacing the input.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DEFAULT_MODEL, DEFAULT_SAMPLES } from '../../lib/cli/defaults';
import { runCli } from '../helpers/cli';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trt-node-outputs-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('check', () => {
  it('--save-outputs onto --inputs or --reference is refused and the file kept', async () => {
    const sample = DEFAULT_SAMPLES[0];
    const inputs = path.join(dir, 'inputs.npz');
    const reference = path.join(dir, 'reference.npz');
    fs.copyFileSync(sample.inputs, inputs);
    fs.copyFileSync(sample.reference, reference);
    const before = fs.readFileSync(reference);
    for (const [target, option] of [[reference, '--reference'], [inputs, '--inputs'], [DEFAULT_MODEL, 'the model']] as const) {
      const r = await runCli(['check', DEFAULT_MODEL, '--inputs', inputs, '--reference', reference, '--no-probe', '--save-outputs', target]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`[ERR_TRT_NODE_USAGE]: --save-outputs ${target} is the same file as ${option}`);
      expect(r.stdout).toBe('');
    }
    expect(fs.readFileSync(reference).equals(before)).toBe(true);
  });

  it('--save-outputs to a folder exits 2 naming the option', async () => {
    const r = await runCli(['check', DEFAULT_MODEL, '--shapes', 'input:1x1x8x8', '--no-probe', '--save-outputs', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\(--save-outputs\): it is a folder/);
  });

  it('--report in a missing folder exits 2 before the cross-check runs (its results were lost after the run)', async () => {
    const report = path.join(dir, 'missing', 'r.html');
    const r = await runCli(['check', DEFAULT_MODEL, '--shapes', 'input:1x1x8x8', '--no-probe', '--probes', '1x1x8x8', '--report', report]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/r\.html: cannot be written \(--report\): the folder .*missing does not exist/);
    expect(r.stdout).toBe('');
  });
});

describe('build', () => {
  it('-o onto the model, or into a missing folder, exits 2 and writes nothing', async () => {
    const model = path.join(dir, 'model.onnx');
    fs.copyFileSync(DEFAULT_MODEL, model);
    const before = fs.readFileSync(model);
    const same = await runCli(['build', model, '--shapes', 'input:1x1x64x64', '-o', model]);
    expect(same.code).toBe(2);
    expect(same.stderr).toContain(`--output ${model} is the same file as the model`);
    expect(fs.readFileSync(model).equals(before)).toBe(true);
    const missing = await runCli(['build', model, '--shapes', 'input:1x1x64x64', '-o', path.join(dir, 'no', 'm.plan')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/m\.plan: cannot be written \(--output\): the folder .*no does not exist/);
    expect(fs.readdirSync(dir)).toEqual(['model.onnx']);
  });
});
