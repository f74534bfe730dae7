/**
 * One model, one read (issue 20 item 6, D8): check() diagnoses the bytes it read, and onnxruntime runs those same
 * bytes, not whatever the path names a moment later. The test replaces the model file right after check() read it
 * (as an atomic `mv` by another process would): the report is the first model's, run and all. Before, onnxruntime
 * opened the path again and ran the other model (the report found 7 of 20 such checks failing with a false FIXED_DIM).
 */
import * as fs from 'fs';
import * as path from 'path';
import * as reader from '../../lib/onnx/reader';
import { check } from '../../lib/check';
import { makeTemp, removeTemp } from '../onnx/build-model';
import { FIXTURES } from './fixtures';

test('the model file replaced after check() read it: onnxruntime still runs the bytes that were diagnosed', async () => {
  const dir = makeTemp('trt-node-same-bytes-');
  const spy = jest.spyOn(reader, 'readModel');
  try {
    const model = path.join(dir, 'model.onnx');
    const other = path.join(dir, 'other.onnx');
    fs.copyFileSync(path.join(FIXTURES, 'super_resolution', 'model.onnx'), model);
    fs.copyFileSync(path.join(FIXTURES, 'batchnorm_dropout', 'model.onnx'), other);
    const read = spy.getMockImplementation() ?? jest.requireActual<typeof reader>('../../lib/onnx/reader').readModel;
    spy.mockImplementation(async (...args: Parameters<typeof reader.readModel>) => {
      const summary = await read(...args);
      if (args[0] === model) fs.renameSync(other, model); // another process replaces the model now
      return summary;
    });
    const report = await check(model, { probe: false });
    expect(fs.readFileSync(model).equals(fs.readFileSync(path.join(FIXTURES, 'batchnorm_dropout', 'model.onnx')))).toBe(true);
    expect(report.findings).toEqual([]);
    expect(report.runs.map((r) => [r.ok, r.shapes.input, r.outputs.map((o) => [o.name, o.dims])])).toEqual([[true, [1, 1, 64, 64], [['output', [1, 1, 192, 192]]]]]);
    expect(report.pass).toBe(true);
  } finally {
    spy.mockRestore();
    removeTemp(dir);
  }
});

test('a model with external data read from its bytes: onnxruntime finds the data beside the model', async () => {
  const dir = makeTemp('trt-node-same-bytes-');
  try {
    const { encodeModel, externalTensor, node, valueInfo } = await import('../onnx/build-model');
    fs.writeFileSync(path.join(dir, 'w.bin'), new Uint8Array(new Float32Array([1, 2, 3, 4]).buffer));
    const model = path.join(dir, 'model.onnx');
    fs.writeFileSync(model, encodeModel({ nodes: [node('Add', ['x', 'W'], ['y'])], inputs: [valueInfo('x', [1, 4])], outputs: [valueInfo('y', [1, 4])], initializers: [externalTensor('W', [4], 'w.bin')] }));
    const cwd = process.cwd();
    process.chdir(path.dirname(dir)); // not the model's folder: the data must still resolve against it
    try {
      const zeros = { x: { type: 'float32' as const, dims: [1, 4], data: new Float32Array(4) } };
      const report = await check(path.join(path.basename(dir), 'model.onnx'), { probe: false, samples: [{ inputs: zeros }], saveOutputs: path.join(dir, 'out.npz') });
      expect(report.runs.map((r) => r.ok)).toEqual([true]);
    } finally {
      process.chdir(cwd);
    }
    const { readNpz } = await import('../../lib/tensor/npz');
    const out = await readNpz(path.join(dir, 'out.npz'));
    expect([...(out.y.data as Float32Array)]).toEqual([1, 2, 3, 4]); // 0 + W, W read from w.bin
  } finally {
    removeTemp(dir);
  }
});
