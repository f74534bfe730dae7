/**
 * The static rules for models nobody here wrote (issue 20, class 3), on hand-made models: an op no ONNX opset
 * defines, the opset as TensorRT's parser judges it, broken wiring, an empty graph, weight-stripped initializers and
 * sizes computed from data with no bound.
 */
import { diagnoseStatic } from '../../lib/diagnostics';
import type { Finding } from '../../lib/diagnostics';
import { readModel } from '../../lib/onnx/reader';
import { encodeModel, floatTensor, node, valueInfo, type ModelSpec } from '../onnx/build-model';

const INT64 = 7;

/** The findings, less the note every fully static model gets (FIXED_DIM info: "every input is fixed"). */
async function findings(spec: ModelSpec): Promise<Finding[]> {
  const all = diagnoseStatic(await readModel(encodeModel({ opsets: [{ domain: '', version: 17 }], ...spec })));
  return all.filter((f) => !(f.code === 'FIXED_DIM' && f.severity === 'info'));
}
const codes = (fs: Finding[]) => fs.map((f) => `${f.code}:${f.severity}`);

describe('UNSUPPORTED_OP for an op no ONNX opset defines', () => {
  test('in the default domain it is an error for TensorRT import, with the plugin route', async () => {
    const fs = await findings({ nodes: [node('FancyGelu', ['x'], ['y'])], inputs: [valueInfo('x', [1, 4])], outputs: [valueInfo('y', [1, 4])] });
    const f = fs.find((x) => x.code === 'UNSUPPORTED_OP')!;
    expect(f.severity).toBe('error');
    expect(f.message).toMatch(/no opset up to \d+.*defines 'FancyGelu'/);
    expect(f.fix).toMatch(/TensorRT plugin named 'FancyGelu'/);
  });
  test('a real ONNX op stays importable', async () => {
    const fs = await findings({ nodes: [node('Relu', ['x'], ['y'])], inputs: [valueInfo('x', [1, 4])], outputs: [valueInfo('y', [1, 4])] });
    expect(fs).toEqual([]);
  });
});

describe('OPSET_VERSION: as onnx-tensorrt ModelImporter judges it', () => {
  const relu = (version: number) => findings({ opsets: [{ domain: '', version }], nodes: [node('Relu', ['x'], ['y'])], inputs: [valueInfo('x', [2])], outputs: [valueInfo('y', [2])] });
  test('below 7: a warning quoting the parser', async () => {
    const fs = await relu(6);
    expect(codes(fs)).toEqual(['OPSET_VERSION:warning']);
    expect(fs[0].message).toContain('at least opset 7');
    expect(fs.some((f) => f.code === 'UNSUPPORTED_OP')).toBe(false);
  });
  test('7 and 8, or past the documented range: information only; inside it: nothing', async () => {
    expect(codes(await relu(8))).toEqual(['OPSET_VERSION:info']);
    expect(codes(await relu(30))).toEqual(['OPSET_VERSION:info']);
    expect(await relu(13)).toEqual([]);
  });
});

describe('BROKEN_GRAPH lists every broken node', () => {
  test('a value read and written by nothing, a value written twice, an output nobody writes', async () => {
    const fs = await findings({
      nodes: [node('Add', ['x', 'ghost'], ['a']), node('Relu', ['a'], ['b'], { name: 'relu1' }), node('Neg', ['x'], ['b'], { name: 'neg1' }), node('Mul', ['b', 'phantom'], ['y'])],
      inputs: [valueInfo('x', [2])],
      outputs: [valueInfo('y', [2]), valueInfo('z', [2])],
    });
    const f = fs.find((x) => x.code === 'BROKEN_GRAPH')!;
    expect(f.severity).toBe('error');
    const problems = (f.details!.breaks as { problem: string }[]).map((b) => b.problem);
    expect(problems).toEqual([
      "reads 'ghost', which nothing provides",
      "writes 'b', which 'relu1' (Relu, node 1) already writes",
      "reads 'phantom', which nothing provides",
      "graph output 'z' is provided by nothing",
    ]);
    // Wiring mistakes are not left-out weights.
    expect(fs.some((x) => x.code === 'WEIGHTS_MISSING')).toBe(false);
  });
  test('left-out weights stay WEIGHTS_MISSING, not a broken graph', async () => {
    const fs = await findings({ nodes: [node('Conv', ['x', 'conv1.weight'], ['y'])], inputs: [valueInfo('x', [1, 1, 4, 4])], outputs: [valueInfo('y', null)] });
    expect(codes(fs)).toEqual(['WEIGHTS_MISSING:error']);
  });
});

test('EMPTY_GRAPH: a graph with no nodes is a warning, not an error', async () => {
  const fs = await findings({ nodes: [], inputs: [valueInfo('x', [2])], outputs: [valueInfo('x', [2])] });
  expect(codes(fs)).toEqual(['EMPTY_GRAPH:warning']);
});

test('WEIGHTS_MISSING for weight-stripped initializers (dims, no data), with the refit route', async () => {
  const stripped = { name: 'fc.weight', dims: [4, 4], data_type: 1, doc_string: 'TRT_WEIGHTLESS/' };
  const fs = await findings({
    nodes: [node('MatMul', ['x', 'fc.weight'], ['y'])],
    initializers: [stripped],
    inputs: [valueInfo('x', [1, 4])],
    outputs: [valueInfo('y', [1, 4])],
  });
  const f = fs.find((x) => x.code === 'WEIGHTS_MISSING')!;
  expect(f.severity).toBe('error');
  expect(f.message).toContain("'fc.weight'");
  expect(f.fix).toMatch(/refit/);
  expect(f.details).toMatchObject({ stripped: 1 });
  // The same model with its data is fine.
  expect(await findings({ nodes: [node('MatMul', ['x', 'w'], ['y'])], initializers: [floatTensor('w', [4, 4])], inputs: [valueInfo('x', [1, 4])], outputs: [valueInfo('y', [1, 4])] })).toEqual([]);
});

describe('DATA_DEPENDENT_SHAPE', () => {
  test('a Range whose length comes from the values of a data input: a warning naming both', async () => {
    const fs = await findings({
      nodes: [
        node('ReduceMax', ['x'], ['m'], { attribute: [{ name: 'keepdims', type: 2, i: 0 }] }),
        node('Cast', ['m'], ['n'], { attribute: [{ name: 'to', type: 2, i: INT64 }] }),
        node('Range', ['zero', 'n', 'one'], ['y']),
      ],
      initializers: [
        { name: 'zero', dims: [], data_type: INT64, int64_data: [0] },
        { name: 'one', dims: [], data_type: INT64, int64_data: [1] },
      ],
      inputs: [valueInfo('x', ['batch', 8])],
      outputs: [valueInfo('y', [null], INT64)],
    });
    const f = fs.find((x) => x.code === 'DATA_DEPENDENT_SHAPE')!;
    expect([f.severity, f.node!.opType, f.details!.input]).toEqual(['warning', 'Range', 'x']);
  });
  test('a Range over a shape (bounded by the profile), or over a shape-tensor input, is no finding', async () => {
    const fromShape = await findings({
      nodes: [node('Shape', ['x'], ['s']), node('Gather', ['s', 'i1'], ['n']), node('Range', ['zero', 'n', 'one'], ['y'])],
      initializers: [
        { name: 'zero', dims: [], data_type: INT64, int64_data: [0] },
        { name: 'one', dims: [], data_type: INT64, int64_data: [1] },
        { name: 'i1', dims: [], data_type: INT64, int64_data: [1] },
      ],
      inputs: [valueInfo('x', ['batch', 'len'])],
      outputs: [valueInfo('y', [null], INT64)],
    });
    expect(fromShape.filter((f) => f.code === 'DATA_DEPENDENT_SHAPE')).toEqual([]);
    const shapeInput = await findings({
      nodes: [node('Expand', ['x', 'shape'], ['y'])],
      inputs: [valueInfo('x', [1, 4]), valueInfo('shape', [2], INT64)],
      outputs: [valueInfo('y', [null, 4])],
    });
    expect(shapeInput.filter((f) => f.code === 'DATA_DEPENDENT_SHAPE')).toEqual([]);
  });
});
