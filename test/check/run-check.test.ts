/**
 * check() end to end on the PyTorch fixtures: onnxruntime-node runs compared with PyTorch's saved outputs, findings
 * from static rules, translated onnxruntime errors and the dynamic-axes probe.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ort from 'onnxruntime-node';
import { check } from '../../lib/check/run-check';
import { createOnnxRuntimeRunner } from '../../lib/runners/onnxruntime/runner';
import type { Runner } from '../../lib/runners/runner';
import type { CheckReport } from '../../lib/check/run-check';
import { translateOrtError } from '../../lib/diagnostics/ort-translate';
import { formatCheckReport } from '../../lib/check/format';
import { readModel } from '../../lib/onnx/reader';
import { readNpz } from '../../lib/tensor/npz';
import { TrtNodeError } from '../../lib/errors';
import { encodeModel, floatTensor, node, valueInfo } from '../onnx/build-model';
import { MODELS, fixture, fixtureFile, modelPath } from './fixtures';

const codes = (r: CheckReport, severities = ['error', 'warning']) =>
  [...new Set(r.findings.filter((f) => severities.includes(f.severity)).map((f) => f.code))].sort();

function samplesOf(name: string) {
  return fixture(name).samples.map((s) => ({ inputs: fixtureFile(s.inputs), reference: fixtureFile(s.reference) }));
}

describe('fixtures with their PyTorch references', () => {
  test('super_resolution passes at every saved shape, no error/warning finding', async () => {
    const r = await check(modelPath('super_resolution'), { samples: samplesOf('super_resolution') });
    expect(codes(r)).toEqual([]);
    expect(r.runs.map((x) => [x.shapes.input, x.pass])).toEqual([
      [[1, 1, 64, 64], true],
      [[1, 1, 96, 80], true],
      [[2, 1, 37, 53], true],
    ]);
    for (const run of r.runs) {
      expect(run.outputs).toHaveLength(1);
      const o = run.outputs[0];
      expect(o).toMatchObject({ name: 'output', compared: true, pass: true, failingFraction: 0 });
      expect(o.maxAbsError).toBeLessThan(1e-4);
      expect(o.dims).toEqual(fixture('super_resolution').samples.find((s) => s.shape.join() === run.shapes.input.join())!.output_shapes.output);
    }
    expect(r.probe!.attempts.every((a) => a.ok)).toBe(true);
    expect(r.pass).toBe(true);
  });

  test.each(MODELS.filter((f) => f.samples.length).map((f) => [f.name, f.expect_findings] as const))(
    '%s raises exactly %j (errors/warnings)',
    async (name, expected) => {
      const r = await check(modelPath(name), { samples: samplesOf(name) });
      // A static model run at its own shape gets only the info that it is static.
      expect(codes(r)).toEqual([...expected].filter((c) => c !== 'FIXED_DIM' || !['super_resolution_static', 'dynamo_static'].includes(name)).sort());
      expect(JSON.parse(JSON.stringify(r))).toEqual(r);
    },
  );

  test('opset-10 bilinear: RESIZE_SEMANTICS and the comparison with PyTorch fails (the silent disagreement)', async () => {
    const r = await check(modelPath('bilinear_upsample_opset10'), { samples: samplesOf('bilinear_upsample_opset10') });
    expect(codes(r)).toEqual(['RESIZE_SEMANTICS']);
    for (const run of r.runs) {
      expect(run.ok).toBe(true);
      expect(run.pass).toBe(false);
      expect(run.outputs[0].maxAbsError).toBeGreaterThan(0.01);
      expect(run.outputs[0].failingFraction).toBeGreaterThan(0.01);
    }
    expect(r.pass).toBe(false);
    // The same net at opset 11 matches PyTorch.
    const ok = await check(modelPath('bilinear_upsample'), { samples: samplesOf('bilinear_upsample') });
    expect(ok.pass).toBe(true);
  });

  test('traced_reshape: runs at its export size, SHAPE_NOT_DYNAMIC names /Reshape', async () => {
    const r = await check(modelPath('traced_reshape'), { samples: samplesOf('traced_reshape') });
    expect(r.runs[0].pass).toBe(true);
    const f = r.findings.find((x) => x.code === 'SHAPE_NOT_DYNAMIC')!;
    expect(f.severity).toBe('error');
    expect(f.node?.name).toBe('/Reshape');
    expect(r.pass).toBe(false);
  });

  test('traced_reshape asked for another size: the onnxruntime Reshape error becomes SHAPE_NOT_DYNAMIC', async () => {
    const r = await check(modelPath('traced_reshape'), { shapes: [{ input: [1, 3, 32, 32] }], probe: false });
    expect(r.runs[0].ok).toBe(false);
    expect(r.runs[0].error!.code).toBe('SHAPE_NOT_DYNAMIC');
    expect(r.runs[0].error!.message).not.toContain('onnxruntime_src');
    expect(r.findings.map((f) => [f.code, f.node?.name])).toEqual([['SHAPE_NOT_DYNAMIC', '/Reshape']]);
  });
});

describe('trigger models without samples', () => {
  test('static export with another h/w: FIXED_DIM error, the run is not attempted', async () => {
    const r = await check(modelPath('super_resolution_static'), { shapes: [{ input: [1, 1, 128, 128] }] });
    expect(r.findings.map((f) => [f.code, f.severity, f.input])).toEqual([['FIXED_DIM', 'error', 'input']]);
    expect(r.runs[0]).toMatchObject({ ok: false, pass: false, error: { code: 'FIXED_DIM' } });
    expect(r.pass).toBe(false);
  });

  test('static export with nothing asked: runs at its own shape, passes with an info', async () => {
    const r = await check(modelPath('super_resolution_static'));
    expect(r.findings.map((f) => [f.code, f.severity])).toEqual([['FIXED_DIM', 'info']]);
    expect(r.runs.map((x) => [x.label, x.shapes.input, x.ok])).toEqual([['model shapes', [1, 1, 96, 64], true]]);
    expect(r.pass).toBe(true);
  });

  test('export_params=False: WEIGHTS_AS_INPUTS, not run', async () => {
    const r = await check(modelPath('super_resolution_no_params'));
    expect(codes(r)).toEqual(['WEIGHTS_AS_INPUTS']);
    expect(r.runs[0].error!.code).toBe('WEIGHTS_AS_INPUTS');
    expect(r.pass).toBe(false);
  });

  test('custom op: UNSUPPORTED_OP for FastGelu and Unique; onnxruntime cannot load it, translated to the same finding', async () => {
    const r = await check(modelPath('custom_op'));
    expect(r.findings.filter((f) => f.code === 'UNSUPPORTED_OP').map((f) => f.node?.opType)).toEqual(['FastGelu', 'Unique']);
    // The finding explains it, and onnxruntime's own reason is kept.
    expect(r.runs[0].error).toEqual({ message: 'cannot load the model (see UNSUPPORTED_OP): Fatal error: com.example:FastGelu(-1) is not a registered function/op', code: 'UNSUPPORTED_OP' });
  });

  test('clean fixtures with generated inputs: pass, no error/warning finding', async () => {
    for (const name of ['super_resolution', 'bilinear_upsample', 'batchnorm_dropout']) {
      const r = await check(modelPath(name), { shapes: [{ input: [1, name === 'super_resolution' ? 1 : 3, 40, 56] }] });
      expect([name, codes(r), r.pass]).toEqual([name, [], true]);
    }
  });
});

describe("onnxruntime's own errors are translated", () => {
  test('invalid dimensions -> FIXED_DIM naming input, axis, fixed and requested', async () => {
    const s = await ort.InferenceSession.create(modelPath('super_resolution_static'), { logSeverityLevel: 4 });
    let err: unknown;
    try {
      await s.run({ input: new ort.Tensor('float32', new Float32Array(96 * 80), [1, 1, 96, 80]) });
    } catch (e) {
      err = e;
    } finally {
      await s.release();
    }
    const f = translateOrtError(await readModel(modelPath('super_resolution_static')), err)!;
    expect(f).toMatchObject({ code: 'FIXED_DIM', severity: 'error', input: 'input', axis: 3 });
    expect(f.details!.conflicts).toEqual([{ axis: 3, fixed: 64, requested: 80, source: 'onnxruntime', fed: true }]);
    expect(f.message).toContain('axis 3 is fixed at 64 but was fed 80 (onnxruntime)');
    expect(f.message).not.toContain('Got invalid dimensions for input: input for the following indices');
  });

  test('missing weight feeds -> WEIGHTS_AS_INPUTS', async () => {
    const s = await ort.InferenceSession.create(modelPath('super_resolution_no_params'), { logSeverityLevel: 4 });
    let err: unknown;
    try {
      await s.run({ input: new ort.Tensor('float32', new Float32Array(64), [1, 1, 8, 8]) });
    } catch (e) {
      err = e;
    } finally {
      await s.release();
    }
    const f = translateOrtError(await readModel(modelPath('super_resolution_no_params')), err)!;
    expect(f.code).toBe('WEIGHTS_AS_INPUTS');
  });

  test('unregistered custom op at load -> UNSUPPORTED_OP', async () => {
    const err = await ort.InferenceSession.create(modelPath('custom_op'), { logSeverityLevel: 4 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    const f = translateOrtError(await readModel(modelPath('custom_op')), err)!;
    expect(f.code).toBe('UNSUPPORTED_OP');
  });
});

describe('outputs, text, usage errors', () => {
  test('--save-outputs writes the onnxruntime outputs as .npz, atomically', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trt-node-check-'));
    try {
      const out = path.join(dir, 'out.npz');
      const r = await check(modelPath('super_resolution'), { samples: samplesOf('super_resolution').slice(0, 1), saveOutputs: out, probe: false });
      expect(r.savedOutputs).toBe(out);
      const saved = await readNpz(out);
      const ref = await readNpz(fixtureFile(fixture('super_resolution').samples[0].reference));
      expect(Object.keys(saved)).toEqual(['output']);
      expect(saved.output.dims).toEqual(ref.output.dims);
      expect(fs.readdirSync(dir)).toEqual(['out.npz']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('--save-outputs saves only runs asked for, never the default-size baseline run when every asked size was blocked', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trt-node-check-'));
    try {
      const m = path.join(dir, 'fixed.onnx');
      fs.writeFileSync(m, encodeModel({ nodes: [node('Relu', ['x'], ['y'])], inputs: [valueInfo('x', ['batch', 3, 8, 8])], outputs: [valueInfo('y', ['batch', 3, 8, 8])] }));
      const out = path.join(dir, 'out.npz');
      const r = await check(m, { shapes: [{ x: [1, 3, 9, 9] }], saveOutputs: out });
      expect(r.findings.map((f) => f.code)).toContain('FIXED_DIM');
      expect(r.probe!.attempts.some((a) => a.ok && a.shapes.x.join('x') === '1x3x8x8')).toBe(true); // the baseline ran...
      expect(r.savedOutputs).toBeUndefined(); // ...but it is not a run that was asked for
      expect(fs.readdirSync(dir)).toEqual(['fixed.onnx']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('text report names findings, runs and the verdict', async () => {
    const r = await check(modelPath('bilinear_upsample_opset10'), { samples: samplesOf('bilinear_upsample_opset10').slice(0, 1), probe: false });
    const text = formatCheckReport(r);
    expect(text).toContain('RESIZE_SEMANTICS');
    expect(text).toContain('FAIL');
    expect(text).toMatch(/Result: FAIL/);
  });

  test('usage errors are TrtNodeErrors naming the option', async () => {
    await expect(check(modelPath('super_resolution'), { shapes: [{ x: [1, 1, 8, 8] }] })).rejects.toThrow(/inputs \(input\) for --shapes but received "x"/);
    await expect(check(modelPath('super_resolution'), { shapes: [{ input: [1, 8, 8] }] })).rejects.toThrow(/rank 4/);
    await expect(check('/nonexistent/model.onnx')).rejects.toBeInstanceOf(TrtNodeError);
    await expect(check(modelPath('super_resolution'), { samples: [{ inputs: '/nonexistent/in.npz' }] })).rejects.toBeInstanceOf(TrtNodeError);
  });

  test('an input of unknown rank with nothing asked is not run (no scalar guess), naming --shapes; with --shapes it runs', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trt-node-check-'));
    try {
      const file = path.join(dir, 'unranked.onnx');
      fs.writeFileSync(
        file,
        encodeModel({
          nodes: [node('Conv', ['x', 'W'], ['y'], { attribute: [{ name: 'kernel_shape', type: 7, ints: [3, 3] }] })],
          initializers: [floatTensor('W', [2, 3, 3, 3])],
          inputs: [valueInfo('x', null)],
          outputs: [valueInfo('y', null)],
        }),
      );
      // The diagnostics are made and reported all the same; the run says why it was not made.
      const unasked = await check(file);
      expect(unasked.pass).toBe(false);
      expect(unasked.runs).toHaveLength(1);
      expect(unasked.runs[0]).toMatchObject({ ok: false, error: { message: expect.stringMatching(/input 'x' has no shape in the model \(unknown rank\).*--shapes x:/) } });
      expect(unasked.parts.numerics.status).toBe('not-run');
      const r = await check(file, { shapes: [{ x: [1, 3, 8, 8] }] });
      expect(r.runs.map((x) => [x.ok, x.outputs[0]?.dims])).toEqual([[true, [1, 2, 6, 6]]]);
      expect(r.pass).toBe(true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('inputs of another dtype than the model takes (numpy float64) are a usage error naming the fix', async () => {
    const input = { type: 'float64', dims: [1, 1, 8, 8], data: new Float64Array(64) } as const;
    const err = await check(modelPath('super_resolution'), { samples: [{ inputs: { input } }], probe: false }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(TrtNodeError);
    expect((err as TrtNodeError).code).toBe('ERR_TRT_NODE_INVALID_VALUE');
    expect((err as Error).message).toMatch(/Expected float32 \(the model input's type\).*float64.*astype\('float32'\)/);
  });

  test('a reference holding none of the model outputs is a usage error, not a pass with nothing compared', async () => {
    const inputs = fixtureFile('super_resolution/inputs_1x1x64x64.npz');
    const err = await check(modelPath('super_resolution'), { samples: [{ inputs, reference: inputs }], probe: false }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(TrtNodeError);
    expect((err as TrtNodeError).code).toBe('ERR_TRT_NODE_INVALID_VALUE');
    expect((err as Error).message).toMatch(/arrays named like the model's outputs \(output\) for --reference .*inputs_1x1x64x64\.npz but received "input".*output_names/);
  });

  test('--save-outputs into a missing folder is a usage error before anything runs', async () => {
    await expect(check(modelPath('super_resolution'), { saveOutputs: '/nonexistent-dir/out.npz' })).rejects.toThrow(/nonexistent-dir/);
  });
});

test('runners are pluggable: each runs every sample and is compared with the reference', async () => {
  // A stand-in for another runtime that is off by 0.5 everywhere.
  const ort = await createOnnxRuntimeRunner(modelPath('super_resolution'), { name: 'inner' });
  const offByHalf: Runner = {
    name: 'shifted',
    kind: 'custom',
    description: 'onnxruntime, shifted by 0.5',
    supports: () => true,
    async run(feeds, probe) {
      const t = (await ort.run(feeds, probe)).output;
      return { output: { type: t.type, dims: t.dims, data: (t.data as Float32Array).map((v) => v + 0.5) } };
    },
    dispose: jest.fn(() => ort.dispose()),
  };
  const r = await check(modelPath('super_resolution'), { samples: samplesOf('super_resolution').slice(0, 1), runners: [{ kind: 'onnxruntime' }, offByHalf] });
  // Yours stays yours: usable again (another check, a benchmark) until you dispose it.
  expect(offByHalf.dispose).not.toHaveBeenCalled();
  const again = await check(modelPath('super_resolution'), { samples: samplesOf('super_resolution').slice(0, 1), runners: [offByHalf] });
  expect(again.runs.map((x) => [x.backend, x.ok])).toEqual([['shifted', true]]);
  await offByHalf.dispose();
  expect(r.runs.map((x) => [x.backend, x.pass])).toEqual([
    ['onnxruntime', true],
    ['shifted', false],
  ]);
  expect(r.runs[1].outputs[0].maxAbsError).toBeCloseTo(0.5, 5);
  expect(r.pass).toBe(false);
});
