/**
 * The report says plainly which part failed — TensorRT importability (judged statically) or the numerics (the runs
 * against references) or the export — in the summary line and in the JSON (`parts`).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { check, formatCheckReport } from '../../lib/check';
import { resultLine } from '../helpers/text';
import { encodeModel, node, valueInfo } from '../onnx/build-model';
import { fixture, fixtureFile, modelPath } from './fixtures';

const samplesOf = (name: string) => fixture(name).samples.map((s) => ({ inputs: fixtureFile(s.inputs), reference: fixtureFile(s.reference) }));

test('all good: every part ok, numerics pass', async () => {
  const r = await check(modelPath('super_resolution'), { samples: samplesOf('super_resolution').slice(0, 1), probe: false });
  expect(r.parts).toEqual({
    tensorrtImport: { status: 'ok', judgedBy: 'static', tensorrt: expect.stringMatching(/^no TensorRT engine was given or built/), codes: [], nodes: 0 },
    export: { status: 'ok', codes: [] },
    numerics: { status: 'pass', compared: 1, failed: 0, runsNotRun: 0 },
  });
  expect(resultLine(formatCheckReport(r))).toMatch(/^Result: PASS — TensorRT import: ok \(judged without TensorRT\); export: ok; numerics: pass \(1 of 1 comparison within tolerance\)/);
});

test('onnxruntime matches the reference but TensorRT cannot import a node: the import part fails, not the numerics', async () => {
  // Unique: onnxruntime runs it; TensorRT's parser has no importer for it.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trt-node-parts-'));
  try {
    const file = path.join(dir, 'unique.onnx');
    fs.writeFileSync(
      file,
      encodeModel({
        opsets: [{ domain: '', version: 13 }],
        nodes: [node('Unique', ['x'], ['y'], { attribute: [{ name: 'sorted', type: 2, i: 1 }] })],
        inputs: [valueInfo('x', [6])],
        outputs: [valueInfo('y', ['n'])],
      }),
    );
    const x = { type: 'float32' as const, dims: [6], data: Float32Array.of(3, 1, 3, 2, 1, 2) };
    const y = { type: 'float32' as const, dims: [3], data: Float32Array.of(1, 2, 3) };
    const r = await check(file, { samples: [{ inputs: { x }, reference: { y } }], probe: false });
    expect(r.runs[0].pass).toBe(true);
    expect(r.pass).toBe(false);
    expect(r.parts.tensorrtImport).toMatchObject({ status: 'fails', judgedBy: 'static', codes: ['UNSUPPORTED_OP'], nodes: 1 });
    expect(r.parts.numerics.status).toBe('pass');
    expect(resultLine(formatCheckReport(r))).toMatch(/^Result: FAIL — TensorRT import: FAILS \(UNSUPPORTED_OP, judged without TensorRT\); export: ok; numerics: pass/);
    const json = JSON.parse(JSON.stringify(r));
    expect(json.parts.tensorrtImport.status).toBe('fails');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('opset-10 bilinear: the export part (RESIZE_SEMANTICS) and the numerics fail; TensorRT would import it', async () => {
  const r = await check(modelPath('bilinear_upsample_opset10'), { samples: samplesOf('bilinear_upsample_opset10').slice(0, 1), probe: false });
  expect(r.parts.tensorrtImport.status).toBe('ok');
  expect(r.parts.export).toEqual({ status: 'fails', codes: ['RESIZE_SEMANTICS'] });
  expect(r.parts.numerics).toEqual({ status: 'fail', compared: 1, failed: 1, runsNotRun: 0 });
  expect(resultLine(formatCheckReport(r))).toContain('numerics: FAIL (1 of 1 comparison outside tolerance)');
});

test('a model onnxruntime cannot load: TensorRT import fails too, numerics not run', async () => {
  const r = await check(modelPath('custom_op'), { probe: false });
  expect(r.parts.tensorrtImport.status).toBe('fails');
  expect(r.parts.numerics).toMatchObject({ status: 'not-run', runsNotRun: 1 });
  expect(resultLine(formatCheckReport(r))).toContain('numerics: NOT RUN (1 run could not run)');
});
