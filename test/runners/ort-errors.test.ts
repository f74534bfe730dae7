/**
 * classifyOrtError on the messages onnxruntime-node itself produces: each case runs onnxruntime on a PyTorch fixture
 * (or a hand-made model for what no fixture triggers) and classifies what it threw. The expected fields come from
 * the fixture (manifest.json, the model's summary) and from what the test fed, not from the message.
 */
import * as fs from 'fs';
import * as ort from 'onnxruntime-node';
import { readModel } from '../../lib/onnx/reader';
import { classifyOrtError, cleanOrtMessage, ortErrorText } from '../../lib/diagnostics/ort-errors';
import { fixture, fixtureFile, modelPath } from '../check/fixtures';
import { encodeModel, node, valueInfo } from '../onnx/build-model';

const f32 = (dims: number[]) => new ort.Tensor('float32', new Float32Array(dims.reduce((a, b) => a * b, 1)), dims);

/** What onnxruntime-node throws for `feeds` on `model` (path or bytes); fails the test if it does not throw. */
async function ortThrows(model: string | Uint8Array, feeds: Record<string, ort.Tensor> = {}): Promise<unknown> {
  try {
    const s = typeof model === 'string' ? await ort.InferenceSession.create(model, { logSeverityLevel: 4 }) : await ort.InferenceSession.create(model, { logSeverityLevel: 4 });
    try {
      await s.run(feeds);
    } finally {
      await s.release();
    }
  } catch (err) {
    return err;
  }
  throw new Error('onnxruntime did not throw');
}

describe('classifyOrtError on onnxruntime-node 1.30 messages', () => {
  it('fixed-dim: the static export fed another height and width', async () => {
    const fixed = fixture('super_resolution_static').export.example_shape; // [1, 1, 96, 64]
    const asked = [fixed[0], fixed[1], fixed[2] + 32, fixed[3] + 16];
    const err = await ortThrows(modelPath('super_resolution_static'), { input: f32(asked) });
    const info = classifyOrtError(err);
    expect(info).toMatchObject({ kind: 'fixed-dim', input: 'input', axis: 2, got: asked[2], expected: fixed[2] });
    if (info.kind !== 'fixed-dim') throw new Error('unreachable');
    expect(info.dims).toEqual([
      { axis: 2, got: asked[2], expected: fixed[2] },
      { axis: 3, got: asked[3], expected: fixed[3] },
    ]);
    expect(info.message).not.toMatch(/\n/);
  });

  it('fixed-dim: the seed wording (index: 2 Got: 3680 Expected: 960)', () => {
    // As quoted by the user from TensorRT's trtexec/onnxruntime run; onnxruntime-node words it the same way (above).
    const seed = 'Got invalid dimensions for input: inputs for the following indices\n index: 2 Got: 3680 Expected: 960\n Please fix either the inputs/outputs or the model.';
    expect(classifyOrtError(seed)).toMatchObject({ kind: 'fixed-dim', input: 'inputs', axis: 2, got: 3680, expected: 960 });
  });

  it('missing-inputs: the export_params=False model fed only its image', async () => {
    const summary = await readModel(modelPath('super_resolution_no_params'));
    const sample = fixture('super_resolution').samples[0];
    const err = await ortThrows(modelPath('super_resolution_no_params'), { input: f32(sample.shape) });
    const info = classifyOrtError(err);
    expect(info.kind).toBe('missing-inputs');
    if (info.kind !== 'missing-inputs') throw new Error('unreachable');
    const weights = summary.inputs.filter((i) => !i.isInitializer && i.name !== 'input').map((i) => i.name);
    expect(weights.length).toBeGreaterThan(0);
    expect(info.missing.length).toBeGreaterThan(0);
    for (const m of info.missing) expect(weights).toContain(m);
  });

  it('missing-inputs: the count wording of other onnxruntime builds and Python', () => {
    expect(classifyOrtError('Model requires 552 inputs. Input Feed contains 1')).toMatchObject({ kind: 'missing-inputs', required: 552, given: 1, missing: [] });
    expect(classifyOrtError("Required inputs (['conv1.weight', 'conv1.bias']) are missing from input feed (['input']).")).toMatchObject({
      kind: 'missing-inputs',
      missing: ['conv1.weight', 'conv1.bias'],
    });
  });

  it('unsupported-op: a custom-domain op fails at load, with its domain', async () => {
    const summary = await readModel(modelPath('custom_op'));
    const custom = summary.nodes.find((n) => n.domain !== '' && n.domain !== 'ai.onnx')!;
    const info = classifyOrtError(await ortThrows(modelPath('custom_op')));
    expect(info).toMatchObject({ kind: 'unsupported-op', op: custom.opType, domain: custom.domain, reason: 'not-registered' });
  });

  it('unsupported-op: no kernel for the types ("Could not find an implementation")', async () => {
    const model = encodeModel({
      opsets: [{ version: 13 }],
      nodes: [node('Abs', ['x'], ['y'])],
      inputs: [valueInfo('x', [2], 16)], // bfloat16: in Abs's schema, not in onnxruntime's CPU kernels
      outputs: [valueInfo('y', [2], 16)],
    });
    const info = classifyOrtError(await ortThrows(model));
    expect(info).toMatchObject({ kind: 'unsupported-op', op: 'Abs', domain: '', opset: 13, nodeName: 'Abs_y', reason: 'no-kernel' });
  });

  it('unsupported-op: an unknown op in the default domain, and a domain the model does not import', async () => {
    const unknown = encodeModel({ opsets: [{ version: 13 }], nodes: [node('FooBar', ['x'], ['y'])], inputs: [valueInfo('x', [2])], outputs: [valueInfo('y', [2])] });
    expect(classifyOrtError(await ortThrows(unknown))).toMatchObject({ kind: 'unsupported-op', op: 'FooBar', domain: '', opset: 13, reason: 'not-registered' });
    const noImport = encodeModel({
      opsets: [{ version: 13 }],
      nodes: [node('FooBar', ['x'], ['y'], { domain: 'com.foo' })],
      inputs: [valueInfo('x', [2])],
      outputs: [valueInfo('y', [2])],
    });
    expect(classifyOrtError(await ortThrows(noImport))).toMatchObject({ kind: 'unsupported-op', op: 'FooBar', domain: 'com.foo', reason: 'no-opset-import' });
  });

  it('reshape: the traced Reshape at another size, with both shapes', async () => {
    const base = fixture('traced_reshape').export.example_shape; // [1, 3, 24, 24]
    const asked = [base[0], base[1], base[2] + 8, base[3] + 8];
    const info = classifyOrtError(await ortThrows(modelPath('traced_reshape'), { input: f32(asked) }));
    expect(info.kind).toBe('reshape');
    if (info.kind !== 'reshape') throw new Error('unreachable');
    expect(info.opType).toBe('Reshape');
    expect(info.nodeName).toBeTruthy();
    // The Reshape's input carries the fed spatial size; the requested shape holds the size traced at export.
    expect(info.inputShape!.slice(-2)).toEqual(asked.slice(-2));
    expect(info.requestedShape![info.requestedShape!.length - 1]).toBe(base[2] * base[3]);
    expect(info.message).toMatch(/^The input tensor cannot be reshaped/);
    expect(info.message).not.toMatch(/onnxruntime_src/);
  });

  it('invalid-rank and wrong-type for feeds that do not fit', async () => {
    const rank = classifyOrtError(await ortThrows(modelPath('super_resolution'), { input: f32([1, 64, 64]) }));
    expect(rank).toMatchObject({ kind: 'invalid-rank', input: 'input', got: 3, expected: 4 });
    const f64 = new ort.Tensor('float64', new Float64Array(64 * 64), [1, 1, 64, 64]);
    expect(classifyOrtError(await ortThrows(modelPath('super_resolution'), { input: f64 }))).toMatchObject({ kind: 'wrong-type', actual: 'float64', expected: 'float32' });
  });

  it('invalid-model and file-missing at load', async () => {
    const tanhInt = encodeModel({ opsets: [{ version: 13 }], nodes: [node('Tanh', ['x'], ['y'])], inputs: [valueInfo('x', [2], 6)], outputs: [valueInfo('y', [2], 6)] });
    expect(classifyOrtError(await ortThrows(tanhInt))).toMatchObject({ kind: 'invalid-model', opType: 'Tanh', nodeName: 'Tanh_y' });
    const ir = encodeModel({ irVersion: 99, opsets: [{ version: 13 }], nodes: [node('Relu', ['x'], ['y'])], inputs: [valueInfo('x', [2])], outputs: [valueInfo('y', [2])] });
    const irInfo = classifyOrtError(await ortThrows(ir));
    expect(irInfo).toMatchObject({ kind: 'invalid-model', irVersion: 99 });
    expect(irInfo.message).toMatch(/^Unsupported model IR version: 99/);
    expect(classifyOrtError(await ortThrows(Uint8Array.from([1, 2, 3, 250])))).toMatchObject({ kind: 'invalid-model' });
    const missing = fixtureFile('no_such_model.onnx');
    expect(fs.existsSync(missing)).toBe(false);
    expect(classifyOrtError(await ortThrows(missing)).kind).toBe('file-missing');
  });

  it('anything else is kind other, with a cleaned message; never throws', () => {
    expect(classifyOrtError(new Error('something new\nsecond line'))).toMatchObject({ kind: 'other', message: 'something new second line' });
    expect(classifyOrtError(undefined).kind).toBe('other');
    expect(classifyOrtError({ details: { ortMessage: "input 'w' is missing in 'feeds'." } })).toMatchObject({ kind: 'missing-inputs', missing: ['w'] });
    expect(ortErrorText({ details: { ortMessage: 'raw' } })).toBe('raw');
    expect(cleanOrtMessage('Load model from /x.onnx failed:Bad thing')).toBe('Bad thing');
  });
});
