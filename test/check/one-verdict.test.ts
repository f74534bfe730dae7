/**
 * Issue 20, item 1: a verdict is one fact. The text, the exit code, the JSON `pass` and the HTML report say the same
 * thing (output-dims changes included); "TensorRT import: ok" is said only when TensorRT imported the model; a check
 * that compared nothing says so; the counts agree with each other; and the dynamic_axes mistake check itself names
 * (outputs dynamic, input fixed) fails the check.
 */
import * as fs from 'fs';
import * as path from 'path';
import { check, formatCheckReport } from '../../lib/check';
import { runCli } from '../helpers/cli';
import { resultLine } from '../helpers/text';
import { makeTemp, node, removeTemp, valueInfo, writeModel } from '../onnx/build-model';
import { fixtureFile, modelPath } from './fixtures';

let dir: string;
beforeAll(() => (dir = makeTemp('trt-node-verdict-')));
afterAll(() => removeTemp(dir));


/** Identity x [b, 3] -> y, declared [b, 4]: every run returns y [b, 3], against the declared fixed 4. */
function outputDimsModel(): string {
  return writeModel(dir, 'outdims_fixed.onnx', { nodes: [node('Identity', ['x'], ['y'])], inputs: [valueInfo('x', ['b', 3])], outputs: [valueInfo('y', ['b', 4])] });
}

describe('the output-dims check is part of the verdict (D4)', () => {
  test('plain check: every probe fails on y axis 1, and the report, the text, JSON and exit code all say FAIL', async () => {
    const file = outputDimsModel();
    const r = await check(file);
    expect(r.pass).toBe(false);
    expect(r.runs[0].pass).toBe(false);
    expect(r.runs[0].dimIssues).toEqual([{ runner: 'onnxruntime', output: 'y', axis: 1, expected: '4', got: 3 }]);
    // The finding that explains it, and the part it fails.
    const f = r.findings.find((x) => x.details?.output === 'y')!;
    expect(f).toMatchObject({ code: 'FIXED_DIM', severity: 'error', details: { output: 'y', outputAxis: 1 } });
    expect(f.message).toMatch(/declares axis 1 as 4.*returns 3/);
    expect(r.parts.export).toEqual({ status: 'fails', codes: ['FIXED_DIM'] });
    expect(resultLine(formatCheckReport(r))).toMatch(/^Result: FAIL /);

    const text = await runCli(['check', file]);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/probe 0 \(default shapes\): not compared → FAIL/);
    expect(resultLine(text.stdout)).toMatch(/^Result: FAIL — .*export: FAILS \(FIXED_DIM\)/);
    const json = await runCli(['check', file, '--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout).pass).toBe(false);
  });

  test('--sweep --report: the HTML badge is the check verdict, the same as the text and the exit code', async () => {
    const report = path.join(dir, 'outdims.html');
    const r = await runCli(['check', outputDimsModel(), '--sweep', '--report', report]);
    expect(r.code).toBe(1);
    expect(resultLine(r.stdout)).toMatch(/^Result: FAIL/);
    const html = fs.readFileSync(report, 'utf8');
    expect(html).toMatch(/<h1>[^\n]*<span class="badge fail">FAIL<\/span>/);
    expect(html).not.toContain('badge pass');
  });

  test('a static error with agreeing runners: the cross-check passes, but the HTML says what check says (FAIL, and why)', async () => {
    const report = path.join(dir, 'opset10.html');
    const json = path.join(dir, 'opset10.json');
    // Generous tolerances: every comparison passes; RESIZE_SEMANTICS (an export error) still fails the check.
    const args = ['check', modelPath('bilinear_upsample_opset10'), '--probes', '1x3x16x16', '--no-probe', '--atol', '1'];
    const r = await runCli([...args, '--report', report]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/Cross-check: PASS/);
    const html = fs.readFileSync(report, 'utf8');
    expect(html).toMatch(/<h1>[^\n]*<span class="badge fail">FAIL<\/span>/);
    expect(html).toContain('export: FAILS (RESIZE_SEMANTICS)');
    await runCli([...args, '--report', json]);
    const doc = JSON.parse(fs.readFileSync(json, 'utf8'));
    expect(doc.pass).toBe(true); // the cross-check's own verdict...
    expect(doc.check).toMatchObject({ pass: false, result: 'FAIL' }); // ...and the check's, in the same file
  });
});

describe('TensorRT import is TensorRT\'s word only when TensorRT imported the model (P5)', () => {
  test('without a TensorRT runner the part says "judged without TensorRT", passing or failing, in text and JSON', async () => {
    const r = await check(modelPath('super_resolution'), { samples: [{ inputs: fixtureFile('super_resolution/inputs_1x1x64x64.npz') }], probe: false });
    expect(r.parts.tensorrtImport).toMatchObject({ status: 'ok', judgedBy: 'static' });
    expect(resultLine(formatCheckReport(r))).toMatch(/^Result: PASS .* — TensorRT import: ok \(judged without TensorRT\);/);
    expect(resultLine(formatCheckReport(r))).not.toMatch(/TensorRT import: ok;/);
  });

  test('the HTML report of a cross-check without TensorRT says so, and why', async () => {
    const report = path.join(dir, 'no-trt.html');
    const r = await runCli(['check', modelPath('super_resolution'), '--probes', '1x1x16x16', '--report', report]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/TensorRT: not part of this cross-check \(no TensorRT engine was given or built/);
    const html = fs.readFileSync(report, 'utf8');
    expect(html).toMatch(/TensorRT was not part of this cross-check<\/b>: no TensorRT engine was given or built/);
    expect(html).toContain('TensorRT import: ok (judged without TensorRT)');
  });
});

describe('a check that compared nothing is not a bare PASS (P24)', () => {
  test('no reference: "PASS (nothing compared)" in the text; JSON says it too', async () => {
    const r = await runCli(['check', modelPath('super_resolution'), '--shapes', 'input:1x1x16x16', '--no-probe', '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.pass).toBe(true);
    expect(doc.result).toBe('PASS (nothing compared)');
    const t = await runCli(['check', modelPath('super_resolution'), '--shapes', 'input:1x1x16x16', '--no-probe']);
    expect(resultLine(t.stdout)).toMatch(/^Result: PASS \(nothing compared\) — /);
  });
});

describe('counts agree with each other (P9)', () => {
  const opset10 = ['check', modelPath('bilinear_upsample_opset10'), '--inputs', fixtureFile('bilinear_upsample_opset10/inputs_1x3x32x32.npz'),
    '--reference', fixtureFile('bilinear_upsample_opset10/reference_1x3x32x32.npz')];

  test('a probe row of a one-output model counts comparisons, not outputs', async () => {
    const r = await runCli([...opset10, '--probes', '1x3x16x16', '--no-probe']);
    const row = r.stdout.split('\n').find((l) => /^\s+0\s+sample/.test(l))!;
    expect(row).toMatch(/out of tol\., 2 of 2 comparisons\)/);
    expect(row).not.toMatch(/outputs\)/);
  });

  test('the headlines name the failing probe that has the PyTorch reference, and one count of comparisons', async () => {
    const report = path.join(dir, 'o10.html');
    const r = await runCli([...opset10, '--probes', '1x3x16x16', '--probes', '1x3x24x24', '--no-probe', '--report', report]);
    expect(r.code).toBe(1);
    const epilogue = r.stdout.split('\n').find((l) => l.startsWith('Cross-check: FAIL'))!;
    expect(epilogue).toMatch(/against the reference: 0 of 1 probe passed/);
    const result = resultLine(r.stdout);
    expect(result).toMatch(/against the reference: 0 of 1 probe passed/);
    // One count of comparisons in the line, not "2 of 10 comparisons" next to "0 of 2 compared outputs".
    expect(result).not.toMatch(/compared output/);
    const html = fs.readFileSync(report, 'utf8');
    expect(html).toMatch(/against the reference<b>0\/1<\/b>/);
  });

  test('runs: the text, the JSON and the HTML count the same runs (model runs; saved references are not runs)', async () => {
    const report = path.join(dir, 'sr.html');
    const json = path.join(dir, 'sr.json');
    const sample = ['--inputs', fixtureFile('super_resolution/inputs_1x1x64x64.npz'), '--reference', fixtureFile('super_resolution/reference_1x1x64x64.npz')];
    const r = await runCli(['check', modelPath('super_resolution'), ...sample, '--probes', '1x1x16x16', '--probes', '1x1x17x19', '--report', report, '--json', json]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(fs.readFileSync(json, 'utf8'));
    const runs = doc.crossCheck.summary.runs;
    const modelRuns = doc.crossCheck.probes.flatMap((p: { runs: { runner: string; status: string }[] }) => p.runs.filter((x) => x.runner !== 'reference' && x.status !== 'skipped')).length;
    expect(runs).toBe(modelRuns);
    expect(runs).toBe(6); // 3 probes (the sample and two --probes) x 2 onnxruntime runners
    expect(resultLine(r.stdout)).toContain(`${runs} of ${runs} runs ran`);
    expect(fs.readFileSync(report, 'utf8')).toContain(`runs<b>${runs}/${runs}</b>`);
  });
});

describe("the dynamic_axes mistake check names fails the check (P6)", () => {
  test('outputs dynamic, input fixed (dynamic_axes keyed by another name): an error, exit 1', async () => {
    const file = writeModel(dir, 'wrong_key.onnx', {
      nodes: [node('Relu', ['image'], ['output'])],
      inputs: [valueInfo('image', [1, 3, 8, 8])],
      outputs: [valueInfo('output', ['batch', 3, 'height', 'width'])],
    });
    const r = await runCli(['check', file, '--json']);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.pass).toBe(false);
    expect(doc.findings.map((f: { code: string; severity: string }) => [f.code, f.severity])).toEqual([['FIXED_DIM', 'error']]);
    expect(doc.parts.export).toEqual({ status: 'fails', codes: ['FIXED_DIM'] });
  });
});
