/**
 * Fixes worded for the exporter that made the model (dynamo=True: dynamic_shapes with torch.export.Dim, no
 * `training` argument; classic: dynamic_axes keyed by input_names), and FIXED_DIM not fired by sizes the data decides
 * (Unique, NonZero). On models PyTorch 2.11 exported both ways (test/fixtures, manifest.json).
 */
import { check } from '../../lib/check';
import { formatFinding } from '../../lib/check/format';
import { diagnoseStatic } from '../../lib/diagnostics';
import { exporterOf } from '../../lib/diagnostics/graph';
import { readModel } from '../../lib/onnx/reader';
import { encodeModel, node, valueInfo } from '../onnx/build-model';
import { MODELS, fixture, fixtureFile, modelPath } from './fixtures';

describe('which exporter made the model', () => {
  test.each(MODELS.map((f) => [f.name, f] as const))('%s', async (name, f) => {
    const m = await readModel(modelPath(name));
    const dynamo = f.export.exporter === 'dynamo';
    expect(exporterOf(m)).toBe(dynamo ? 'dynamo' : 'torchscript');
    if (dynamo) {
      // What the new exporter writes: opset 18+, IR 10, nodes named after the FX graph.
      expect(m.irVersion).toBeGreaterThanOrEqual(10);
      expect(m.opsets.find((o) => o.domain === '')!.version).toBeGreaterThanOrEqual(18);
      expect(m.nodes.every((n) => n.name.startsWith('node_'))).toBe(true);
    }
  });
});

describe('FIXED_DIM, worded for the exporter', () => {
  test('dynamo=True static export asked for another size: dynamic_shapes with torch.export.Dim, keyed by forward()\'s argument', async () => {
    const m = await readModel(modelPath('dynamo_static'));
    const f = diagnoseStatic(m, { requests: [{ source: '--shapes', shapes: { x: [1, 3, 64, 48] } }] }).find((x) => x.code === 'FIXED_DIM')!;
    expect(f).toMatchObject({ severity: 'error', input: 'x', axis: 2 });
    expect(f.fix).toBe(
      "torch.onnx.export(model, args, f, dynamo=True, dynamic_shapes={'x': {0: torch.export.Dim('batch'), 2: torch.export.Dim('height'), 3: torch.export.Dim('width')}}, ...) " +
        'with example inputs of size 2 or more on those axes',
    );
    expect(f.fix).not.toContain('dynamic_axes');
    expect(f.message).toContain("forward()'s argument name");
    expect(f.message).toContain('dynamic_shapes does not declare');
  });

  test('text shows the dynamo fix whole: the example-size condition is not cut as already said', async () => {
    // Its message states the dynamic_shapes= arguments, not "with example inputs of size 2 or more": the Fix line stays.
    const m = await readModel(modelPath('dynamo_static'));
    const f = diagnoseStatic(m).find((x) => x.code === 'FIXED_DIM')!;
    expect(f.severity).toBe('info');
    const text = formatFinding(f, { color: false, width: 1000 }).join('\n');
    expect(text).toContain('Fix: torch.onnx.export(model, args, f, dynamo=True, dynamic_shapes=');
    expect(text).toContain('with example inputs of size 2 or more on those axes');
  });

  test('the classic static export keeps the dynamic_axes / input_names wording', async () => {
    const m = await readModel(modelPath('super_resolution_static'));
    const f = diagnoseStatic(m, { requests: [{ source: '--shapes', shapes: { input: [1, 1, 128, 128] } }] }).find((x) => x.code === 'FIXED_DIM')!;
    expect(f.fix).toContain("input_names=['input'], output_names=['output'], dynamic_axes=");
    expect(f.fix).not.toContain('dynamo=True');
  });

  test('check on the dynamo static model at another size: FIXED_DIM error, the run not attempted at that shape', async () => {
    const r = await check(modelPath('dynamo_static'), { shapes: [{ x: [1, 3, 40, 40] }], probe: false });
    const f = r.findings.find((x) => x.code === 'FIXED_DIM')!;
    expect(f.severity).toBe('error');
    expect(f.fix).toContain('dynamic_shapes=');
    expect(r.runs[0]).toMatchObject({ ok: false, error: { code: 'FIXED_DIM' } });
  });

  test('the dynamo export with dynamic_shapes passes its PyTorch references at every saved shape, with no finding', async () => {
    const entry = fixture('dynamo_bilinear_upsample');
    const r = await check(modelPath('dynamo_bilinear_upsample'), {
      samples: entry.samples.map((s) => ({ inputs: fixtureFile(s.inputs), reference: fixtureFile(s.reference) })),
    });
    expect(r.findings).toEqual([]);
    expect(r.runs.map((x) => x.pass)).toEqual(entry.samples.map(() => true));
    expect(r.probe!.attempts.every((a) => a.ok)).toBe(true);
    expect(r.pass).toBe(true);
  });
});

describe('FIXED_DIM is not fired by sizes the data decides', () => {
  test("dynamo's NonZero output (dim 'u0') next to a static input: only the info that the model is static", async () => {
    const m = await readModel(modelPath('dynamo_nonzero'));
    const nonzero = m.outputs.find((o) => o.name === 'nonzero')!;
    expect(nonzero.dims![0]).toEqual({ kind: 'symbolic', name: 'u0' });
    expect(diagnoseStatic(m).map((f) => [f.code, f.severity])).toEqual([['FIXED_DIM', 'info']]);
  });

  test("the classic exporter's names for Unique's size ('Uniquevalues_dim_0'), input static: no misnamed-axes warning", async () => {
    // custom_op's graph with its dynamic input pinned and its custom op removed: Unique's output keeps the
    // exporter-made name the classic exporter gave it.
    const m = await readModel(
      encodeModel({
        opsets: [{ domain: '', version: 13 }],
        nodes: [node('Flatten', ['input'], ['f']), node('Unique', ['f'], ['values'], { attribute: [{ name: 'sorted', type: 2, i: 1 }] })],
        inputs: [valueInfo('input', [1, 3, 8, 8])],
        outputs: [valueInfo('values', ['Uniquevalues_dim_0'])],
      }),
    );
    expect(diagnoseStatic(m).filter((f) => f.code === 'FIXED_DIM').map((f) => f.severity)).toEqual(['info']);
    // A user-named output dim downstream of Unique is no sign of a misnamed dynamic_axes key either.
    const named = await readModel(
      encodeModel({
        opsets: [{ domain: '', version: 13 }],
        nodes: [node('Flatten', ['input'], ['f']), node('Unique', ['f'], ['values'])],
        inputs: [valueInfo('input', [1, 3, 8, 8])],
        outputs: [valueInfo('values', ['num_values'])],
      }),
    );
    expect(diagnoseStatic(named).filter((f) => f.code === 'FIXED_DIM').map((f) => f.severity)).toEqual(['info']);
    // Whereas an image output named dynamic while the image input is fixed still is (the misnamed-key pitfall).
    const misnamed = await readModel(modelPath('super_resolution_misnamed_axes'));
    expect(diagnoseStatic(misnamed).find((f) => f.code === 'FIXED_DIM')!.severity).toBe('error');
  });
});

test('TRAINING_MODE: the dynamo wording has no training= argument (that exporter exports the mode the model is in)', async () => {
  const dropout = (irVersion: number) =>
    readModel(
      encodeModel({
        irVersion,
        producer: 'pytorch',
        opsets: [{ domain: '', version: irVersion >= 10 ? 20 : 14 }],
        nodes: [node('Dropout', ['x', 'ratio', 't'], ['y'], { name: irVersion >= 10 ? 'node_native_dropout__1' : '/drop/Dropout' })],
        initializers: [
          { name: 'ratio', dims: [], data_type: 1, raw_data: new Uint8Array(new Float32Array([0.5]).buffer) },
          { name: 't', dims: [], data_type: 9, raw_data: new Uint8Array([1]) },
        ],
        inputs: [valueInfo('x', [2, 4])],
        outputs: [valueInfo('y', [2, 4])],
      }),
    );
  const dyn = diagnoseStatic(await dropout(10)).find((f) => f.code === 'TRAINING_MODE')!;
  expect(dyn.fix).toContain('dynamo=True');
  expect(dyn.fix).not.toContain('TrainingMode');
  const classic = diagnoseStatic(await dropout(8)).find((f) => f.code === 'TRAINING_MODE')!;
  expect(classic.fix).toContain('training=torch.onnx.TrainingMode.EVAL');
});
