/**
 * WEIGHTS_AS_INPUTS weighed like an expert, and WEIGHTS_MISSING: on the classic export_params=False fixture, the
 * dynamo=True one, a real two-input model whose second input is called 'bias', and hand-made models shaped like
 * ONNX's conformance tests (weights as inputs on purpose, no initializers).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ort from 'onnxruntime-node';
import { check } from '../../lib/check';
import { diagnoseStatic } from '../../lib/diagnostics';
import { translateOrtError } from '../../lib/diagnostics/ort-translate';
import { readModel } from '../../lib/onnx/reader';
import { encodeModel, floatTensor, node, valueInfo } from '../onnx/build-model';
import { fixture, fixtureFile, modelPath } from './fixtures';

const f32 = (dims: number[], fill = 0.5) => ({ type: 'float32' as const, dims, data: new Float32Array(dims.reduce((a, b) => a * b, 1)).fill(fill) });

describe('WEIGHTS_AS_INPUTS', () => {
  test('classic export_params=False: no initializer, state_dict names -> an error, and the run is not attempted', async () => {
    const m = await readModel(modelPath('super_resolution_no_params'));
    expect(m.initializers.count).toBe(0);
    const f = diagnoseStatic(m).find((x) => x.code === 'WEIGHTS_AS_INPUTS')!;
    expect(f.severity).toBe('error');
    expect(f.details!.parameters).toContainEqual(expect.objectContaining({ name: 'conv1.weight', strength: 'strong', evidence: ['state_dict name', 'Conv input 1'] }));
    expect(f.fix).toBe('torch.onnx.export(model, args, f, export_params=True, ...) (export_params=True is the default)');
    const r = await check(modelPath('super_resolution_no_params'), { probe: false });
    expect(r.runs[0]).toMatchObject({ ok: false, error: { code: 'WEIGHTS_AS_INPUTS' } });
  });

  test('the same model with its weights supplied in the inputs: it runs, and the finding is a warning', async () => {
    // The trained weights are in the classic super_resolution fixture's initializers: feed them by name.
    const full = await readModel(modelPath('super_resolution'));
    const noParams = await readModel(modelPath('super_resolution_no_params'));
    const weights: Record<string, ReturnType<typeof f32>> = {};
    for (const i of noParams.inputs.filter((x) => x.name !== 'input')) {
      const dims = i.dims!.map((d) => (d.kind === 'fixed' ? d.value : 1));
      expect(full.initializers.list.some((t) => t.name === i.name)).toBe(true);
      weights[i.name] = f32(dims, 0.01);
    }
    const r = await check(modelPath('super_resolution_no_params'), { samples: [{ inputs: { input: f32([1, 1, 16, 16]), ...weights } }], probe: false });
    const f = r.findings.find((x) => x.code === 'WEIGHTS_AS_INPUTS')!;
    expect(f.severity).toBe('warning');
    expect(f.details!.supplied).toBe(true);
    expect(f.message).toContain('You supplied them');
    expect(r.runs[0].ok).toBe(true);
    expect(r.runs[0].outputs[0].dims).toEqual([1, 1, 48, 48]);
    expect(r.pass).toBe(true);
  });

  test("a real two-input model whose second input is called 'bias' passes: no finding, both inputs fed", async () => {
    const entry = fixture('two_input_bias');
    const m = await readModel(modelPath('two_input_bias'));
    expect(m.inputs.filter((i) => !i.isInitializer).map((i) => i.name)).toEqual(['input', 'bias']);
    expect(diagnoseStatic(m).filter((f) => f.severity !== 'info')).toEqual([]);
    const r = await check(modelPath('two_input_bias'), {
      samples: entry.samples.map((s) => ({ inputs: fixtureFile(s.inputs), reference: fixtureFile(s.reference) })),
    });
    expect(r.findings.filter((f) => f.code === 'WEIGHTS_AS_INPUTS')).toEqual([]);
    expect(r.runs.map((x) => [x.shapes, x.pass])).toEqual(entry.samples.map((s) => [s.shapes, true]));
    expect(r.pass).toBe(true);
  });

  test('conformance-shaped models (weights as inputs on purpose): slot or bare names alone are not the signature', async () => {
    // ONNX's test_conv_with_padding and test_layer_normalization_*: W (and B) are inputs; no initializer anywhere.
    const conv = await readModel(
      encodeModel({
        nodes: [node('Conv', ['x', 'W'], ['y'])],
        inputs: [valueInfo('x', [1, 1, 5, 5]), valueInfo('W', [1, 1, 3, 3])],
        outputs: [valueInfo('y', [1, 1, 3, 3])],
      }),
    );
    expect(diagnoseStatic(conv).map((f) => f.code)).not.toContain('WEIGHTS_AS_INPUTS');
    // NLLLoss's class weights: named 'weight', but data.
    const nll = await readModel(
      encodeModel({
        opsets: [{ domain: '', version: 13 }],
        nodes: [node('NegativeLogLikelihoodLoss', ['input', 'target', 'weight'], ['loss'])],
        inputs: [valueInfo('input', [3, 5]), valueInfo('target', [3], 7), valueInfo('weight', [5])],
        outputs: [valueInfo('loss', [])],
      }),
    );
    expect(diagnoseStatic(nll).map((f) => f.code)).not.toContain('WEIGHTS_AS_INPUTS');
    // A model that carries initializers was exported with its weights: an input called conv.weight is data.
    const carrying = await readModel(
      encodeModel({
        nodes: [node('Conv', ['x', 'conv.weight'], ['c']), node('Add', ['c', 'b'], ['y'])],
        initializers: [floatTensor('b', [1])],
        inputs: [valueInfo('x', [1, 1, 5, 5]), valueInfo('conv.weight', [1, 1, 3, 3])],
        outputs: [valueInfo('y', [1, 1, 3, 3])],
      }),
    );
    expect(diagnoseStatic(carrying).map((f) => f.code)).not.toContain('WEIGHTS_AS_INPUTS');
  });

  test("a bare module's state_dict names in weight slots (nn.BatchNorm exported alone): the signature, run when supplied", async () => {
    const bn = encodeModel({
      nodes: [node('BatchNormalization', ['x', 'weight', 'bias', 'running_mean', 'running_var'], ['y'])],
      inputs: [valueInfo('x', [2, 3, 4, 4]), valueInfo('weight', [3]), valueInfo('bias', [3]), valueInfo('running_mean', [3]), valueInfo('running_var', [3])],
      outputs: [valueInfo('y', [2, 3, 4, 4])],
    });
    const m = await readModel(bn);
    expect(diagnoseStatic(m).find((f) => f.code === 'WEIGHTS_AS_INPUTS')?.severity).toBe('error');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trt-node-bn-'));
    try {
      const file = path.join(dir, 'bn.onnx');
      fs.writeFileSync(file, bn);
      const r = await check(file, {
        samples: [{ inputs: { x: f32([2, 3, 4, 4]), weight: f32([3], 1), bias: f32([3], 0), running_mean: f32([3], 0), running_var: f32([3], 1) } }],
        probe: false,
      });
      expect(r.findings.find((f) => f.code === 'WEIGHTS_AS_INPUTS')?.severity).toBe('warning');
      expect(r.runs[0].ok).toBe(true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("onnxruntime's missing-input error for weights named only weakly still translates (it proves they are needed)", async () => {
    const model = encodeModel({
      nodes: [node('Gemm', ['x', 'weight', 'bias'], ['y'], { attribute: [{ name: 'transB', type: 2, i: 1 }] })],
      inputs: [valueInfo('x', [1, 4]), valueInfo('weight', [2, 4]), valueInfo('bias', [2])],
      outputs: [valueInfo('y', [1, 2])],
    });
    const s = await ort.InferenceSession.create(model, { logSeverityLevel: 4 });
    const err = await s.run({ x: new ort.Tensor('float32', new Float32Array(4), [1, 4]) }).then(
      () => undefined,
      (e: unknown) => e,
    );
    await s.release();
    const f = translateOrtError(await readModel(model), err)!;
    expect(f).toMatchObject({ code: 'WEIGHTS_AS_INPUTS', severity: 'error' });
    expect(f.message).toContain('weight [2, 4]');
  });
});

describe('WEIGHTS_MISSING: dynamo=True with export_params=False', () => {
  test('the real export: nodes read conv_in.weight, which nothing provides; the fix names dynamo and export_params', async () => {
    const m = await readModel(modelPath('dynamo_no_params'));
    const findings = diagnoseStatic(m);
    const f = findings.find((x) => x.code === 'WEIGHTS_MISSING')!;
    expect(f.severity).toBe('error');
    expect(f.details!.values).toEqual(expect.arrayContaining(['conv_in.weight', 'conv_in.bias', 'conv_out.weight', 'conv_out.bias']));
    expect(f.node!.opType).toBe('Conv');
    expect(f.fix).toContain('torch.onnx.export(model, args, f, dynamo=True, export_params=True)');
    expect(findings.map((x) => x.code)).not.toContain('WEIGHTS_AS_INPUTS');
  });

  test("check: onnxruntime refuses the file; the run names the finding and keeps onnxruntime's words", async () => {
    const r = await check(modelPath('dynamo_no_params'), { probe: false });
    expect(r.runs[0].ok).toBe(false);
    expect(r.runs[0].error!.code).toBe('WEIGHTS_MISSING');
    expect(r.runs[0].error!.message).toMatch(/^cannot load the model \(see WEIGHTS_MISSING\): .*Node input 'conv_in\.weight' is not a graph input, initializer, or output of a previous node/);
    expect(r.findings.filter((f) => f.code === 'WEIGHTS_MISSING')).toHaveLength(1);
    expect(r.pass).toBe(false);
  });
});
