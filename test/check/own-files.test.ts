/**
 * Issue 20, item 2: the pitfalls with the user's own files. The feeds are validated after the diagnostics (an
 * export_params=False model given only its data input gets WEIGHTS_AS_INPUTS and its fix, not "save the weights in
 * the .npz"); the static diagnostics run even when no input can be generated; SHAPE_NOT_DYNAMIC never blames an axis
 * its own probes showed working.
 */
import { check } from '../../lib/check';
import { runCli } from '../helpers/cli';
import { resultLine } from '../helpers/text';
import { makeTemp, node, removeTemp, valueInfo, writeModel } from '../onnx/build-model';
import { fixtureFile, modelPath } from './fixtures';

let dir: string;
beforeAll(() => (dir = makeTemp('trt-node-own-files-')));
afterAll(() => removeTemp(dir));

describe('feeds are validated after the diagnostics', () => {
  test("export_params=False given only its data input: WEIGHTS_AS_INPUTS and export_params=True (exit 1), not a usage error asking for the weights", async () => {
    // The classic "Model requires 9 inputs. Input Feed contains 1": the .npz holds the image only, as it should.
    const args = ['check', modelPath('super_resolution_no_params'), '--inputs', fixtureFile('super_resolution/inputs_1x1x64x64.npz')];
    const r = await runCli(args);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/ERROR +WEIGHTS_AS_INPUTS/);
    expect(r.stdout).toContain('export_params=True');
    expect(r.stdout).toMatch(/not run: the model needs its weights as inputs \(see WEIGHTS_AS_INPUTS\)/);
    expect(r.stdout).not.toMatch(/save the inputs under the names/);
    expect(resultLine(r.stdout)).toMatch(/^Result: FAIL — .*export: FAILS \(WEIGHTS_AS_INPUTS\)/);
    const doc = JSON.parse((await runCli([...args, '--json'])).stdout);
    expect(doc.findings.map((f: { code: string; severity: string }) => [f.code, f.severity])).toEqual([['WEIGHTS_AS_INPUTS', 'error']]);
    expect(doc.runs[0]).toMatchObject({ ok: false, error: { code: 'WEIGHTS_AS_INPUTS' } });
  });

  test('an .npz that lacks the data input itself is still a usage error naming the array', async () => {
    // Its one array is 'input' (1x3x16x16); two_input_bias also takes 'bias', a data input, not a weight.
    const e = await check(modelPath('two_input_bias'), { samples: [{ inputs: fixtureFile('flatten_linear/inputs_1x3x16x16.npz') }] }).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'ERR_TRT_NODE_INVALID_VALUE' });
    expect(String((e as Error).message)).toMatch(/has no array 'bias'/);
  });
});

describe('static diagnostics run even when no input can be generated', () => {
  test('a shapeless input does not hide an op TensorRT cannot import: UNSUPPORTED_OP reported, the run not run (naming --shapes)', async () => {
    const file = writeModel(dir, 'aten_shapeless.onnx', {
      opsets: [{ domain: '', version: 17 }, { domain: 'org.pytorch.aten', version: 1 }],
      producer: 'pytorch',
      nodes: [node('Relu', ['input'], ['r']), node('ATen', ['r'], ['output'], { domain: 'org.pytorch.aten', attribute: [{ name: 'operator', type: 3, s: new TextEncoder().encode('grid_sampler') }] })],
      inputs: [valueInfo('input', null)],
      outputs: [valueInfo('output', null)],
    });
    const r = await check(file);
    expect(r.findings.map((f) => [f.code, f.severity])).toContainEqual(['UNSUPPORTED_OP', 'error']);
    expect(r.pass).toBe(false);
    expect(r.runs[0]).toMatchObject({ ok: false, error: { message: expect.stringMatching(/input 'input' has no shape in the model.*--shapes input:/) } });
    const cli = await runCli(['check', file]);
    expect(cli.code).toBe(1);
    expect(cli.stdout).toMatch(/ERROR +UNSUPPORTED_OP/);
  });
});

describe('SHAPE_NOT_DYNAMIC blames only the axes its probes showed failing (P3)', () => {
  test('Flatten -> Linear: height and width are blamed, batch (which ran at 2 and 3) is not, and the baseline is the size given', async () => {
    const r = await check(modelPath('flatten_linear'), { samples: [{ inputs: fixtureFile('flatten_linear/inputs_1x3x16x16.npz') }] });
    const found = r.findings.filter((f) => f.code === 'SHAPE_NOT_DYNAMIC');
    expect(found).toHaveLength(1);
    const f = found[0];
    expect(f.severity).toBe('error');
    const blamed = (f.details!.axes as { symbol: string }[]).map((a) => a.symbol);
    expect(blamed).toEqual(['height', 'width']);
    expect(f.message).not.toMatch(/'batch'/);
    expect(f.message).toMatch(/the model runs at input 1x3x16x16 but fails at height=/);
    expect(f.message).not.toMatch(/cannot run at aligned/);
  });
});
