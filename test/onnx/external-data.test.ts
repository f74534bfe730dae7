/** External data: resolved against the model's folder; absolute, escaping, missing or short files rejected. */
import * as fs from 'fs';
import * as path from 'path';
import { FileError, OnnxFormatError } from '../../lib/errors';
import { readModel, readModelSync } from '../../lib/onnx/reader';
import { encodeModel, externalTensor, floatTensor, makeTemp, node, removeTemp, valueInfo } from './build-model';

let dir: string;
beforeEach(() => {
  dir = makeTemp();
});
afterEach(() => removeTemp(dir));

const io = { inputs: [valueInfo('x', ['n', 4])], outputs: [valueInfo('y', ['n', 4])] };

/** Writes a model whose initializers are the given external tensors, into `folder` (default: the temp dir). */
function writeModel(initializers: Record<string, unknown>[], folder = dir, extraNodes: Record<string, unknown>[] = []): string {
  const file = path.join(folder, 'model.onnx');
  fs.mkdirSync(folder, { recursive: true });
  fs.writeFileSync(file, encodeModel({ ...io, initializers, nodes: [node('MatMul', ['x', 'w0'], ['y']), ...extraNodes] }));
  return file;
}

test('references resolve against the model folder, with sizes, whatever the working directory', async () => {
  fs.mkdirSync(path.join(dir, 'weights'));
  fs.writeFileSync(path.join(dir, 'weights', 'data.bin'), new Uint8Array(4096 + 64));
  fs.writeFileSync(path.join(dir, 'rest.bin'), new Uint8Array(100));
  const file = writeModel(
    [
      externalTensor('w0', [4, 4], 'weights/data.bin', 0, 64),
      externalTensor('w1', [4, 4], './weights/data.bin', 4096, 64),
      externalTensor('w2', [5, 5], 'rest.bin'), // no offset, no length: the whole file
      floatTensor('inline', [2]),
    ],
    dir,
    [node('Constant', [], ['c'], { attribute: [{ name: 'value', type: 4, t: externalTensor('', [2], 'rest.bin', 0, 8) }] })],
  );
  const s = await readModel(file);
  const data = path.join(dir, 'weights', 'data.bin');
  // In file order: the graph's nodes (the Constant) come before its initializers.
  expect(s.externalData).toEqual([
    { tensor: '', location: 'rest.bin', path: path.join(dir, 'rest.bin'), offset: 0, length: 8, fileBytes: 100 },
    { tensor: 'w0', location: 'weights/data.bin', path: data, offset: 0, length: 64, fileBytes: 4160 },
    { tensor: 'w1', location: './weights/data.bin', path: data, offset: 4096, length: 64, fileBytes: 4160 },
    { tensor: 'w2', location: 'rest.bin', path: path.join(dir, 'rest.bin'), offset: 0, length: null, fileBytes: 100 },
  ]);
  const byName = Object.fromEntries(s.initializers.list.map((t) => [t.name, t]));
  expect(byName.w0).toMatchObject({ dataLocation: 'external', byteLength: 64 });
  expect(byName.w2).toMatchObject({ dataLocation: 'external', byteLength: 100 });
  expect(byName.inline).toMatchObject({ dataLocation: 'internal', byteLength: 8 });
  expect(s.initializers.totalBytes).toBe(64 + 64 + 100 + 8);
  expect(s.nodes[1].attributes.value).toMatchObject({ type: 'tensor', value: { dataLocation: 'external', byteLength: 8 } });

  const cwd = process.cwd();
  try {
    process.chdir(path.dirname(dir));
    expect(readModelSync(path.relative(process.cwd(), file))).toEqual(s);
  } finally {
    process.chdir(cwd);
  }
});

test('bytes: locations checked lexically; files checked only when baseDir is given', async () => {
  const file = writeModel([externalTensor('w0', [4, 4], 'data.bin', 0, 64)]);
  const bytes = fs.readFileSync(file);
  const unchecked = readModelSync(bytes);
  expect(unchecked.externalData[0]).toEqual({ tensor: 'w0', location: 'data.bin', path: path.resolve('data.bin'), offset: 0, length: 64 });
  expect(() => readModelSync(bytes, { baseDir: dir })).toThrow(FileError);
  fs.writeFileSync(path.join(dir, 'data.bin'), new Uint8Array(64));
  expect((await readModel(bytes, { baseDir: dir })).externalData[0]).toMatchObject({ path: path.join(dir, 'data.bin'), fileBytes: 64 });
});

test('a missing external-data file is a FileError naming the file, tensor and model', async () => {
  const file = writeModel([externalTensor('w0', [4, 4], 'missing.bin', 0, 64)]);
  const missing = path.join(dir, 'missing.bin');
  for (const read of [() => readModelSync(file), () => readModel(file)]) {
    await expect(Promise.resolve().then(read)).rejects.toThrow(FileError);
    await expect(Promise.resolve().then(read)).rejects.toThrow(
      `${missing}: external data file of tensor "w0" (location "missing.bin") in model ${file} does not exist`,
    );
  }
  // checkExternalData: false summarises anyway.
  expect(readModelSync(file, { checkExternalData: false }).externalData[0].path).toBe(missing);
});

test.each([
  ['../outside.bin', /escapes the model's folder/],
  ['weights/../../outside.bin', /escapes the model's folder/],
  ['..\\outside.bin', /escapes the model's folder/],
  ['/etc/passwd', /is an absolute path/],
  ['C:\\weights\\data.bin', /is an absolute path/],
  ['\\\\server\\share\\data.bin', /is an absolute path/],
  ['.', /names the model's folder/],
])('location %j is rejected, naming the tensor and location', async (location, reason) => {
  const folder = path.join(dir, 'model');
  fs.writeFileSync(path.join(dir, 'outside.bin'), new Uint8Array(64));
  const file = writeModel([externalTensor('w0', [4, 4], location, 0, 64)], folder);
  let err: unknown;
  try {
    await readModel(file, { checkExternalData: false });
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(OnnxFormatError);
  expect((err as OnnxFormatError).message).toContain(`${file}: tensor "w0": external data location "${location}"`);
  expect((err as OnnxFormatError).message).toMatch(reason);
  expect((err as OnnxFormatError).details).toMatchObject({ file, tensor: 'w0', location });
  expect(() => readModelSync(fs.readFileSync(file))).toThrow(reason);
});

test('a symbolic link that leads out of the model folder is rejected', () => {
  const folder = path.join(dir, 'model');
  fs.mkdirSync(folder);
  fs.writeFileSync(path.join(dir, 'secret.bin'), new Uint8Array(64));
  fs.symlinkSync(path.join(dir, 'secret.bin'), path.join(folder, 'data.bin'));
  const file = writeModel([externalTensor('w0', [4, 4], 'data.bin', 0, 64)], folder);
  expect(() => readModelSync(file)).toThrow(OnnxFormatError);
  expect(() => readModelSync(file)).toThrow(/tensor "w0": external data location "data.bin" leads through a symbolic link/);
});

test('byte ranges beyond the external file, and malformed offsets, are rejected', () => {
  fs.writeFileSync(path.join(dir, 'data.bin'), new Uint8Array(100));
  const short = writeModel([externalTensor('w0', [4, 4], 'data.bin', 64, 64)]);
  expect(() => readModelSync(short)).toThrow(/tensor "w0": external data bytes 64\.\.128 lie beyond the end of .*data\.bin \(100 bytes\)/);

  const bad = writeModel([
    { ...externalTensor('w0', [4, 4], 'data.bin'), external_data: [{ key: 'location', value: 'data.bin' }, { key: 'offset', value: '-5' }] },
  ]);
  expect(() => readModelSync(bad)).toThrow(/tensor "w0": external data offset "-5" is not a non-negative integer/);

  const noLocation = writeModel([{ ...externalTensor('w0', [4, 4], 'x'), external_data: [{ key: 'length', value: '64' }] }]);
  expect(() => readModelSync(noLocation)).toThrow(/tensor "w0": stored as external data but no location is given/);
});
