/**
 * Static diagnostics on the PyTorch-exported fixtures (expectations from manifest.json `expect_findings`) and on
 * hand-made models for cases PyTorch cannot produce on demand (ATen fallback, MaxPool indices, opset out of range).
 */
import { diagnoseStatic, FINDING_CODES, OPERATOR_SUPPORT, OPERATOR_SUPPORT_SOURCE } from '../../lib/diagnostics';
import type { Finding } from '../../lib/diagnostics';
import { readModel } from '../../lib/onnx/reader';
import type { ModelSummary } from '../../lib/onnx/types';
import { encodeModel, floatTensor, node, valueInfo } from '../onnx/build-model';
import { MODELS, modelPath } from './fixtures';

const STATIC_CODES = ['FIXED_DIM', 'WEIGHTS_AS_INPUTS', 'UNSUPPORTED_OP', 'RESIZE_SEMANTICS', 'TRAINING_MODE'];

const models = new Map<string, ModelSummary>();
beforeAll(async () => {
  for (const f of MODELS) models.set(f.name, await readModel(modelPath(f.name)));
});

const serious = (fs: Finding[]) => fs.filter((f) => f.severity !== 'info');

describe('fixtures: each static code on its trigger model, no false alarms elsewhere', () => {
  test.each(MODELS.map((f) => [f.name, f.expect_findings] as const))('%s -> %j', (name, expected) => {
    const findings = diagnoseStatic(models.get(name)!);
    const codes = new Set(findings.map((f) => f.code));
    for (const code of expected.filter((c) => STATIC_CODES.includes(c))) expect(codes).toContain(code);
    // Errors and warnings only where the manifest expects that code.
    for (const f of serious(findings)) expect(expected).toContain(f.code);
    for (const f of findings) {
      expect(FINDING_CODES).toContain(f.code);
      expect(['error', 'warning', 'info']).toContain(f.severity);
      expect(f.message.length).toBeGreaterThan(40);
      expect(f.fix.length).toBeGreaterThan(5);
      expect(JSON.parse(JSON.stringify(f))).toEqual(f);
    }
  });

  test('clean fixtures have no error or warning finding', () => {
    for (const name of ['super_resolution', 'bilinear_upsample', 'batchnorm_dropout']) {
      expect(serious(diagnoseStatic(models.get(name)!))).toEqual([]);
    }
  });
});

describe('FIXED_DIM', () => {
  test('static export asked for another h/w: error naming input, axes, fixed and requested sizes, dynamic_axes', () => {
    const findings = diagnoseStatic(models.get('super_resolution_static')!, {
      requests: [{ source: '--shapes', shapes: { input: [1, 1, 128, 160] } }],
    });
    const f = findings.find((x) => x.code === 'FIXED_DIM')!;
    expect(f.severity).toBe('error');
    expect(f.input).toBe('input');
    expect(f.axis).toBe(2);
    expect(f.details!.conflicts).toEqual([
      { axis: 2, fixed: 96, requested: 128, source: '--shapes (1x1x128x160)' },
      { axis: 3, fixed: 64, requested: 160, source: '--shapes (1x1x128x160)' },
    ]);
    expect(f.message).toContain("dynamic_axes={'input': {0: 'batch', 2: 'height', 3: 'width'}");
    expect(f.fix).toContain("input_names=['input']");
  });

  test('static export at its own shape: no error, only an info that it is static', () => {
    const findings = diagnoseStatic(models.get('super_resolution_static')!, {
      requests: [{ source: '--shapes', shapes: { input: [1, 1, 96, 64] } }],
    });
    expect(findings.map((f) => [f.code, f.severity])).toEqual([['FIXED_DIM', 'info']]);
  });

  test("misnamed dynamic_axes ('x' for input 'input'): keyed by the model's input 'input', not 'x'", () => {
    const m = models.get('super_resolution_misnamed_axes')!;
    const unasked = diagnoseStatic(m).find((f) => f.code === 'FIXED_DIM')!;
    expect(unasked.severity).toBe('error'); // the export was meant to be dynamic: the check fails on it
    expect(unasked.message).toContain('do not match input_names');
    const f = diagnoseStatic(m, { requests: [{ source: '--inputs in.npz', shapes: { input: [1, 1, 96, 80] } }] }).find(
      (x) => x.code === 'FIXED_DIM',
    )!;
    expect(f.severity).toBe('error');
    expect(f.input).toBe('input');
    expect(f.fix).toContain("dynamic_axes={'input': {0: 'batch', 2: 'height', 3: 'width'}");
    expect(f.fix).not.toContain("'x'");
    expect(f.message).toContain('does not match input_names');
  });

  test('static scalar inputs: no advice to make axes dynamic that do not exist; a scalar first input is skipped', async () => {
    const scalarOnly = await readModel(
      encodeModel({ nodes: [node('Relu', ['x'], ['y'])], inputs: [valueInfo('x', [])], outputs: [valueInfo('y', [])] }),
    );
    expect(diagnoseStatic(scalarOnly)).toEqual([]);
    const scalarFirst = await readModel(
      encodeModel({
        nodes: [node('Mul', ['x', 's'], ['y'])],
        inputs: [valueInfo('s', []), valueInfo('x', [1, 3, 8, 8])],
        outputs: [valueInfo('y', [1, 3, 8, 8])],
      }),
    );
    const f = diagnoseStatic(scalarFirst).find((x) => x.code === 'FIXED_DIM')!;
    expect(f).toMatchObject({ severity: 'info', input: 'x' });
    expect(f.fix).toContain("'x': {0: 'batch', 2: 'height', 3: 'width'}");
    expect(f.fix).not.toContain("'s': {}");
  });

  test('a channel-count conflict (RGB into a 1-channel net) says feed 1 channel, never to make channels dynamic', () => {
    const only = diagnoseStatic(models.get('super_resolution')!, {
      requests: [{ source: '--inputs rgb.npz', shapes: { input: [1, 3, 24, 24] } }],
    }).find((x) => x.code === 'FIXED_DIM')!;
    expect(only).toMatchObject({ severity: 'error', input: 'input', axis: 1 });
    expect(only.message).toContain('channel count');
    expect(only.fix).toContain('1 channel(s)');
    expect(only.message).not.toContain('dynamic_axes={');
    const mixed = diagnoseStatic(models.get('super_resolution_static')!, {
      requests: [{ source: '--shapes', shapes: { input: [1, 3, 128, 128] } }],
    }).find((x) => x.code === 'FIXED_DIM')!;
    expect(mixed.fix).toContain("dynamic_axes={'input': {0: 'batch', 2: 'height', 3: 'width'}");
    expect(mixed.fix).not.toContain('channels');
    expect(mixed.message).toContain('channel count');
  });

  test('dynamic model with any requested h/w: nothing', () => {
    const findings = diagnoseStatic(models.get('super_resolution')!, {
      requests: [{ source: '--shapes', shapes: { input: [3, 1, 17, 999] } }],
    });
    expect(findings).toEqual([]);
  });
});

describe('WEIGHTS_AS_INPUTS', () => {
  test('export_params=False: count, names, export_params=True', () => {
    const f = diagnoseStatic(models.get('super_resolution_no_params')!).find((x) => x.code === 'WEIGHTS_AS_INPUTS')!;
    expect(f.severity).toBe('error');
    expect(f.details!.count).toBe(8);
    expect(f.details!.dataInputs).toEqual(['input']);
    expect(f.message).toContain('conv1.weight');
    expect(f.fix).toContain('export_params=True');
  });

  test('a second data input multiplied by MatMul alone is not a weight', async () => {
    const m = await readModel(
      encodeModel({
        nodes: [node('MatMul', ['a', 'b'], ['y'])],
        inputs: [valueInfo('a', ['n', 4]), valueInfo('b', [4, 4])],
        outputs: [valueInfo('y', ['n', 4])],
      }),
    );
    expect(diagnoseStatic(m)).toEqual([]);
  });
});

describe('UNSUPPORTED_OP', () => {
  test('custom_op: the custom-domain op and Unique, all listed at once, with nodes', () => {
    const findings = diagnoseStatic(models.get('custom_op')!).filter((f) => f.code === 'UNSUPPORTED_OP');
    expect(findings.map((f) => [f.node!.domain, f.node!.opType, f.severity])).toEqual([
      ['com.example', 'FastGelu', 'error'],
      ['', 'Unique', 'error'],
    ]);
    expect(findings[0].message).toContain("plugin named 'FastGelu'");
    expect(findings[1].message).toContain(`TensorRT ${OPERATOR_SUPPORT_SOURCE.matrixVersion}`);
  });

  test('the support table is the transcribed matrix: known Y and N entries', () => {
    expect(OPERATOR_SUPPORT.Conv.supported).toBe(true);
    expect(OPERATOR_SUPPORT.Resize.supported).toBe(true);
    expect(OPERATOR_SUPPORT.Unique.supported).toBe(false);
    expect(OPERATOR_SUPPORT.SequenceAt.supported).toBe(false);
    expect(Object.keys(OPERATOR_SUPPORT).length).toBeGreaterThan(150);
    expect(OPERATOR_SUPPORT_SOURCE.matrixVersion).toBe('10.15');
  });

  test('ATen fallback, MaxPool indices, antialiased Resize: each reported; the opset outside the range apart', async () => {
    const m = await readModel(
      encodeModel({
        opsets: [{ domain: '', version: 25 }],
        nodes: [
          node('ATen', ['x'], ['a'], { domain: 'org.pytorch.aten', attribute: [{ name: 'operator', type: 3, s: Buffer.from('foo') }] }),
          node('MaxPool', ['a'], ['p', 'idx'], { attribute: [{ name: 'kernel_shape', type: 7, ints: [2, 2] }] }),
          node('Resize', ['p', '', 'sc'], ['y'], { attribute: [{ name: 'mode', type: 3, s: Buffer.from('cubic') }, { name: 'antialias', type: 2, i: 1 }] }),
        ],
        initializers: [floatTensor('sc', [4], [1, 1, 2, 2])],
        inputs: [valueInfo('x', [1, 3, 8, 8])],
        outputs: [valueInfo('y', null), valueInfo('idx', null)],
      }),
    );
    const findings = diagnoseStatic(m).filter((f) => f.code === 'UNSUPPORTED_OP');
    expect(findings.filter((f) => f.node).map((f) => f.node!.opType)).toEqual(['ATen', 'MaxPool', 'Resize']);
    expect(findings.every((f) => !f.node || f.severity === 'error')).toBe(true);
    // Cubic itself imports (onnx-tensorrt's checker and importer take it, InterpolationMode::kCUBIC); antialias does not.
    expect(findings.find((f) => f.node?.opType === 'Resize')!.message).toMatch(/antialias=1\b.*"Antialiasing is not supported currently\."/);
    // The opset is not an op: judged under its own code, as TensorRT's parser judges it (info above the documented range).
    expect(findings.every((f) => f.node)).toBe(true);
    const opset = diagnoseStatic(m).find((f) => f.code === 'OPSET_VERSION')!;
    expect([opset.severity, opset.details!.opset]).toEqual(['info', 25]);
    expect(opset.fix).toContain('opset_version=24');
  });
});

test("UNSUPPORTED_OP: Upsample mode 'bilinear' imports (onnx-tensorrt's Upsample takes it); Resize 'cubic' does not", async () => {
  const upsample = (mode: string) =>
    readModel(
      encodeModel({
        opsets: [{ domain: '', version: 9 }],
        nodes: [node('Upsample', ['x', 'sc'], ['y'], { attribute: [{ name: 'mode', type: 3, s: Buffer.from(mode) }] })],
        initializers: [floatTensor('sc', [4], [1, 1, 2, 2])],
        inputs: [valueInfo('x', ['n', 3, 8, 8])],
        outputs: [valueInfo('y', ['n', 3, 16, 16])],
      }),
    );
  const bilinear = diagnoseStatic(await upsample('bilinear'));
  expect(bilinear.filter((f) => f.code === 'UNSUPPORTED_OP')).toEqual([]);
  // It still interpolates with asymmetric coordinates: the PyTorch mismatch remains.
  expect(bilinear.map((f) => f.code)).toEqual(['RESIZE_SEMANTICS']);
  const cubic = diagnoseStatic(await upsample('cubic')).filter((f) => f.code === 'UNSUPPORTED_OP');
  expect(cubic.map((f) => f.severity)).toEqual(['error']);
});

describe('RESIZE_SEMANTICS', () => {
  test('opset 10 Resize and opset 9 Upsample in linear mode; opset 11 half_pixel is clean', () => {
    for (const name of ['bilinear_upsample_opset10', 'bilinear_upsample_opset9']) {
      const f = diagnoseStatic(models.get(name)!).find((x) => x.code === 'RESIZE_SEMANTICS')!;
      expect(f.severity).toBe('error');
      expect(f.fix).toContain('opset_version=11');
      expect(f.message).toContain('align_corners == True');
    }
    expect(diagnoseStatic(models.get('bilinear_upsample')!)).toEqual([]);
  });

  test('nearest Upsample is not flagged (PyTorch nearest matches)', async () => {
    const m = await readModel(
      encodeModel({
        opsets: [{ domain: '', version: 9 }],
        nodes: [node('Upsample', ['x', 'sc'], ['y'], { attribute: [{ name: 'mode', type: 3, s: Buffer.from('nearest') }] })],
        initializers: [floatTensor('sc', [4], [1, 1, 2, 2])],
        inputs: [valueInfo('x', ['n', 3, 8, 8])],
        outputs: [valueInfo('y', ['n', 3, 16, 16])],
      }),
    );
    expect(diagnoseStatic(m)).toEqual([]);
  });
});

describe('TRAINING_MODE', () => {
  test('training export: BatchNormalization with batch statistics and Dropout with training_mode=true', () => {
    const findings = diagnoseStatic(models.get('batchnorm_dropout_training')!).filter((f) => f.code === 'TRAINING_MODE');
    expect(findings.map((f) => [f.node!.opType, f.severity])).toEqual([
      ['BatchNormalization', 'error'],
      ['Dropout', 'error'],
    ]);
    expect(findings[0].fix).toContain('model.eval()');
  });

  test('Dropout whose training_mode is a graph input: a warning that names it as such, not as computed', async () => {
    const m = await readModel(
      encodeModel({
        nodes: [node('Dropout', ['x', '', 't'], ['y'])],
        inputs: [valueInfo('x', ['n', 4]), valueInfo('t', [], 9)],
        outputs: [valueInfo('y', ['n', 4])],
      }),
    );
    const f = diagnoseStatic(m).filter((x) => x.code === 'TRAINING_MODE');
    expect(f.map((x) => x.severity)).toEqual(['warning']);
    expect(f[0].message).toContain("from the graph input 't'");
  });

  test('Dropout with training_mode false, or absent: clean', async () => {
    const m = await readModel(
      encodeModel({
        nodes: [node('Dropout', ['x', '', 't'], ['y'])],
        initializers: [{ name: 't', dims: [], data_type: 9, raw_data: new Uint8Array([0]) }],
        inputs: [valueInfo('x', ['n', 4])],
        outputs: [valueInfo('y', ['n', 4])],
      }),
    );
    expect(diagnoseStatic(m)).toEqual([]);
  });
});
