/**
 * The reader on every model PyTorch exported (test/fixtures), checked against what the export script says it did
 * (manifest.json) and, independently, against a full protobufjs decode of the same file.
 */
import * as fs from 'fs';
import * as path from 'path';
import { readModel, readModelSync } from '../../lib/onnx/reader';
import { onnxType } from '../../lib/onnx/schema';
import type { ModelSummary } from '../../lib/onnx/types';

const FIXTURES = path.join(__dirname, '..', 'fixtures');

interface ManifestEntry {
  name: string;
  model: string | null;
  export: {
    opset_version: number;
    input_names: string[];
    output_names: string[];
    dynamic_axes: Record<string, Record<string, string>> | null;
    export_params: boolean;
    training: string;
    example_shape: number[];
    /** Per input, for models with several. */
    example_shapes?: Record<string, number[]>;
    /** 'dynamo' for torch.onnx.export(..., dynamo=True); absent for the classic exporter. */
    exporter?: 'dynamo';
  };
}

const manifest = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'manifest.json'), 'utf8')) as { fixtures: ManifestEntry[] };
const exported = manifest.fixtures.filter((f) => f.model !== null);

function count(s: ModelSummary, opType: string, domain = ''): number {
  return s.nodeCounts.find((c) => c.opType === opType && c.domain === domain)?.count ?? 0;
}

test('the manifest lists the models the issue asks for', () => {
  const names = exported.map((f) => f.name);
  for (const n of ['super_resolution', 'super_resolution_static', 'super_resolution_no_params', 'bilinear_upsample']) {
    expect(names).toContain(n);
  }
});

describe.each(exported.map((f) => [f.name, f] as const))('%s', (_name, fixture) => {
  const file = path.join(FIXTURES, fixture.model as string);
  let summary: ModelSummary;
  beforeAll(async () => {
    summary = await readModel(file);
  });

  test('sync, async and bytes readers agree', () => {
    expect(readModelSync(file)).toEqual(summary);
    const fromBytes = readModelSync(fs.readFileSync(file), { baseDir: path.dirname(file) });
    expect({ ...fromBytes, file: summary.file }).toEqual(summary);
  });

  test('header: IR version, producer, opset = opset_version', () => {
    expect(summary.file).toBe(file);
    expect(summary.fileBytes).toBe(fs.statSync(file).size);
    expect(summary.irVersion).toBeGreaterThanOrEqual(3);
    expect(summary.producerName).toBe('pytorch');
    expect(summary.opsets.find((o) => o.domain === '')?.version).toBe(fixture.export.opset_version);
  });

  test('input and output names are input_names / output_names', () => {
    const names = fixture.export.input_names;
    // PyTorch lists the user's inputs first; with export_params=False the parameters follow as inputs.
    expect(summary.inputs.slice(0, names.length).map((i) => i.name)).toEqual(names);
    if (fixture.export.export_params) expect(summary.inputs.filter((i) => !i.isInitializer).map((i) => i.name)).toEqual(names);
    expect(summary.outputs.map((o) => o.name)).toEqual(fixture.export.output_names);
  });

  test('dims: symbolic exactly on dynamic_axes, fixed (the example shape) elsewhere', () => {
    const dynamic = fixture.export.dynamic_axes;
    for (const input of summary.inputs.filter((i) => fixture.export.input_names.includes(i.name))) {
      const axes = dynamic?.[input.name] ?? {};
      const example = fixture.export.example_shapes?.[input.name] ?? fixture.export.example_shape;
      expect(input.elemType).toBe('float32');
      expect(input.dims).toHaveLength(example.length);
      input.dims!.forEach((d, axis) => {
        if (axes[axis] !== undefined) expect(d).toEqual({ kind: 'symbolic', name: axes[axis] });
        else expect(d).toEqual({ kind: 'fixed', value: example[axis] });
      });
    }
    for (const output of summary.outputs) {
      const axes = dynamic?.[output.name];
      expect(output.dims).not.toBeNull();
      if (dynamic === null) {
        expect(output.dims!.every((d) => d.kind === 'fixed')).toBe(true);
      } else if (axes) {
        output.dims!.forEach((d, axis) => {
          if (axes[axis] !== undefined) expect(d).toEqual({ kind: 'symbolic', name: axes[axis] });
          else expect(d.kind).toBe('fixed');
        });
      }
    }
  });

  test('export_params decides whether weights are initializers or graph inputs', () => {
    const weightInputs = summary.inputs.filter((i) => !fixture.export.input_names.includes(i.name));
    if (fixture.export.export_params) {
      // A model with layers has weights as initializers (nms_detections has no parameter at all).
      if (summary.nodes.some((n) => n.opType === 'Conv' || n.opType === 'Gemm')) expect(summary.initializers.count).toBeGreaterThan(0);
      expect(weightInputs.every((i) => i.isInitializer)).toBe(true);
    } else if (fixture.export.exporter === 'dynamo') {
      // dynamo=True drops the weights without making them inputs: the Conv weights are provided by nothing.
      expect(weightInputs).toEqual([]);
      const provided = new Set([...summary.inputs.map((i) => i.name), ...summary.initializers.list.map((t) => t.name), ...summary.nodes.flatMap((n) => n.outputs)]);
      for (const n of summary.nodes.filter((x) => x.opType === 'Conv')) expect(provided.has(n.inputs[1])).toBe(false);
    } else {
      expect(summary.initializers.count).toBe(0);
      expect(weightInputs.length).toBeGreaterThan(0);
      expect(weightInputs.every((i) => !i.isInitializer)).toBe(true);
      // Every Conv weight is fed by a graph input.
      const inputNames = new Set(summary.inputs.map((i) => i.name));
      for (const n of summary.nodes.filter((x) => x.opType === 'Conv')) expect(inputNames.has(n.inputs[1])).toBe(true);
    }
  });

  test('agrees with a full protobufjs decode (nodes, initializers, values)', () => {
    const M = onnxType('ModelProto');
    const full = M.toObject(M.decode(fs.readFileSync(file)), { longs: Number, arrays: true }) as {
      graph: { node: { op_type: string; domain?: string; name: string; input: string[] }[]; initializer: Record<string, unknown>[] };
    };
    // dynamo=True saves the weights next to the model (model.onnx.data): their length is in external_data.
    const bytes = (t: Record<string, unknown>) =>
      t.raw_data ? (t.raw_data as Uint8Array).length : Number((t.external_data as { key: string; value: string }[]).find((e) => e.key === 'length')?.value ?? 0);
    expect(summary.nodes.map((n) => [n.index, n.opType, n.name, n.inputs])).toEqual(
      full.graph.node.map((n, i) => [i, n.op_type, n.name, n.input]),
    );
    expect(summary.initializers.list.map((t) => [t.name, t.dims, t.byteLength])).toEqual(full.graph.initializer.map((t) => [t.name, t.dims, bytes(t)]));
    expect(summary.initializers.totalBytes).toBe(full.graph.initializer.reduce((a, t) => a + bytes(t), 0));
    for (const [i, t] of summary.initializers.list.entries()) {
      const raw = full.graph.initializer[i].raw_data as Uint8Array | undefined;
      // Values of inline float32 tensors (dynamo also stores int64 constants, and external weights).
      if (!raw || t.elemType !== 'float32') continue;
      const floats = new Float32Array(Uint8Array.from(raw).buffer);
      if (floats.length <= 64) expect(t.values?.map(Math.fround)).toEqual(Array.from(floats));
      else expect(t.values).toBeUndefined();
    }
  });
});

describe('plausible operators per model', () => {
  const read = (name: string) => readModel(path.join(FIXTURES, name, 'model.onnx'));

  test('super_resolution: 4 Conv, 3 Relu, a pixel shuffle; 8 float32 weights', async () => {
    for (const name of ['super_resolution', 'super_resolution_static', 'super_resolution_no_params']) {
      const s = await read(name);
      expect(count(s, 'Conv')).toBe(4);
      expect(count(s, 'Relu')).toBe(3);
      expect(count(s, 'DepthToSpace') + Math.min(count(s, 'Reshape'), count(s, 'Transpose'))).toBeGreaterThanOrEqual(1);
    }
    const s = await read('super_resolution');
    expect(s.initializers.dtypes).toEqual({ float32: 8 });
    const conv2 = s.initializers.list.find((t) => t.name === 'conv2.weight');
    expect(conv2).toMatchObject({ dims: [64, 64, 3, 3], byteLength: 64 * 64 * 9 * 4, dataLocation: 'internal' });
    const conv1 = s.nodes.find((n) => n.opType === 'Conv');
    expect(conv1?.attributes.kernel_shape).toEqual({ type: 'ints', value: [5, 5] });
  });

  test('bilinear upsampling: Resize at opset 10/11, Upsample at opset 9', async () => {
    expect(count(await read('bilinear_upsample'), 'Resize')).toBe(1);
    expect(count(await read('bilinear_upsample_opset10'), 'Resize')).toBe(1);
    const opset9 = await read('bilinear_upsample_opset9');
    expect(count(opset9, 'Upsample')).toBe(1);
    const upsample = opset9.nodes.find((n) => n.opType === 'Upsample')!;
    expect(upsample.attributes.mode).toEqual({ type: 'string', value: 'linear' });
    // The scales constant: x2 on H and W.
    const scales = opset9.nodes.find((n) => n.outputs[0] === upsample.inputs[1])!;
    expect(scales.attributes.value).toEqual({
      type: 'tensor',
      value: expect.objectContaining({ elemType: 'float32', dims: [4], values: [1, 1, 2, 2] }),
    });
  });

  test('batchnorm_dropout: eval export folds both away; training export keeps them', async () => {
    const evalModel = await read('batchnorm_dropout');
    expect(count(evalModel, 'BatchNormalization')).toBe(0);
    expect(count(evalModel, 'Dropout')).toBe(0);
    const training = await read('batchnorm_dropout_training');
    expect(count(training, 'Dropout')).toBe(1);
    const bn = training.nodes.find((n) => n.opType === 'BatchNormalization')!;
    expect(bn.attributes.training_mode).toEqual({ type: 'int', value: 1 });
    expect(bn.attributes.epsilon).toEqual({ type: 'float', value: 1e-5 });
  });

  test('traced_reshape: a Reshape constant holds the traced h*w of the example shape', async () => {
    const fixture = exported.find((f) => f.name === 'traced_reshape')!;
    const [, , h, w] = fixture.export.example_shape;
    const s = await read('traced_reshape');
    const constants = new Map(
      s.nodes.filter((n) => n.opType === 'Constant').map((n) => [n.outputs[0], n.attributes.value] as const),
    );
    const shapes = s.nodes
      .filter((n) => n.opType === 'Reshape')
      .map((n) => constants.get(n.inputs[1]))
      .map((v) => (v?.type === 'tensor' ? v.value.values : undefined));
    expect(shapes.some((v) => v?.includes(h * w))).toBe(true);
    expect(s.nodes.find((n) => n.opType === 'Constant')?.attributes.value).toMatchObject({ value: { elemType: 'int64' } });
  });

  test('custom_op: com.example::FastGelu with its opset, and Unique', async () => {
    const s = await read('custom_op');
    expect(count(s, 'FastGelu', 'com.example')).toBe(1);
    expect(count(s, 'FastGelu')).toBe(0);
    expect(s.opsets).toContainEqual({ domain: 'com.example', version: 1 });
    expect(count(s, 'Unique')).toBe(1);
  });
});
