/**
 * A model over 2 GiB in one protobuf file (inline weights): protobuf cannot parse it, so neither onnxruntime nor
 * TensorRT's parser can load it. The reader refuses it up front with the fix, external data (issue 20 item 6, D10);
 * check used to say "TensorRT import: ok" and then "cannot load the model: Protobuf parsing failed." The file is
 * sparse: 2.2 GB of zeros that take no disk.
 */
import * as fs from 'fs';
import * as path from 'path';
import { OnnxFormatError } from '../../lib/errors';
import { readModel, readModelSync } from '../../lib/onnx/reader';
import { runCli } from '../helpers/cli';
import { concatBytes, encode, lenFieldHeader, makeTemp, node, removeTemp, valueInfo } from './build-model';

let dir: string;
let file: string;
beforeAll(() => {
  dir = makeTemp();
  file = path.join(dir, 'model.onnx');
  const payload = 2_200_000_000; // float32 [550000000], inline raw_data
  const tensorHead = encode('TensorProto', { name: 'W', dims: [payload / 4], data_type: 1 });
  const tensor = concatBytes(tensorHead, lenFieldHeader(9, payload)); // + payload zeros
  const graphHead = encode('GraphProto', { name: 'g', node: [node('Add', ['x', 'W'], ['y'])], input: [valueInfo('x', [payload / 4])], output: [valueInfo('y', [payload / 4])] });
  const graph = concatBytes(graphHead, lenFieldHeader(5, tensor.length + payload), tensor);
  const model = concatBytes(encode('ModelProto', { ir_version: 8, opset_import: [{ domain: '', version: 17 }] }), lenFieldHeader(7, graph.length + payload), graph);
  fs.writeFileSync(file, model);
  fs.truncateSync(file, model.length + payload); // the raw_data: zeros, not written (sparse)
});
afterAll(() => removeTemp(dir));

test('readModel refuses a 2.2 GB single-file model with the external-data fix (sync, async)', async () => {
  const expected = /is 2\.0 GiB in one protobuf file, over protobuf's 2 GiB limit: onnxruntime and TensorRT cannot load it\. Save the weights as external data/;
  expect(() => readModelSync(file)).toThrow(OnnxFormatError);
  expect(() => readModelSync(file)).toThrow(expected);
  await expect(readModel(file)).rejects.toThrow(expected);
});

test('check says so, exit 2 (not "TensorRT import: ok" and a failed run)', async () => {
  const r = await runCli(['check', file, '--no-probe']);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/external_data=True/);
  expect(r.stderr).toMatch(/save_as_external_data=True/);
});
