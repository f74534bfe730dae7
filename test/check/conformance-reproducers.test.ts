/**
 * The conformance report's reproducers, as models built here (CI runs them without the corpus): a model with no
 * inputs checked against a reference (node/test_constant), ONNX's training-domain ops (node/test_adam...), and the
 * refreshed TensorRT operator data (ops added after TensorRT 10.0, plugin-backed ops, attribute limits).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { check } from '../../lib/check';
import { diagnoseStatic, OPERATOR_SUPPORT, OPERATOR_SUPPORT_SOURCE } from '../../lib/diagnostics';
import { readModel } from '../../lib/onnx/reader';
import { encodeModel, floatTensor, node, valueInfo } from '../onnx/build-model';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trt-node-reproducers-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(name: string, bytes: Uint8Array): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, bytes);
  return file;
}

test('a model without inputs (node/test_constant) is checked against its reference', async () => {
  const file = write(
    'constant.onnx',
    encodeModel({
      nodes: [node('Constant', [], ['values'], { attribute: [{ name: 'value', type: 4, t: floatTensor('v', [2, 3], [1, 2, 3, 4, 5, 6]) }] })],
      outputs: [valueInfo('values', [2, 3])],
    }),
  );
  const reference = { values: { type: 'float32' as const, dims: [2, 3], data: Float32Array.of(1, 2, 3, 4, 5, 6) } };
  const r = await check(file, { samples: [{ inputs: {}, reference }], probe: false });
  expect(r.runs[0]).toMatchObject({ ok: true, pass: true });
  expect(r.runs[0].outputs[0]).toMatchObject({ name: 'values', compared: true, pass: true });
  const wrong = { values: { ...reference.values, data: Float32Array.of(1, 2, 3, 4, 5, 7) } };
  expect((await check(file, { samples: [{ inputs: {}, reference: wrong }], probe: false })).runs[0].pass).toBe(false);
});

test("ai.onnx.preview.training ops are training steps, not 'custom'; onnxruntime's own load error is shown", async () => {
  const file = write(
    'adam.onnx',
    encodeModel({
      opsets: [{ domain: '', version: 12 }, { domain: 'ai.onnx.preview.training', version: 1 }],
      nodes: [node('Adam', ['r', 't', 'x', 'g', 'v', 'h'], ['x2', 'v2', 'h2'], { domain: 'ai.onnx.preview.training' })],
      inputs: [valueInfo('r', []), valueInfo('t', [], 7), valueInfo('x', [2]), valueInfo('g', [2]), valueInfo('v', [2]), valueInfo('h', [2])],
      outputs: [valueInfo('x2', [2]), valueInfo('v2', [2]), valueInfo('h2', [2])],
    }),
  );
  const f = diagnoseStatic(await readModel(file)).find((x) => x.code === 'UNSUPPORTED_OP' && x.node)!;
  expect(f.message).toContain("ONNX's training domain 'ai.onnx.preview.training'");
  expect(f.message).not.toContain('custom op');
  expect(f.fix).toContain('model.eval()');
  const r = await check(file, { probe: false });
  expect(r.runs[0].ok).toBe(false);
  expect(r.runs[0].error!.message).toBe('cannot load the model: Fatal error: ai.onnx.preview.training:Adam(-1) is not a registered function/op');
});

describe('TensorRT operator data: onnx-tensorrt 10.15 plus the changelog through 11.1', () => {
  const single = async (n: Record<string, unknown>, opset = 20, inputs = [valueInfo('x', [1, 3, 8, 8])]) =>
    diagnoseStatic(
      await readModel(encodeModel({ opsets: [{ domain: '', version: opset }], nodes: [n], inputs, outputs: [valueInfo('y', null)] })),
    ).filter((f) => f.code === 'UNSUPPORTED_OP');

  test('the source and the changes since the 10.0 table', () => {
    expect(OPERATOR_SUPPORT_SOURCE).toMatchObject({ matrixVersion: '10.15', tensorrtVersion: '10.16 / 11.x', opsetRange: { min: 9, max: 24 } });
    expect(OPERATOR_SUPPORT.STFT).toEqual({ supported: true, types: ['FP32'] });
    expect(OPERATOR_SUPPORT.Attention.supported).toBe(true);
    expect(OPERATOR_SUPPORT.Swish).toEqual({ supported: true, since: '11.0' });
  });

  test('ops newer than 10.x warn that they need TensorRT 11; plugin-backed ops warn about the plugin library', async () => {
    const swish = await single(node('Swish', ['x'], ['y']), 24);
    expect(swish.map((f) => f.severity)).toEqual(['warning']);
    expect(swish[0].message).toContain('TensorRT 11.0 and later');
    const roi = await single(node('RoiAlign', ['x', 'rois', 'idx'], ['y']), 16, [valueInfo('x', [1, 3, 8, 8]), valueInfo('rois', [2, 4]), valueInfo('idx', [2], 7)]);
    expect(roi.map((f) => f.severity)).toEqual(['warning']);
    expect(roi[0].message).toContain("plugin 'ROIAlign_TRT'");
  });

  test("attribute limits of the matrix: TopK sorted=0, LSTM layout=1 (ONNX's *_batchwise tests), pool dilations", async () => {
    const topk = await single(node('TopK', ['x', 'k'], ['v', 'i'], { attribute: [{ name: 'sorted', type: 2, i: 0 }] }), 20, [valueInfo('x', [3, 4]), valueInfo('k', [1], 7)]);
    expect(topk.map((f) => f.severity)).toEqual(['error']);
    const lstm = await single(node('LSTM', ['x', 'w', 'r'], ['y'], { attribute: [{ name: 'layout', type: 2, i: 1 }, { name: 'hidden_size', type: 2, i: 4 }] }), 14, [
      valueInfo('x', [2, 3, 4]),
      valueInfo('w', [1, 16, 4]),
      valueInfo('r', [1, 16, 4]),
    ]);
    expect(lstm[0].message).toContain('layout=1');
    const pool = await single(node('MaxPool', ['x'], ['y'], { attribute: [{ name: 'kernel_shape', type: 7, ints: [2, 2] }, { name: 'dilations', type: 7, ints: [2, 2] }] }));
    expect(pool[0].message).toContain('dilations [2, 2]');
    expect(await single(node('TopK', ['x', 'k'], ['v', 'i']), 20, [valueInfo('x', [3, 4]), valueInfo('k', [1], 7)])).toEqual([]);
  });
});
