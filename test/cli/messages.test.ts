/**
 * Messages that say what is wrong (issue 20 item 7: D14–D18). Each case used to end in another message: a stack
 * trace after the whole run (D14), two names that look identical on screen (D15), a misleading "input 'x' is missing
 * in 'feeds'" (D16), "cannot load the model: Unsupported data type: 16" (D17), a bench that exited 0 with the engine
 * it was given not run (D18).
 */
import * as fs from 'fs';
import * as path from 'path';
import { encodeNpz } from '../../lib/tensor/npz';
import { tensorrtAvailable } from '../../lib/trt';
import { encodeModel, makeTemp, node, removeTemp, valueInfo } from '../onnx/build-model';
import { runCli } from '../helpers/cli';

let dir: string;
beforeEach(() => (dir = makeTemp('trt-node-messages-')));
afterEach(() => removeTemp(dir));

/** y = Identity(x), x and y float32 [1, 4] unless given; written to dir. */
function identity(input = 'x', output = 'y', outType = 1, file = 'model.onnx'): string {
  const nodes = outType === 1 ? [node('Identity', [input], [output])] : [node('Cast', [input], [output], { attribute: [{ name: 'to', type: 2, i: outType }] })];
  const m = path.join(dir, file);
  fs.writeFileSync(m, encodeModel({ nodes, inputs: [valueInfo(input, [1, 4])], outputs: [valueInfo(output, [1, 4], outType)] }));
  return m;
}

function npz(name: string): string {
  const file = path.join(dir, 'in.npz');
  fs.writeFileSync(file, encodeNpz({ [name]: { type: 'float32', dims: [1, 4], data: new Float32Array(4) } }));
  return file;
}

test('--save-outputs with an output name longer than a zip entry name can be: refused before the run, exit 2', async () => {
  const r = await runCli(['check', identity('x', 'y'.repeat(70_000)), '--save-outputs', path.join(dir, 'o.npz')]);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/longer than a zip entry name can be \(65,535 bytes\)/);
  expect(r.stderr).not.toMatch(/unexpected error|\n\s+at /);
  expect(r.stdout).toBe('');
});

test.each([
  ['NFC vs NFD', 'caf\u00e9', 'cafe\u0301', /differ only in Unicode normalization: U\+00E9 in the model, U\+0065 U\+0301 in the file/],
  ['a Cyrillic look-alike', 'image', 'im\u0430ge', /character 3: U\+0061 \(Latin\) in the model, U\+0430 \(Cyrillic\) in the file/],
  ['a zero-width space', 'image', 'ima\u200bge', /invisible U\+200B in the file/],
  ['fullwidth letters', 'image', '\uff49mage', /character 1: U\+0069 \(Latin\) in the model, U\+FF49 \(Latin, fullwidth\) in the file/],
])('inputs named by a look-alike (%s): the message says where the names differ', async (_what, modelName, fileName, where) => {
  const r = await runCli(['check', identity(modelName), '--inputs', npz(fileName)]);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/looks like/);
  expect(r.stderr).toMatch(where);
  expect(r.stderr).not.toContain('\u200b'); // shown escaped, not invisible
});

test('a NUL inside an input name: refused up front naming it, exit 2 (onnxruntime-node would cut the name at the NUL)', async () => {
  const r = await runCli(['check', identity('x\u0000y')]);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/input 'x\\x00y' has a NUL character in its name/);
  expect(r.stderr).not.toMatch(/is missing in 'feeds'/);
});

test('a bfloat16 output: "onnxruntime-node cannot carry bfloat16 tensors", exit 2', async () => {
  const r = await runCli(['check', identity('x', 'y', 16)]);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/output 'y' is bfloat16: onnxruntime-node cannot carry bfloat16 tensors .*cast/);
  expect(r.stdout).not.toMatch(/Unsupported data type: 16/);
});

(tensorrtAvailable() ? test.skip : test)('bench --engine without TensorRT: exit 2, TensorRTUnavailableError (the engine asked for cannot run)', async () => {
  const plan = path.join(dir, 'garbage.plan');
  fs.writeFileSync(plan, 'not a plan');
  const r = await runCli(['bench', identity(), '--engine', plan, '--shapes', 'x:1x4', '--no-files', '--iterations', '2', '--warmup', '0']);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/\[ERR_TRT_NODE_TENSORRT_UNAVAILABLE\]/);
});

test('external data whose file is in the folder under a look-alike name (NFD for NFC): the message says where they differ', async () => {
  const { externalTensor } = await import('../onnx/build-model');
  fs.writeFileSync(path.join(dir, 'we\u0301.bin'), new Uint8Array(16));
  const m = path.join(dir, 'ext.onnx');
  fs.writeFileSync(m, encodeModel({ nodes: [node('Add', ['x', 'W'], ['y'])], inputs: [valueInfo('x', [1, 4])], outputs: [valueInfo('y', [1, 4])], initializers: [externalTensor('W', [4], 'w\u00e9.bin')] }));
  // (check: inspect shows a model whose external data is missing, with a warning, since --external-data-dir)
  const r = await runCli(['check', m]);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/does not exist; .* in the folder looks like .* differ only in Unicode normalization: U\+00E9 in the model, U\+0065 U\+0301 in the folder/);
});
