/**
 * The files a sample is read from, as numpy users write them (new-user report 2026-12-07, P8; issue 20 items 3, 7):
 * a single `.npy` (numpy.save) feeds a model with one input, and is the reference of a model with one output; a
 * model with no inputs is checked against `--reference` alone.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { check } from '../../lib/check/run-check';
import { readNpz, writeNpz } from '../../lib/tensor/npz';
import { writeNpy } from '../../lib/tensor/npy';
import { encodeModel, floatTensor, node, valueInfo } from '../onnx/build-model';
import { runCli } from '../helpers/cli';
import { caughtAsync } from '../helpers/errors';
import { FIXTURES } from '../check/fixtures';

const SR = path.join(FIXTURES, 'super_resolution');
let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trt-node-sample-files-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The one array of an .npz written as a .npy (numpy.save) next to the others. */
async function asNpy(npz: string, name: string): Promise<string> {
  const arrays = await readNpz(npz);
  const [only] = Object.values(arrays);
  const file = path.join(dir, name);
  await writeNpy(file, only!);
  return file;
}

describe('a single .npy (numpy.save) where the model has one input or one output', () => {
  it('check --inputs in.npy --reference ref.npy passes on the one-input, one-output example', async () => {
    const inputs = await asNpy(path.join(SR, 'inputs_1x1x64x64.npz'), 'in.npy');
    const reference = await asNpy(path.join(SR, 'reference_1x1x64x64.npz'), 'ref.npy');
    const r = await runCli(['check', path.join(SR, 'model.onnx'), '--inputs', inputs, '--reference', reference, '--no-probe']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Result: PASS/m);
    expect(r.stdout).toMatch(/1 of 1 comparison within\s+tolerance/);
  });

  it('check() takes them as samples too, compared exactly as the .npz files are', async () => {
    const model = path.join(SR, 'model.onnx');
    const npy = await check(model, { samples: [{ inputs: await asNpy(path.join(SR, 'inputs_1x1x96x80.npz'), 'in2.npy'), reference: await asNpy(path.join(SR, 'reference_1x1x96x80.npz'), 'ref2.npy') }], probe: false });
    const npz = await check(model, { samples: [{ inputs: path.join(SR, 'inputs_1x1x96x80.npz'), reference: path.join(SR, 'reference_1x1x96x80.npz') }], probe: false });
    expect(npy.pass).toBe(true);
    expect(npy.runs[0]!.outputs[0]!.compared).toBe(true);
    expect(npy.runs[0]!.outputs[0]!.maxAbsError).toBe(npz.runs[0]!.outputs[0]!.maxAbsError);
  });

  it('a model with two inputs: the error names them and says how to save them together', async () => {
    const file = path.join(dir, 'x.npy');
    await writeNpy(file, { type: 'float32', dims: [1, 3, 16, 16], data: new Float32Array(768) });
    const e = await caughtAsync(() => check(path.join(FIXTURES, 'two_input_bias', 'model.onnx'), { samples: [{ inputs: file }], probe: false }));
    expect(e.message).toContain(file);
    expect(e.message).toMatch(/holds one array \(\.npy, numpy\.save\) but the model has 2 inputs \('input', 'bias'\)/);
    expect(e.message).toContain("np.savez(f, **{'input': ..., 'bias': ...})");
  });
});

describe('a model with no inputs', () => {
  let model: string;
  beforeAll(async () => {
    // y = Identity(c), c a constant: nothing to feed.
    model = path.join(dir, 'no_inputs.onnx');
    fs.writeFileSync(model, encodeModel({ nodes: [node('Identity', ['c'], ['y'])], initializers: [floatTensor('c', [2, 3])], outputs: [valueInfo('y', [2, 3])] }));
    const c = new Float32Array(6).map((_, i) => (i % 97) / 97);
    await writeNpz(path.join(dir, 'ref.npz'), { y: { type: 'float32', dims: [2, 3], data: c } });
    await writeNpz(path.join(dir, 'wrong.npz'), { y: { type: 'float32', dims: [2, 3], data: c.map((x) => x + 1) } });
  });

  it('check --reference ref.npz alone compares the outputs (PASS, then FAIL with other values)', async () => {
    const ok = await runCli(['check', model, '--reference', path.join(dir, 'ref.npz')]);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/1 of 1 comparison within\s+tolerance/);
    expect(ok.stdout).toMatch(/PASS y /);
    const bad = await runCli(['check', model, '--reference', path.join(dir, 'wrong.npz')]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/^Result: FAIL/m);
  });

  it('check() with a sample that has a reference and no inputs', async () => {
    const r = await check(model, { samples: [{ inputs: {}, reference: path.join(dir, 'ref.npz') }], probe: false });
    expect(r.pass).toBe(true);
    expect(r.runs[0]!.outputs[0]!.compared).toBe(true);
  });
});
