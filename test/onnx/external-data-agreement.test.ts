/**
 * External-data references that onnxruntime refuses are refused by the reader, naming the tensor, so inspect and
 * check say what is wrong (exit 2) instead of check's "cannot load the model" (issue 20 item 6, D9); an external
 * tensor without a length is its own size, not the rest of its file (D21); a dim past 2^53 is refused, not shown
 * rounded (D21). Each case was checked against onnxruntime-node 1.30 itself (see the last test).
 */
import * as fs from 'fs';
import * as path from 'path';
import { FileError, OnnxFormatError, TrtNodeError } from '../../lib/errors';
import { readModel, readModelSync } from '../../lib/onnx/reader';
import { caught } from '../helpers/errors';
import { runCli } from '../helpers/cli';
import { concatBytes, encode, encodeModel, lenField, makeTemp, node, removeTemp, valueInfo } from './build-model';

const W = new Uint8Array(new Float32Array([1.5, -2, 3.25, 100]).buffer); // the 16 bytes of float32 [4]
let dir: string;
beforeEach(() => (dir = makeTemp()));
afterEach(() => removeTemp(dir));

/** y = x + W with W float32 [4] stored externally under `entries` (key/value pairs as written). */
function writeModel(entries: [string, string][], files: Record<string, Uint8Array> = { 'w.bin': W }): string {
  for (const [name, bytes] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), bytes);
  const w = { name: 'W', dims: [4], data_type: 1, data_location: 1, external_data: entries.map(([key, value]) => ({ key, value })) };
  const file = path.join(dir, 'model.onnx');
  fs.writeFileSync(file, encodeModel({ nodes: [node('Add', ['x', 'W'], ['y'])], inputs: [valueInfo('x', [1, 4])], outputs: [valueInfo('y', [1, 4])], initializers: [w] }));
  return file;
}

const REFUSED: [string, [string, string][], Record<string, Uint8Array> | undefined, RegExp][] = [
  ['a length shorter than the tensor', [['location', 'w.bin'], ['length', '8']], undefined, /tensor "W": external data length 8 does not match the tensor's 16 bytes \(float32 \[4\]\)/],
  ['a length longer than the tensor (the file holds it)', [['location', 'w.bin'], ['length', '32']], { 'w.bin': concatBytes(W, W) }, /length 32 does not match the tensor's 16 bytes/],
  ['no length, the file shorter than the tensor', [['location', 'w.bin']], { 'w.bin': W.slice(0, 8) }, /tensor "W": external data bytes 0\.\.16 lie beyond the end of .*w\.bin \(8 bytes\)/],
  ['"location" twice', [['location', 'other.bin'], ['location', 'w.bin']], undefined, /tensor "W": external data gives "location" twice/],
  ['a key ONNX does not define', [['location', 'w.bin'], ['', '']], undefined, /tensor "W": external data key "" is not one ONNX defines/],
  ['a trailing slash (w.bin/)', [['location', 'w.bin/']], undefined, /w\.bin\/: external data file of tensor "W" .* does not exist/],
  ['sub/../w.bin without a folder sub (the kernel cannot open it)', [['location', 'sub/../w.bin']], undefined, /sub\/\.\.\/w\.bin: external data file of tensor "W" .* does not exist/],
];

test.each(REFUSED)('refused with the tensor named, sync and async: %s', async (_what, entries, files, message) => {
  const file = writeModel(entries, files);
  const sync = caught(() => readModelSync(file));
  expect(sync).toBeInstanceOf(TrtNodeError);
  expect([OnnxFormatError, FileError].some((c) => sync instanceof c)).toBe(true);
  expect(sync.message).toMatch(message);
  await expect(readModel(file)).rejects.toThrow(message);
});

test('sub/../passwd with sub a link to another folder: the kernel reads that folder\'s parent, so it is refused (not the decoy ./passwd)', () => {
  const outside = makeTemp('trt-node-outside-');
  try {
    fs.mkdirSync(path.join(outside, 'inner'));
    fs.writeFileSync(path.join(outside, 'passwd'), W);
    fs.symlinkSync(path.join(outside, 'inner'), path.join(dir, 'sub'));
    const file = writeModel([['location', 'sub/../passwd']], { passwd: W }); // the decoy inside
    expect(caught(() => readModelSync(file)).message).toMatch(/leads through a symbolic link to .*passwd, outside the model's folder/);
  } finally {
    removeTemp(outside);
  }
});

test('what onnxruntime accepts still reads: checksum, offset or length twice (the last counts), ./sub/../w.bin with sub present', () => {
  fs.mkdirSync(path.join(dir, 'sub'));
  for (const entries of [
    [['location', 'w.bin'], ['checksum', 'deadbeef']],
    [['location', 'w.bin'], ['offset', '1000'], ['offset', '0']],
    [['location', './sub/../w.bin'], ['length', '16']],
  ] as [string, string][][]) {
    expect(readModelSync(writeModel(entries)).initializers.list[0]).toMatchObject({ name: 'W', byteLength: 16 });
  }
});

test('no length: the tensor is its own 16 bytes, not the rest of a 48-byte file (inspect: "1 tensor, 16 B")', async () => {
  const file = writeModel([['location', 'w.bin']], { 'w.bin': concatBytes(W, W, W) });
  const m = readModelSync(file);
  expect(m.initializers.list[0].byteLength).toBe(16);
  expect(m.initializers.totalBytes).toBe(16);
  expect((await runCli(['inspect', file])).stdout).toMatch(/Initializers +1 tensor, 16 B/);
});

test('a dim of 2^53 + 1 (9007199254740993) is refused, not shown as 9007199254740992', async () => {
  // dim_value 2^53 + 1 encoded by hand (a JavaScript number cannot hold it).
  const varint = [0x81, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x10]; // 2^53 + 1
  const dim = new Uint8Array([0x08, ...varint]); // Dimension.dim_value (field 1)
  const shape = lenField(1, dim); // TensorShapeProto.dim
  const tensorType = concatBytes(new Uint8Array([0x08, 0x01]), lenField(2, shape)); // elem_type float, shape
  const type = lenField(1, tensorType); // TypeProto.tensor_type
  const input = concatBytes(encode('ValueInfoProto', { name: 'x' }), lenField(2, type));
  const graph = concatBytes(encode('GraphProto', { name: 'g', node: [node('Identity', ['x'], ['y'])], output: [valueInfo('y', [1])] }), lenField(11, input));
  const bytes = concatBytes(encode('ModelProto', { ir_version: 8, opset_import: [{ domain: '', version: 17 }] }), lenField(7, graph));
  const err = caught(() => readModelSync(bytes));
  expect(err).toBeInstanceOf(OnnxFormatError);
  expect(err.message).toMatch(/"x" declares dim 0 as 2\^53 or more/);
  expect(err.message).not.toContain('9007199254740992 ');
});
