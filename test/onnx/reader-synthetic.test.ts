/** The reader on hand-made models: every attribute kind, dims kinds, domains, tensors stored every way. */
import * as fs from 'fs';
import * as path from 'path';
import { readModel, readModelSync } from '../../lib/onnx/reader';
import { DATA_TYPE_CODES } from '../../lib/onnx/schema';
import { encode, encodeModel, floatTensor, makeTemp, modelObject, node, removeTemp, valueInfo } from './build-model';

const io = {
  inputs: [valueInfo('x', ['batch', 3, null, 8])],
  outputs: [valueInfo('y', null)],
};

test("domains: 'ai.onnx' and absent both read as ''", () => {
  const bytes = encodeModel({
    ...io,
    opsets: [{ domain: 'ai.onnx', version: 13 }, { domain: 'com.microsoft', version: 1 }],
    nodes: [
      node('Relu', ['x'], ['a'], { domain: 'ai.onnx' }),
      node('Relu', ['a'], ['b']),
      node('Gelu', ['b'], ['y'], { domain: 'com.microsoft' }),
    ],
  });
  const s = readModelSync(bytes);
  expect(s.file).toBeNull();
  expect(s.fileBytes).toBe(bytes.length);
  expect(s.opsets).toEqual([{ domain: '', version: 13 }, { domain: 'com.microsoft', version: 1 }]);
  expect(s.nodeCounts).toEqual([
    { domain: '', opType: 'Relu', count: 2 },
    { domain: 'com.microsoft', opType: 'Gelu', count: 1 },
  ]);
  expect(s.nodes.map((n) => [n.index, n.domain, n.inputs, n.outputs])).toEqual([
    [0, '', ['x'], ['a']],
    [1, '', ['a'], ['b']],
    [2, 'com.microsoft', ['b'], ['y']],
  ]);
});

test('dims: fixed, symbolic, unknown; unknown rank; value_info; initializer-backed inputs', () => {
  const s = readModelSync(
    encodeModel({
      inputs: [...io.inputs, valueInfo('w', [4, 3])],
      outputs: io.outputs,
      initializers: [floatTensor('w', [4, 3])],
      valueInfo: [valueInfo('mid', ['batch', 4], DATA_TYPE_CODES.float16)],
      nodes: [node('MatMul', ['x', 'w'], ['y'])],
    }),
  );
  expect(s.inputs).toEqual([
    {
      name: 'x',
      elemType: 'float32',
      isInitializer: false,
      dims: [{ kind: 'symbolic', name: 'batch' }, { kind: 'fixed', value: 3 }, { kind: 'unknown' }, { kind: 'fixed', value: 8 }],
    },
    { name: 'w', elemType: 'float32', isInitializer: true, dims: [{ kind: 'fixed', value: 4 }, { kind: 'fixed', value: 3 }] },
  ]);
  expect(s.outputs).toEqual([{ name: 'y', elemType: 'float32', dims: null }]);
  expect(s.valueInfo).toEqual([
    { name: 'mid', elemType: 'float16', dims: [{ kind: 'symbolic', name: 'batch' }, { kind: 'fixed', value: 4 }] },
  ]);
});

test('attributes of every kind are decoded', () => {
  const branch = (op: string) => ({ name: op, node: [node(op, ['x'], ['z']), node('Relu', ['z'], ['out'])], output: [valueInfo('out', null)] });
  const int64Tensor = { dims: [3], data_type: 7, int64_data: [1, -1, 9007199254740991] };
  const s = readModelSync(
    encodeModel({
      ...io,
      nodes: [
        node('Custom', ['x'], ['y'], {
          attribute: [
            { name: 'alpha', type: 1, f: 0.1 },
            { name: 'axis', type: 2, i: -1 },
            { name: 'mode', type: 3, s: new TextEncoder().encode('nearest') },
            { name: 'scales', type: 6, floats: [0.5, 2] },
            { name: 'pads', type: 7, ints: [0, 1, 2, 3] },
            { name: 'names', type: 8, strings: [new TextEncoder().encode('a'), new TextEncoder().encode('b')] },
            { name: 'value', type: 4, t: int64Tensor },
            { name: 'then_branch', type: 5, g: branch('Neg') },
            { name: 'list', type: 9, tensors: [{ dims: [], data_type: 1, float_data: [1.5] }, floatTensor('', [2], [3, 4])] },
            { name: 'bodies', type: 10, graphs: [branch('Abs'), branch('Exp')] },
            { name: '__proto__', type: 2, i: 7 },
            { name: 'legacy', i: 5 }, // IR 1: no type field
          ],
        }),
      ],
    }),
  );
  const a = s.nodes[0].attributes;
  expect(a.alpha).toEqual({ type: 'float', value: 0.1 });
  expect(a.axis).toEqual({ type: 'int', value: -1 });
  expect(a.mode).toEqual({ type: 'string', value: 'nearest' });
  expect(a.scales).toEqual({ type: 'floats', value: [0.5, 2] });
  expect(a.pads).toEqual({ type: 'ints', value: [0, 1, 2, 3] });
  expect(a.names).toEqual({ type: 'strings', value: ['a', 'b'] });
  expect(a.value).toEqual({
    type: 'tensor',
    value: { name: '', elemType: 'int64', dims: [3], byteLength: 24, dataLocation: 'internal', values: [1, -1, 9007199254740991] },
  });
  const counts = (op: string) => [
    { domain: '', opType: op, count: 1 },
    { domain: '', opType: 'Relu', count: 1 },
  ];
  expect(a.then_branch).toEqual({ type: 'graph', value: { nodeCount: 2, nodeCounts: counts('Neg') } });
  expect(a.list).toEqual({
    type: 'tensors',
    value: [
      { name: '', elemType: 'float32', dims: [], byteLength: 4, dataLocation: 'internal', values: [1.5] },
      { name: '', elemType: 'float32', dims: [2], byteLength: 8, dataLocation: 'internal', values: [3, 4] },
    ],
  });
  expect(a.bodies).toEqual({
    type: 'graphs',
    value: [
      { nodeCount: 2, nodeCounts: counts('Abs') },
      { nodeCount: 2, nodeCounts: counts('Exp') },
    ],
  });
  expect(Object.getOwnPropertyDescriptor(a, '__proto__')?.value).toEqual({ type: 'int', value: 7 });
  expect(a.legacy).toEqual({ type: 'int', value: 5 });
  // Subgraph nodes are not main-graph nodes.
  expect(s.nodeCounts).toEqual([{ domain: '', opType: 'Custom', count: 1 }]);
});

test('tensor values: raw and typed storage, float16, bool; none above 64 elements', () => {
  const half = (x: number) => (x === 1 ? 0x3c00 : x === -2 ? 0xc000 : 0x3800); // 1, -2, 0.5
  const s = readModelSync(
    encodeModel({
      ...io,
      initializers: [
        floatTensor('small', [2, 2], [1, 2, 3, 4.5]),
        floatTensor('big', [65]),
        { name: 'typed', dims: [3], data_type: 1, float_data: [0.25, -1, 3] },
        { name: 'h', dims: [3], data_type: 10, int32_data: [1, -2, 0.5].map(half) },
        { name: 'hraw', dims: [3], data_type: 10, raw_data: new Uint8Array(new Uint16Array([1, -2, 0.5].map(half)).buffer) },
        { name: 'flags', dims: [2], data_type: 9, raw_data: new Uint8Array([1, 0]) },
        { name: 'i8', dims: [2], data_type: 3, int32_data: [-128, 127] },
        { name: 'd', dims: [1], data_type: 11, double_data: [0.1] },
        { name: 'bigtyped', dims: [100], data_type: 7, int64_data: Array.from({ length: 100 }, (_, i) => i) },
        { name: 'str', dims: [2], data_type: 8, string_data: [new TextEncoder().encode('ab'), new TextEncoder().encode('cde')] },
        { name: 'mismatch', dims: [4], data_type: 1, raw_data: new Uint8Array(8) },
      ],
    }),
  );
  const t = Object.fromEntries(s.initializers.list.map((x) => [x.name, x]));
  expect(t.small).toMatchObject({ elemType: 'float32', dims: [2, 2], byteLength: 16, values: [1, 2, 3, 4.5] });
  expect(t.big).toMatchObject({ byteLength: 260 });
  expect(t.big.values).toBeUndefined();
  expect(t.typed).toMatchObject({ byteLength: 12, values: [0.25, -1, 3] });
  expect(t.h).toMatchObject({ elemType: 'float16', byteLength: 6, values: [1, -2, 0.5] });
  expect(t.hraw).toMatchObject({ elemType: 'float16', byteLength: 6, values: [1, -2, 0.5] });
  expect(t.flags).toMatchObject({ elemType: 'bool', byteLength: 2, values: [1, 0] });
  expect(t.i8).toMatchObject({ elemType: 'int8', byteLength: 2, values: [-128, 127] });
  expect(t.d).toMatchObject({ elemType: 'float64', byteLength: 8, values: [0.1] });
  expect(t.bigtyped).toMatchObject({ elemType: 'int64', byteLength: 800 });
  expect(t.bigtyped.values).toBeUndefined();
  expect(t.str).toMatchObject({ elemType: 'string', byteLength: 5 });
  expect(t.str.values).toBeUndefined();
  expect(t.mismatch.values).toBeUndefined(); // 8 bytes cannot be 4 float32s
  expect(s.initializers.count).toBe(11);
  expect(s.initializers.dtypes).toEqual({ float32: 4, float16: 2, bool: 1, int8: 1, float64: 1, int64: 1, string: 1 });
  expect(s.initializers.totalBytes).toBe(s.initializers.list.reduce((a, x) => a + x.byteLength, 0));
});

test('sparse initializers count as initializers and back their inputs', () => {
  const s = readModelSync(
    encodeModel({
      inputs: [valueInfo('sp', [10, 10])],
      outputs: io.outputs,
      sparseInitializers: [
        {
          values: { name: 'sp', dims: [3], data_type: 1, raw_data: new Uint8Array(12) },
          indices: { dims: [3], data_type: 7, raw_data: new Uint8Array(24) },
          dims: [10, 10],
        },
      ],
    }),
  );
  expect(s.initializers.list).toEqual([
    { name: 'sp', elemType: 'float32', dims: [10, 10], byteLength: 36, dataLocation: 'internal', sparse: true },
  ]);
  expect(s.inputs[0].isInitializer).toBe(true);
});

test('fields the reader does not use (doc strings, metadata) are skipped; functions and training info are walked', () => {
  const base = encodeModel({ ...io, nodes: [node('Relu', ['x'], ['y'])] });
  // Appended fields are merged into the message: doc_string (6), training_info (20), functions (25).
  const withUnknown = Buffer.concat([
    base,
    Buffer.from([0x32, 3, 0x61, 0x62, 0x63]), // field 6, 'abc'
    Buffer.from([0xa2, 0x01, 2, 0x0a, 0x00]), // field 20, 2 bytes: an empty initialization graph
    Buffer.from([0xca, 0x01, 2, 0x0a, 0x00]), // field 25, 2 bytes: a function with an empty name
  ]);
  const expected = { ...readModelSync(base), functions: [{ domain: '', name: '', nodeCount: 0, nodeCounts: [] }] };
  expect({ ...readModelSync(withUnknown), fileBytes: base.length }).toEqual(expected);
  // They are walked, so a corrupt one is an error (it may hide external data the guard must see).
  expect(() => readModelSync(Buffer.concat([base, Buffer.from([0xca, 0x01, 1, 0x00])]))).toThrow(/functions\[0\]: field number 0 is invalid protobuf/);
});

test('summarising reads only headers: bytes read stay tiny next to the weights', async () => {
  const dir = makeTemp();
  try {
    const layers = 8;
    const initializers = Array.from({ length: layers }, (_, i) => floatTensor(`w${i}`, [256, 1024])); // 1 MiB each
    const nodes = Array.from({ length: layers }, (_, i) => node('MatMul', [i ? `h${i - 1}` : 'x', `w${i}`], [i === layers - 1 ? 'y' : `h${i}`]));
    const file = path.join(dir, 'big.onnx');
    fs.writeFileSync(file, encodeModel({ inputs: [valueInfo('x', ['n', 256])], outputs: io.outputs, initializers, nodes }));
    const size = fs.statSync(file).size;
    const stats = { bytesRead: 0, reads: 0 };
    const s = await readModel(file, { stats });
    expect(s.initializers.totalBytes).toBe(layers * 256 * 1024 * 4);
    expect(s.initializers.totalBytes).toBeLessThan(size);
    // Reads scale with the number of tensors (a small block after each skipped payload), not with their bytes.
    expect(stats.bytesRead).toBeLessThan((layers + 2) * 32 * 1024);
    expect(stats.bytesRead).toBeLessThan(size / 20);
    const syncStats = { bytesRead: 0, reads: 0 };
    readModelSync(file, { stats: syncStats });
    expect(syncStats).toEqual(stats);
  } finally {
    removeTemp(dir);
  }
});

test('the schema round-trips: what protobufjs encodes, the walker reads back', () => {
  const obj = modelObject({ ...io, nodes: [node('Relu', ['x'], ['y'])] });
  const s = readModelSync(encode('ModelProto', obj));
  expect(s.producerName).toBe('trt-node-tests');
  expect(s.graphName).toBe('g');
  expect(s.irVersion).toBe(8);
});
