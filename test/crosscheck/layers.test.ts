/**
 * The layer-wise comparison without TensorRT, on the PyTorch-exported fixtures: the rewritten model (read back by
 * the reader, run by onnxruntime, external data included), the selection refused with the nearest name, the first
 * divergence named with its PyTorch module (the opset-10 Resize against PyTorch's activations; a perturbed
 * activation in the reference), a partial selection, a runner that does not expose a tensor, and the reports.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { check } from '../../lib/check';
import { crossCheck } from '../../lib/crosscheck';
import { moduleOf } from '../../lib/diagnostics/layers/module-path';
import { InvalidValueError } from '../../lib/errors';
import { outputsToAdd, withGraphOutputs } from '../../lib/onnx/add-outputs';
import { readModel } from '../../lib/onnx/reader';
import type { ModelSummary } from '../../lib/onnx/types';
import { renderHtmlReport } from '../../lib/report';
import type { Runner } from '../../lib/runners/runner';
import { createOnnxRuntimeRunner } from '../../lib/runners/onnxruntime/runner';
import { readNpz, writeNpz } from '../../lib/tensor/npz';
import type { NamedTensors } from '../../lib/tensor/types';
import { buildEngine } from '../../lib/trt/build';
import { runCli } from '../helpers/cli';
import { FIXTURES, fixture, modelOf } from './manifest';

jest.setTimeout(120_000);

const at = (name: string, file: string) => path.join(FIXTURES, name, file);
let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'trt-node-layers-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Every intermediate tensor of `model` (graph outputs and Constant outputs aside) computed by onnxruntime at `inputs`. */
async function activations(name: string, inputs: NamedTensors): Promise<{ summary: ModelSummary; outputs: NamedTensors; intermediates: string[] }> {
  const file = modelOf(fixture(name));
  const summary = await readModel(file);
  const intermediates = summary.nodes.filter((n) => n.opType !== 'Constant').flatMap((n) => n.outputs).filter((o) => !summary.outputs.some((x) => x.name === o));
  const bytes = withGraphOutputs(fs.readFileSync(file), outputsToAdd(summary, intermediates));
  const runner = await createOnnxRuntimeRunner({ file, bytes, baseDir: path.dirname(file) });
  try {
    return { summary, outputs: await runner.run(inputs, { shapes: {} }), intermediates };
  } finally {
    await runner.dispose();
  }
}

/** A reference .npz with the activations under their names, a leading '/' left out (an .npz entry cannot start with one). */
async function saveReference(file: string, tensors: NamedTensors): Promise<string> {
  await writeNpz(file, Object.fromEntries(Object.entries(tensors).map(([k, t]) => [k.replace(/^\/+/, ''), t])));
  return file;
}

test('the rewritten model is read back by the reader with the added outputs (typed from value_info) and runs in onnxruntime with its external data', async () => {
  const file = modelOf(fixture('dynamo_bilinear_upsample'));
  const summary = await readModel(file);
  const added = outputsToAdd(summary, ['relu', 'upsample_bilinear2d', 'conv2d_1']);
  expect(added).toEqual([
    { name: 'relu', elemType: 'float32' },
    { name: 'upsample_bilinear2d', elemType: 'float32' },
  ]); // conv2d_1 is an output already
  const bytes = withGraphOutputs(fs.readFileSync(file), added);
  const back = await readModel(bytes, { baseDir: path.dirname(file) });
  expect(back.outputs.map((o) => [o.name, o.elemType])).toEqual([
    ['conv2d_1', 'float32'],
    ['relu', 'float32'],
    ['upsample_bilinear2d', 'float32'],
  ]);
  expect(back.nodes).toEqual(summary.nodes);
  expect(back.externalData.map((e) => e.location)).toEqual(summary.externalData.map((e) => e.location));
  const inputs = await readNpz(at('dynamo_bilinear_upsample', 'inputs_1x3x20x28.npz'));
  const { outputs } = await activations('dynamo_bilinear_upsample', inputs);
  expect(Object.keys(outputs).sort()).toEqual(['conv2d', 'conv2d_1', 'relu', 'upsample_bilinear2d']);
  expect(outputs.upsample_bilinear2d.dims).toEqual([1, 8, 40, 56]);
  // Untyped additions (the classic exporter records no value_info here): onnxruntime infers their types.
  const classic = await readModel(modelOf(fixture('super_resolution')));
  expect(outputsToAdd(classic, ['/relu/Relu_output_0'])).toEqual([{ name: '/relu/Relu_output_0' }]);
});

test('unknown layer names are refused naming the option (or flag) and the nearest name; an empty selection too', async () => {
  const model = modelOf(fixture('bilinear_upsample_opset10'));
  const err = await check(model, { layers: ['/Relu_outpt_0'] }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(InvalidValueError);
  expect((err as Error).message).toMatch(/for options\.layers but received "\/Relu_outpt_0"\. Did you mean '\/Relu_output_0'\?/);
  await expect(crossCheck(model, { layers: [] })).rejects.toThrow(/options\.layers/);
  const cli = await runCli(['check', model, '--layers', 'Resize,Relux']);
  expect(cli.code).toBe(2);
  expect(cli.stderr).toMatch(/for --layers but received "Relux"\. Did you mean 'Relu'\?/);
  await expect(check(model, { layers: ['/Constant_output_0'] })).rejects.toThrow(/options\.layers\[0\].*a Constant node, the same on every side/);
  // Names, nodes and op types all select: '/Resize' (a node), 'Conv' (an op type), a tensor.
  const r = await crossCheck(model, { layers: ['/Resize', 'Conv', '/Relu_output_0'], probes: [{ input: [1, 3, 16, 16] }], runners: [{ kind: 'onnxruntime' }, { kind: 'onnxruntime', graphOptimization: 'disabled' }] });
  expect(r.probes[0].layers!.pairs[0].tensors.map((t) => t.tensor)).toEqual(['/conv_in/Conv_output_0', '/Relu_output_0', '/Resize_output_0', 'output']);
});

test("markOutputs is checked before TensorRT is asked for: tensor names only, a misspelt one refused with the nearest; layers refuses a runner's own markOutputs", async () => {
  const model = modelOf(fixture('dynamo_bilinear_upsample'));
  const profiles = { x: { min: [1, 3, 16, 16], opt: [1, 3, 16, 16], max: [1, 3, 16, 16] } };
  await expect(buildEngine(model, { profiles, markOutputs: ['relu_'] })).rejects.toThrow(/options\.markOutputs\[0\].*Did you mean 'relu'\?/);
  await expect(buildEngine(model, { profiles, markOutputs: [] as string[] })).rejects.toThrow(/options\.markOutputs/);
  await expect(check(model, { layers: 'all', tensorrt: { build: { markOutputs: ['relu'] } }, profiles })).rejects.toThrow(/no markOutputs with layers/);
});

describe('the first divergence', () => {
  test("bilinear_upsample_opset10 against PyTorch's activations: the Resize node, from the model's own forward(), with the opset fix", async () => {
    // PyTorch's activations: those of the opset-11 export of the same module (same weights, same tensor names),
    // whose output matches PyTorch's saved reference.
    const inputs = await readNpz(at('bilinear_upsample', 'inputs_1x3x32x32.npz'));
    const good = await activations('bilinear_upsample', inputs);
    const pytorch = await readNpz(at('bilinear_upsample', 'reference_1x3x32x32.npz'));
    const agree = await check(modelOf(fixture('bilinear_upsample')), { samples: [{ inputs, reference: pytorch }], probe: false });
    expect(agree.pass).toBe(true);
    const reference = await saveReference(path.join(tmp, 'acts_opset10.npz'), { ...good.outputs, output: pytorch.output });

    const r = await check(modelOf(fixture('bilinear_upsample_opset10')), { samples: [{ inputs: at('bilinear_upsample_opset10', 'inputs_1x3x32x32.npz'), reference }], layers: 'all' });
    const d = r.layers!.divergences.find((x) => x.expected === 'reference')!;
    expect(d.node).toMatchObject({ name: '/Resize', opType: 'Resize', origin: { module: '', from: 'scope name' } });
    expect(d.exact).toBe(true);
    expect(d.inputs.map((t) => [t.tensor, t.pass])).toEqual([['/Relu_output_0', true]]);
    expect(d.outputs.map((t) => [t.tensor, t.pass])).toEqual([['/Resize_output_0', false]]);
    const f = r.findings.find((x) => x.code === 'FIRST_DIVERGENCE')!;
    expect(f.node?.name).toBe('/Resize');
    expect(f.message).toMatch(/first departs from reference at '\/Resize' \(Resize, node 3\), from the model's own forward\(\)/);
    expect(f.fix).toMatch(/opset_version=11/);
    expect(JSON.parse(JSON.stringify(r.layers))).toEqual(r.layers);
  });

  test('an activation perturbed in the reference: its node is named, with its module (classic scope names, and dynamo metadata)', async () => {
    for (const [name, sample, perturbed, node, module, moduleClass] of [
      ['super_resolution', 'inputs_1x1x64x64.npz', '/conv2/Conv_output_0', '/conv2/Conv', 'conv2', undefined],
      ['dynamo_bilinear_upsample', 'inputs_1x3x20x28.npz', 'conv2d', 'node_conv2d', 'conv_in', 'torch.nn.modules.conv.Conv2d'],
    ] as const) {
      const inputs = await readNpz(at(name, sample));
      const acts = await activations(name, inputs);
      const t = acts.outputs[perturbed];
      const data = Float32Array.from(t.data as Float32Array);
      data[data.length >> 1] += 0.5;
      const reference = await saveReference(path.join(tmp, `${name}.npz`), { ...acts.outputs, [perturbed]: { ...t, data } });
      const r = await check(modelOf(fixture(name)), { samples: [{ inputs: at(name, sample), reference }], layers: 'all', probe: false });
      const d = r.layers!.divergences[0];
      expect([d.actual, d.expected]).toEqual(['onnxruntime', 'reference']);
      expect(d.node.name).toBe(node);
      expect(d.node.origin?.module).toBe(module);
      expect(d.node.origin?.moduleClass).toBe(moduleClass);
      expect(d.outputs[0]).toMatchObject({ tensor: perturbed, pass: false, failingCount: 1 });
      // Downstream tensors agree with the reference again (it was perturbed only there): one divergence, no more.
      expect(r.layers!.divergences).toHaveLength(1);
      expect(r.pass).toBe(true); // the outputs agree: the finding is a warning
      expect(r.findings.find((f) => f.code === 'FIRST_DIVERGENCE')?.severity).toBe('warning');
    }
  });

  test('a partial selection names the first observed place of a divergence, saying unobserved nodes lie before it', async () => {
    const name = 'super_resolution';
    const inputs = await readNpz(at(name, 'inputs_1x1x64x64.npz'));
    const acts = await activations(name, inputs);
    // Only Conv outputs are selected: /conv3/Conv's input, /relu_2/Relu_output_0, is not observed.
    const reference = await saveReference(path.join(tmp, 'conv3.npz'), scaled(acts.outputs, '/conv3/Conv_output_0'));
    const r = await check(modelOf(fixture(name)), { samples: [{ inputs: at(name, 'inputs_1x1x64x64.npz'), reference }], layers: ['Conv'], probe: false });
    const d = r.layers!.divergences[0];
    expect(d.node.name).toBe('/conv3/Conv');
    expect(d.exact).toBe(false);
    expect(d.inputs).toEqual([]);
    expect(r.layers!.selected).toBe(4); // conv1..conv4 (the pixel shuffle after conv4 makes the output)
    expect(r.findings.find((f) => f.code === 'FIRST_DIVERGENCE')?.message).toMatch(/the first observed place: unobserved nodes lie just before it/);
  });

  test('a runner that does not return a selected tensor has it listed as not observable, never dropped', async () => {
    const name = 'dynamo_bilinear_upsample';
    const file = modelOf(fixture(name));
    const summary = await readModel(file);
    const bytes = withGraphOutputs(fs.readFileSync(file), outputsToAdd(summary, ['conv2d', 'relu', 'upsample_bilinear2d']));
    const partial = withoutTensor(await createOnnxRuntimeRunner({ file, bytes, baseDir: path.dirname(file) }), 'relu');
    try {
      const r = await crossCheck(file, { runners: [{ kind: 'onnxruntime' }, partial], layers: 'all', probes: [{ x: [1, 3, 20, 28] }] });
      const pair = r.probes[0].layers!.pairs[0];
      expect([pair.actual, pair.expected, pair.notObservable]).toEqual(['partial', 'onnxruntime', ['relu']]);
      expect(pair.tensors.map((t) => t.tensor)).toEqual(['conv2d', 'upsample_bilinear2d', 'conv2d_1']);
      expect(r.layers!.notObservable).toEqual([expect.objectContaining({ runner: 'partial', tensors: ['relu'] })]);
      expect(r.pass).toBe(true);
    } finally {
      await partial.dispose();
    }
  });
});

/** `tensors` with one of them scaled by 1.5. */
function scaled(tensors: NamedTensors, name: string): NamedTensors {
  const t = tensors[name];
  return { ...tensors, [name]: { ...t, data: Float32Array.from(t.data as Float32Array, (x) => x * 1.5) } };
}

/** A runner over `inner` named 'partial' that leaves `drop` out of its outputs. */
function withoutTensor(inner: Runner, drop: string): Runner {
  return {
    name: 'partial',
    kind: 'custom',
    description: 'onnxruntime, one tensor left out',
    supports: () => true,
    run: async (feeds, probe) => {
      const out = { ...(await inner.run(feeds, probe)) };
      delete out[drop];
      return out;
    },
    dispose: () => inner.dispose(),
  };
}

test('module paths: the classic exporter scope names and the dynamo exporter metadata, nested modules included', () => {
  expect(moduleOf({ name: '/encoder/layer.0/attention/Softmax' })).toEqual({ module: 'encoder.layer.0.attention', from: 'scope name' });
  expect(moduleOf({ name: '/Resize' })).toEqual({ module: '', from: 'scope name' });
  expect(moduleOf({ name: 'node_relu' })).toBeUndefined();
  const metadata = {
    'pkg.torch.onnx.name_scopes': "['', 'encoder', 'encoder.layer.0', 'encoder.layer.0.attention', 'softmax']",
    'pkg.torch.onnx.class_hierarchy': "['__main__.Bert', 'transformers.BertEncoder', 'transformers.BertLayer', 'transformers.BertSelfAttention', 'aten.softmax.int']",
  };
  expect(moduleOf({ name: 'node_softmax', metadata })).toEqual({ module: 'encoder.layer.0.attention', moduleClass: 'transformers.BertSelfAttention', from: 'dynamo metadata' });
});

test('the reports: text, JSON and the HTML chart of error against depth with the diverging node, and the note on marking', async () => {
  const name = 'dynamo_bilinear_upsample';
  const inputs = await readNpz(at(name, 'inputs_1x3x20x28.npz'));
  const acts = await activations(name, inputs);
  const reference = await saveReference(path.join(tmp, 'report.npz'), scaled(acts.outputs, 'upsample_bilinear2d'));
  const json = path.join(tmp, 'check.json');
  const report = path.join(tmp, 'report.html');
  const cli = await runCli(['check', modelOf(fixture(name)), '--inputs', at(name, 'inputs_1x3x20x28.npz'), '--reference', reference, '--layers', 'all', '--report', report, '--json', json]);
  expect(cli.code).toBe(0);
  expect(cli.stdout).toMatch(/Layers \(3 intermediate tensors selected: all/);
  expect(cli.stdout).toMatch(/First divergence, onnxruntime\w* vs reference: 'node_upsample_bilinear2d' \(Resize, depth 2, the model's own forward\(\)/);
  expect(cli.stdout).toMatch(/can change how TensorRT fuses layers/);
  const written = JSON.parse(fs.readFileSync(json, 'utf8'));
  expect(written.layers.divergences[0].node).toMatchObject({ name: 'node_upsample_bilinear2d', depth: 2 });
  expect(written.findings.some((f: { code: string }) => f.code === 'FIRST_DIVERGENCE')).toBe(true);
  const html = fs.readFileSync(report, 'utf8');
  expect(html).toContain('data-chart="layers"');
  expect(html).toContain('first divergence: node_upsample_bilinear2d (Resize)');
  expect(html).toMatch(/can change how TensorRT fuses layers/);
  const again = await renderHtmlReport(await crossCheck(modelOf(fixture(name)), { samples: [{ inputs, reference }], layers: 'all', sweep: false }));
  expect(again).toContain('Error against depth');
});
