/**
 * Bad input: truncated, random, empty, corrupted or wrong-format files give an OnnxFormatError (or FileError) that
 * names the file and says what is wrong — never a crash, a hang or a huge allocation.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as protobuf from 'protobufjs';
import { FileError, OnnxFormatError, TrtNodeError } from '../../lib/errors';
import { readModel, readModelSync } from '../../lib/onnx/reader';
import { MAX_DEPTH } from '../../lib/onnx/protowire';
import { mulberry32 as prng } from '../../lib/data';
import { encode, encodeModel, makeTemp, node, removeTemp, valueInfo } from './build-model';

const FIXTURES = path.join(__dirname, '..', 'fixtures');
const MODEL = path.join(FIXTURES, 'super_resolution', 'model.onnx');
const modelBytes = fs.readFileSync(MODEL);

function formatErrorOf(fn: () => unknown): OnnxFormatError {
  try {
    fn();
  } catch (err) {
    if (err instanceof OnnxFormatError) return err;
    throw new Error(`expected OnnxFormatError, got ${err instanceof Error ? err.stack : String(err)}`);
  }
  throw new Error('expected OnnxFormatError, but the model was read');
}

let dir: string;
beforeEach(() => {
  dir = makeTemp();
});
afterEach(() => removeTemp(dir));

function write(name: string, bytes: Uint8Array | string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, bytes);
  return file;
}

describe('truncated models', () => {
  test('a file cut in the middle names the file and the byte it ends at', async () => {
    const file = write('cut.onnx', modelBytes.subarray(0, 100_000));
    await expect(readModel(file)).rejects.toThrow(OnnxFormatError);
    const err = formatErrorOf(() => readModelSync(file));
    expect(err.code).toBe('ERR_TRT_NODE_ONNX_FORMAT');
    expect(err.message).toContain(file);
    expect(err.message).toMatch(/truncated at byte 100000/);
    expect(err.details.file).toBe(file);
  });

  test('every prefix of a real model is rejected with OnnxFormatError', () => {
    const cuts = new Set<number>();
    for (let k = 1; k < 300; k++) cuts.add(k);
    const rnd = prng(7);
    for (let k = 0; k < 300; k++) cuts.add(1 + Math.floor(rnd() * (modelBytes.length - 1)));
    for (let k = modelBytes.length - 64; k < modelBytes.length; k++) cuts.add(k);
    for (const k of cuts) {
      const err = formatErrorOf(() => readModelSync(modelBytes.subarray(0, k)));
      expect(err.message).toMatch(/^<bytes>: /);
    }
  });

  test('a length far beyond the file is reported, not allocated', () => {
    // ir_version 8, then graph (field 7) claiming 2^50 bytes.
    const bytes = new Uint8Array([0x08, 0x08, 0x3a, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01, 0x00]);
    expect(formatErrorOf(() => readModelSync(bytes)).message).toMatch(/truncated at byte 12: model field 7 needs 562949953421312 bytes/);
  });
});

describe('not an ONNX model', () => {
  test('empty file', () => {
    const file = write('empty.onnx', new Uint8Array(0));
    expect(formatErrorOf(() => readModelSync(file)).message).toBe(`${file}: empty file (0 bytes): not an ONNX model`);
  });

  test('an .npz (zip) and an .npy file say what they are', () => {
    const npz = path.join(FIXTURES, 'super_resolution', 'inputs_1x1x64x64.npz');
    expect(formatErrorOf(() => readModelSync(npz)).message).toMatch(/inputs_1x1x64x64\.npz: not an ONNX model: this is a ZIP archive/);
    const npy = path.join(FIXTURES, 'numpy', 'float32.npy');
    expect(formatErrorOf(() => readModelSync(npy)).message).toMatch(/float32\.npy: not an ONNX model: this is a NumPy \.npy/);
  });

  test('a text file is recognised as text', () => {
    const file = write('model.onnx', '{"graph": "not really"}\n');
    expect(formatErrorOf(() => readModelSync(file)).message).toMatch(/model\.onnx: not an ONNX model \(the file looks like text: "\{\\"graph/);
    const plain = write('notes.onnx', 'hello world, this is not a model\n');
    expect(formatErrorOf(() => readModelSync(plain)).message).toMatch(/notes\.onnx: not an ONNX model/);
  });

  test('valid protobuf without a graph, or without ir_version / opsets', () => {
    const noGraph = encode('ModelProto', { ir_version: 8, producer_name: 'x' });
    expect(formatErrorOf(() => readModelSync(noGraph)).message).toMatch(/not an ONNX model: no graph/);
    const noIr = encode('ModelProto', { graph: { name: 'g' }, opset_import: [{ version: 13 }] });
    expect(formatErrorOf(() => readModelSync(noIr)).message).toMatch(/ir_version .* is missing/);
    const noOpset = encode('ModelProto', { ir_version: 8, graph: { name: 'g' } });
    expect(formatErrorOf(() => readModelSync(noOpset)).message).toMatch(/no opset_import/);
  });

  test('random bytes of many sizes', () => {
    const rnd = prng(42);
    for (let i = 0; i < 300; i++) {
      const bytes = new Uint8Array(1 + Math.floor(rnd() * 4096));
      for (let k = 0; k < bytes.length; k++) bytes[k] = Math.floor(rnd() * 256);
      formatErrorOf(() => readModelSync(bytes));
    }
  });
});

test('corrupted bytes in a real model: either read or OnnxFormatError, nothing else', () => {
  const rnd = prng(1234);
  let rejected = 0;
  for (let i = 0; i < 400; i++) {
    // Corrupt the first bytes, where the headers (and the graph's length) are; the weights follow.
    const full = Uint8Array.from(modelBytes);
    for (let k = 0; k < 3; k++) full[Math.floor(rnd() * 1200)] = Math.floor(rnd() * 256);
    try {
      readModelSync(full);
    } catch (err) {
      expect(err).toBeInstanceOf(OnnxFormatError);
      expect((err as Error).message.startsWith('<bytes>: ')).toBe(true);
      rejected++;
    }
  }
  expect(rejected).toBeGreaterThan(0);
});

test('wire types that contradict the schema are rejected', () => {
  // ir_version (field 1) written as a length-delimited field.
  const bytes = new Uint8Array([0x0a, 0x01, 0x00]);
  expect(formatErrorOf(() => readModelSync(bytes)).message).toMatch(/model\.ir_version \(field 1\) has wire type 2, expected 0/);
});

test('subgraphs nested beyond the depth limit are rejected, not recursed into', () => {
  let graph: Record<string, unknown> = { name: 'leaf' };
  // Each level is three messages deep (graph → node → attribute).
  for (let i = 0; i < Math.ceil(MAX_DEPTH / 3) + 1; i++) {
    graph = { name: `g${i}`, node: [node('If', ['c'], ['o'], { attribute: [{ name: 'then_branch', type: 5, g: graph }] })] };
  }
  const bytes = encode('ModelProto', { ir_version: 8, opset_import: [{ version: 13 }], graph });
  expect(formatErrorOf(() => readModelSync(bytes)).message).toMatch(/nested deeper than trt-node reads \(\d+ levels of messages\)/);
});

test('a deeply nested value type (decoded by protobufjs) hits its recursion limit as an OnnxFormatError', () => {
  const ld = (field: number, payload: Uint8Array) => protobuf.Writer.create().uint32((field << 3) | 2).bytes(payload).finish();
  let type = ld(1, new Uint8Array([0x08, 0x01])); // TypeProto { tensor_type { elem_type: FLOAT } }
  for (let i = 0; i < 200; i++) type = ld(4, ld(1, type)); // TypeProto { sequence_type { elem_type: ... } }
  const valueInfo = Buffer.concat([ld(1, new TextEncoder().encode('x')), ld(2, type)]);
  const model = Buffer.concat([new Uint8Array([0x08, 0x08]), ld(7, ld(11, valueInfo)), ld(8, new Uint8Array([0x10, 13]))]);
  expect(formatErrorOf(() => readModelSync(model)).message).toMatch(/^<bytes>: nested deeper than trt-node reads \(\d+ levels of messages\) at byte \d+: graph$/);
});

describe('files that cannot be read', () => {
  test('a missing model file is a FileError naming it', async () => {
    const missing = path.join(dir, 'nope.onnx');
    await expect(readModel(missing)).rejects.toThrow(FileError);
    await expect(readModel(missing)).rejects.toThrow(`${missing}: no such file`);
    expect(() => readModelSync(missing)).toThrow(FileError);
  });

  test('a directory is a FileError', async () => {
    await expect(readModel(dir)).rejects.toMatchObject({ code: 'ERR_TRT_NODE_FILE', message: expect.stringMatching(/is a directory/) });
    expect(() => readModelSync(dir)).toThrow(/is a directory/);
  });

  test('a source that is neither a path nor bytes', async () => {
    await expect(readModel(42 as unknown as string)).rejects.toMatchObject({ code: 'ERR_TRT_NODE_INVALID_TYPE' });
    expect(() => readModelSync('')).toThrow(TrtNodeError);
  });
});

test('a well-formed model still reads after all that (sanity)', () => {
  const ok = encodeModel({ inputs: [valueInfo('x', [1])], outputs: [valueInfo('y', [1])], nodes: [node('Relu', ['x'], ['y'])] });
  expect(readModelSync(ok).nodeCounts).toEqual([{ domain: '', opType: 'Relu', count: 1 }]);
});
