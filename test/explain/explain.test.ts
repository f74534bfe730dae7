/**
 * `explain` on text the real tools produced: torch.onnx.export of PyTorch 2.11 with both exporters and onnxruntime in
 * Python (captured on the GPU machine by scripts/fixtures/capture_export_errors.py), older PyTorch and TensorRT logs
 * quoted in GitHub issues (test/fixtures/explain/manifest.json gives each source), and onnxruntime-node's own
 * messages produced here from the fixtures. Each must give exactly the expected finding code, or none.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ort from 'onnxruntime-node';
import { translateOrtError } from '../../lib/diagnostics/ort-translate';
import { explain } from '../../lib/explain';
import { readModel } from '../../lib/onnx/reader';
import { ortErrorText } from '../../lib/diagnostics/ort-errors';
import { modelPath } from '../check/fixtures';

const DIR = path.join(__dirname, '..', 'fixtures', 'explain');
const MANIFEST = JSON.parse(fs.readFileSync(path.join(DIR, 'manifest.json'), 'utf8')) as {
  cases: { file: string; tool: string; what: string; expect: string | null; source: string }[];
};

describe.each(MANIFEST.cases.map((c) => [c.file, c] as const))('%s', (_file, c) => {
  const text = fs.readFileSync(path.join(DIR, c.file), 'utf8');
  const e = explain(text);

  test(`gives ${c.expect ?? 'no finding'}`, () => {
    expect(e.findings.map((f) => f.code)).toEqual(c.expect ? [c.expect] : []);
  });

  test('each finding quotes the line it read and names its fix', () => {
    for (const f of e.findings) {
      expect(text.replace(/\s+/g, ' ')).toContain(f.evidence.replace(/\.\.\.$/, '').replace(/\s+/g, ' '));
      expect(f.fix.length).toBeGreaterThan(20);
      expect(f.message.length).toBeGreaterThan(60);
    }
    expect(e.recognized).toBe(e.findings.length + e.notes.length > 0);
  });

  test('the source is recorded', () => {
    expect(c.source.length).toBeGreaterThan(10);
    if (c.file.startsWith('tensorrt/') || c.file.startsWith('pytorch-issues/')) expect(c.source).toMatch(/^https:\/\/github\.com\/[\w.-]+\/[\w.-]+\/issues\/\d+$/);
  });
});

describe('the fix fits the exporter the text shows', () => {
  const read = (f: string) => explain(fs.readFileSync(path.join(DIR, f), 'utf8'));

  test('dynamo=True: custom ops get custom_translation_table; training mode has no training= argument', () => {
    expect(read('captured/dynamo_custom_op.txt').findings[0]).toMatchObject({ source: 'torch.onnx.export (dynamo=True)', details: { op: 'torch.ops.trtnode.fast_gelu.default' } });
    expect(read('captured/dynamo_custom_op.txt').findings[0].fix).toContain('custom_translation_table={torch.ops.trtnode.fast_gelu.default: fn}');
    const train = read('captured/dynamo_train_mode.txt').findings[0];
    expect(train.fix).toContain('dynamo=True');
    expect(train.fix).not.toContain('TrainingMode');
  });

  test("the classic exporter: opset_version names where the op appeared, and torch's own TracerWarnings are not the user's", () => {
    expect(read('captured/classic_opset10_grid_sample.txt').findings[0]).toMatchObject({ details: { op: 'aten::grid_sampler', opset: 10, addedIn: 16 } });
    expect(read('captured/classic_opset10_grid_sample.txt').findings[0].fix).toContain('opset_version=16');
    // Its only TracerWarning is in torch/nn/functional.py (a Python boolean): no SHAPE_NOT_DYNAMIC.
    expect(read('captured/classic_training_mode.txt').findings.map((f) => f.code)).toEqual(['TRAINING_MODE']);
    expect(read('captured/classic_traced_int.txt').findings[0].details).toMatchObject({ location: expect.stringContaining('export_fixtures.py:') });
  });

  test('dynamo=True with opset_version=10 is a note: it keeps opset 18, so the opset-10 resize pitfall does not apply', () => {
    const e = read('captured/dynamo_opset10_bilinear.txt');
    expect(e.findings).toEqual([]);
    expect(e.notes[0].message).toContain('opset 18 or later');
  });

  test('TensorRT: an op the matrix supports is named as such (older TensorRT), a custom domain as a plugin to provide', () => {
    expect(read('tensorrt/onnx-tensorrt-465-mish.txt').findings[0].message).toContain('this TensorRT is older');
    const custom = read('tensorrt/mmdeploy-2758-trt10-plugin.txt').findings[0];
    expect(custom.details).toMatchObject({ op: 'TRTBatchedNMS', domain: 'mmdeploy', nodeIndex: 4448 });
    expect(custom.fix).toContain("plugin named 'TRTBatchedNMS'");
    expect(read('tensorrt/tensorrt-939-profile-fixed-dim.txt').findings[0]).toMatchObject({ input: 'input_1', axis: 1, details: { fixed: 1024, profile: [100, 1024, 4096] } });
  });
});

describe("the issue's three classic messages, as users paste them", () => {
  test('"Got invalid dimensions for input … Expected: 960" -> FIXED_DIM with dynamic_axes keyed by the input', () => {
    const e = explain('Got invalid dimensions for input: inputs for the following indices\n index: 2 Got: 3680 Expected: 960\n Please fix either the inputs/outputs or the model.');
    expect(e.findings[0]).toMatchObject({ code: 'FIXED_DIM', input: 'inputs', axis: 2 });
    expect(e.findings[0].fix).toContain("dynamic_axes={'inputs': {0: 'batch', 2: 'height'}}");
    expect(e.findings[0].fix).toContain("dynamic_shapes={'inputs': {0: torch.export.Dim('batch'), 2: torch.export.Dim('height')}}");
  });

  test('"Couldn\'t export operator aten::upsample_bilinear2d" -> RESIZE_SEMANTICS, opset_version=11', () => {
    const e = explain("RuntimeError: ONNX export failed: Couldn't export operator aten::upsample_bilinear2d");
    expect(e.findings.map((f) => f.code)).toEqual(['RESIZE_SEMANTICS']);
    expect(e.findings[0].fix).toContain('opset_version=11');
  });

  test('"Model requires 552 inputs. Input Feed contains 1" -> WEIGHTS_AS_INPUTS, export_params=True', () => {
    const e = explain('Model requires 552 inputs. Input Feed contains 1');
    expect(e.findings[0]).toMatchObject({ code: 'WEIGHTS_AS_INPUTS', details: { required: 552, given: 1 } });
    expect(e.findings[0].fix).toContain('export_params=True');
  });
});

describe("onnxruntime-node's own messages, produced from the fixtures", () => {
  const f32 = (dims: number[]) => new ort.Tensor('float32', new Float32Array(dims.reduce((a, b) => a * b, 1)), dims);
  async function ortText(model: string, feeds?: Record<string, ort.Tensor>): Promise<string> {
    try {
      const s = await ort.InferenceSession.create(model, { logSeverityLevel: 4 });
      try {
        await s.run(feeds ?? {});
      } finally {
        await s.release();
      }
    } catch (err) {
      return ortErrorText(err);
    }
    throw new Error('onnxruntime did not fail');
  }

  test.each([
    ['super_resolution_static', { input: [1, 1, 128, 128] }, 'FIXED_DIM'],
    ['super_resolution_no_params', { input: [1, 1, 16, 16] }, 'WEIGHTS_AS_INPUTS'],
    ['dynamo_no_params', undefined, 'WEIGHTS_MISSING'],
    ['pos_embedding', { input: [1, 3, 64, 64] }, 'SHAPE_NOT_DYNAMIC'],
    ['flatten_linear', { input: [1, 3, 32, 32] }, 'SHAPE_NOT_DYNAMIC'],
    ['traced_reshape', { input: [1, 3, 32, 32] }, 'SHAPE_NOT_DYNAMIC'],
    ['custom_op', undefined, 'UNSUPPORTED_OP'],
  ] as const)('%s -> %s (and with --model, exactly check\'s finding)', async (name, shapes, code) => {
    const feeds = shapes ? Object.fromEntries(Object.entries(shapes).map(([k, d]) => [k, f32([...d])])) : undefined;
    const text = await ortText(modelPath(name), feeds);
    expect(explain(text).findings.map((f) => f.code)).toEqual([code]);
    const model = await readModel(modelPath(name));
    const exact = translateOrtError(model, text);
    if (exact) {
      const withModel = explain(text, { model }).findings.find((f) => f.code === code)!;
      expect({ ...withModel, source: undefined, evidence: undefined }).toEqual({ ...exact, source: undefined, evidence: undefined });
    }
  });

  test('with the model, a fixed-dim error names the dynamic_axes for its actual input', async () => {
    const text = await ortText(modelPath('super_resolution_static'), { input: f32([1, 1, 128, 160]) });
    const f = explain(text, { model: await readModel(modelPath('super_resolution_static')) }).findings[0];
    expect(f.fix).toContain("input_names=['input'], output_names=['output'], dynamic_axes={'input': {0: 'batch', 2: 'height', 3: 'width'}");
  });
});

test('unrelated text is not recognised', () => {
  expect(explain('Segmentation fault (core dumped)')).toEqual({ findings: [], notes: [], recognized: false });
  expect(explain('')).toMatchObject({ recognized: false });
});
