/**
 * The reader against the fuzz report's cases (../shared/reports/2026-11-29-fuzz.md): external data inside
 * model-local functions and training info (defect 11), models from pipes (12), binary files that "looked like text"
 * (12), bad arguments (9), and names with terminal escapes in its messages (6).
 */
import { execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { FileError, InvalidTypeError, InvalidValueError, OnnxFormatError, TrtNodeError } from '../../lib/errors';
import { readModel, readModelSync } from '../../lib/onnx/reader';
import { caught, caughtAsync } from '../helpers/errors';
import { encode, encodeModel, externalTensor, makeTemp, modelObject, node, removeTemp, valueInfo } from './build-model';

let dir: string;
beforeEach(() => {
  dir = makeTemp();
});
afterEach(() => removeTemp(dir));

const io = { inputs: [valueInfo('x', [1, 4])], outputs: [valueInfo('y', [1, 4])] };

/** gen_onnx.py `ext_in_function*`: a function whose Constant node holds external data at `location`. */
function modelWithFunction(location: string, where: 'node' | 'attribute_proto' = 'node'): Uint8Array {
  const constant = node('Constant', [], ['c'], { attribute: [{ name: 'value', type: 4, t: externalTensor('secret', [4], location, 0, 16) }] });
  const fn: Record<string, unknown> = {
    name: 'AddSecret',
    domain: 'local',
    input: ['a'],
    output: ['b'],
    node: where === 'node' ? [constant, node('Add', ['a', 'c'], ['b'])] : [node('Add', ['a', 'a'], ['b'])],
    attribute_proto: where === 'attribute_proto' ? [{ name: 'k', type: 4, t: externalTensor('secret', [4], location, 0, 16) }] : [],
    opset_import: [{ domain: '', version: 17 }],
  };
  const model = modelObject({ ...io, nodes: [node('AddSecret', ['x'], ['y'], { domain: 'local' })], opsets: [{ domain: '', version: 17 }, { domain: 'local', version: 1 }] });
  return encode('ModelProto', { ...model, functions: [fn] });
}

describe('external data inside model-local functions and training info is guarded like initializers (defect 11)', () => {
  it.each([
    ['an absolute location in a function node', '/etc/passwd', 'node', /tensor "secret": external data location "\/etc\/passwd" is an absolute path/],
    ['a climbing location in a function node', '../../../../etc/passwd', 'node', /escapes the model's folder/],
    ['an absolute location in a function attribute default', '/etc/passwd', 'attribute_proto', /is an absolute path/],
  ] as const)('%s: OnnxFormatError, from a path and from bytes', async (_label, location, where, message) => {
    const file = path.join(dir, 'model.onnx');
    fs.writeFileSync(file, modelWithFunction(location, where));
    for (const err of [await caughtAsync(() => readModel(file)), caught(() => readModelSync(file)), await caughtAsync(() => readModel(fs.readFileSync(file)))]) {
      expect(err).toBeInstanceOf(OnnxFormatError);
      expect(err.message).toMatch(message);
    }
  });

  it('a function with a good reference: listed in externalData and checked against the file; the function summarised', async () => {
    const file = path.join(dir, 'model.onnx');
    fs.writeFileSync(file, modelWithFunction('weights.bin'));
    await expect(readModel(file)).rejects.toThrow(/external data file of tensor "secret" .* does not exist/);
    fs.writeFileSync(path.join(dir, 'weights.bin'), new Uint8Array(16));
    const s = await readModel(file);
    expect(s.externalData).toEqual([{ tensor: 'secret', location: 'weights.bin', path: path.join(dir, 'weights.bin'), offset: 0, length: 16, fileBytes: 16 }]);
    expect(s.functions).toEqual([
      { domain: 'local', name: 'AddSecret', nodeCount: 2, nodeCounts: [{ domain: '', opType: 'Constant', count: 1 }, { domain: '', opType: 'Add', count: 1 }] },
    ]);
    expect(s.nodes.map((n) => n.opType)).toEqual(['AddSecret']);
  });

  it('training_info graphs: their initializers are checked too', async () => {
    const model = modelObject({ ...io, nodes: [node('Identity', ['x'], ['y'])] });
    const training = { initialization: { name: 'init', initializer: [externalTensor('w', [4], '/etc/shadow', 0, 16)] } };
    const bytes = encode('ModelProto', { ...model, training_info: [training] });
    await expect(readModel(bytes)).rejects.toThrow(/tensor "w": external data location "\/etc\/shadow" is an absolute path/);
  });
});

describe('a model from a pipe is read to its end, not called empty (defect 12)', () => {
  const model = encodeModel({ ...io, nodes: [node('Relu', ['x'], ['y'])] });

  it('a FIFO, async and sync', async () => {
    const fifo = path.join(dir, 'model.fifo');
    execFileSync('mkfifo', [fifo]);
    const saved = path.join(dir, 'saved.onnx');
    fs.writeFileSync(saved, model);
    // The writer is a separate process: readModelSync blocks this thread until the FIFO reaches its end.
    const feed = () => spawn('sh', ['-c', 'cat "$0" > "$1"', saved, fifo], { stdio: 'ignore' });
    feed();
    const s = await readModel(fifo);
    expect(s.fileBytes).toBe(model.length);
    expect(s.nodes.map((n) => n.opType)).toEqual(['Relu']);
    feed();
    expect(readModelSync(fifo).inputs.map((i) => i.name)).toEqual(['x']);
  });

  it('/dev/stdin fed through a shell pipe (cat m.onnx | … /dev/stdin)', () => {
    const saved = path.join(dir, 'saved.onnx');
    fs.writeFileSync(saved, model);
    const child = path.join(__dirname, 'read-stdin.js');
    const out = execFileSync('sh', ['-c', 'cat "$0" | "$1" "$2"', saved, process.execPath, child], { encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual({ fileBytes: model.length, ops: ['Relu'] });
  });
});

describe('messages', () => {
  it('0xFF bytes do not "look like text"; real text still does', async () => {
    const err = await caughtAsync(() => readModel(new Uint8Array(600).fill(0xff)));
    expect(err).toBeInstanceOf(OnnxFormatError);
    expect(err.message).not.toMatch(/looks like text/);
    const text = await caughtAsync(() => readModel(Buffer.from('name,value\nrésumé,1\n'.repeat(10))));
    expect(text.message).toMatch(/looks like text: "name,value\\nrésumé,1\\n/);
  });

  it('names from the model are escaped in error messages (defect 6)', async () => {
    const evil = 'w\x1b[2J\x1b]0;evil-title\x07';
    const bytes = encodeModel({ ...io, initializers: [externalTensor(evil, [4], '/abs', 0, 16)] });
    const err = await caughtAsync(() => readModel(bytes));
    expect(err.message).toContain('tensor "w\\x1b[2J\\x1b]0;evil-title\\x07": external data location "/abs"');
    expect(err.message).not.toMatch(/[\x00-\x1f]/);
  });
});

describe('BAD CALL: readModel arguments are TrtNodeErrors naming the parameter (defect 9)', () => {
  const model = () => {
    const file = path.join(dir, 'm.onnx');
    fs.writeFileSync(file, encodeModel({ ...io, nodes: [node('Relu', ['x'], ['y'])] }));
    return file;
  };
  it.each([
    ['options null', null, InvalidTypeError, /for options but received null/],
    ['baseDir 42', { baseDir: 42 }, InvalidTypeError, /for options.baseDir but received 42/],
    ['checkExternalData "yes"', { checkExternalData: 'yes' }, InvalidTypeError, /true or false for options.checkExternalData/],
    ['stats 1', { stats: 1 }, InvalidTypeError, /options.stats/],
  ] as const)('%s', async (_label, options, cls, message) => {
    const file = model();
    for (const err of [await caughtAsync(() => readModel(file, options as never)), caught(() => readModelSync(file, options as never))]) {
      expect(err).toBeInstanceOf(cls);
      expect(err.message).toMatch(message);
    }
  });

  it('a source with a NUL: InvalidValueError, not a raw Node error', async () => {
    const err = await caughtAsync(() => readModel('a\0b.onnx'));
    expect(err).toBeInstanceOf(InvalidValueError);
    expect(err).toBeInstanceOf(TrtNodeError);
  });

  it('a path that is a FileError still (regression)', async () => {
    expect(await caughtAsync(() => readModel(path.join(dir, 'none.onnx')))).toBeInstanceOf(FileError);
  });
});
