/**
 * What a new user met (the 2026-12-07 new-user report), polish that is still a fact to get right: the bundled
 * example's output dims (P19), terminal output that fits the terminal and says each thing once (P20), check --engine
 * without TensorRT keeping the rest of the check (P22), and heatmaps of rounding noise that do not look alarming (P23).
 */
import * as fs from 'fs';
import * as path from 'path';
import { check, formatCheckReport } from '../../lib/check';
import { formatFinding } from '../../lib/check/format';
import { DEFAULT_MODEL } from '../../lib/cli/defaults';
import { diagnoseStatic } from '../../lib/diagnostics';
import { readModel } from '../../lib/onnx/reader';
import { renderHtmlReport } from '../../lib/report';
import { crossCheck } from '../../lib/crosscheck';
import { unavailableMessage } from '../../lib/trt/tensorrt';
import { formatDoctorReport, type DoctorReport } from '../../lib/trt/doctor';
import { runCli } from '../helpers/cli';
import { makeTemp, removeTemp } from '../onnx/build-model';
import { gpuSkipReason } from '../native/gpu-gate';
import { fixtureFile, modelPath } from './fixtures';

let dir: string;
beforeAll(() => (dir = makeTemp('trt-node-new-user-')));
afterAll(() => removeTemp(dir));

test('P19: the bundled example declares its 3x output with names of its own, and the sweep still relates them to the input', async () => {
  const m = await readModel(DEFAULT_MODEL);
  const names = (dims: typeof m.outputs[number]['dims']) => dims!.map((d) => (d.kind === 'symbolic' ? d.name : d.kind === 'fixed' ? d.value : '?'));
  expect(names(m.inputs[0].dims)).toEqual(['batch', 1, 'height', 'width']);
  expect(names(m.outputs[0].dims)).toEqual(['batch', 1, 'out_height', 'out_width']);
  const r = await crossCheck(DEFAULT_MODEL, { probes: [{ input: [1, 1, 16, 16] }, { input: [1, 1, 20, 24] }] });
  const h = r.dimChecks.find((d) => d.output === 'output' && d.axis === 2 && d.runner === 'onnxruntime')!;
  expect(h).toMatchObject({ verdict: 'follows', declared: 'out_height', relation: { symbol: 'height', scale: 3, offset: 0 } });
});

describe('P20: terminal output', () => {
  test('the Result line is wrapped to the terminal width', async () => {
    const r = await check(modelPath('bilinear_upsample_opset10'), {
      samples: [{ inputs: fixtureFile('bilinear_upsample_opset10/inputs_1x3x32x32.npz'), reference: fixtureFile('bilinear_upsample_opset10/reference_1x3x32x32.npz') }],
      probe: false,
    });
    const text = formatCheckReport(r, { width: 72 });
    const i = text.split('\n').findIndex((l) => l.startsWith('Result:'));
    const lines = text.split('\n').slice(i);
    expect(lines.length).toBeGreaterThan(1);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(72);
  });

  test("doctor's fix line is wrapped, and the TensorRT-missing error is short and never sends doctor to itself", () => {
    const searched = ['TENSORRT_ROOT (not set)', 'TENSORRT_INCLUDE_DIR (not set)', 'TENSORRT_LIB_DIR (not set)', ...Array.from({ length: 20 }, (_, i) => `headers: /opt/x${i}/include`)];
    const info = { tensorrt: { available: false, reason: 'NvInfer.h not found', searched }, cuda: { available: false, reason: null } } as never;
    const message = unavailableMessage(info);
    expect(message.split('\n').length).toBeLessThanOrEqual(6);
    expect(message).toMatch(/and 20 more/);
    expect(message).toContain('trt-node doctor');
    const report = {
      node: { version: 'v20', napiVersion: 9, platform: 'linux', arch: 'x64' },
      addon: { loaded: true, path: '/x/trt_node.node', build: null, error: null },
      tensorrt: { available: false, reason: 'NvInfer.h not found', searched, fix: null },
      cuda: { compiled: true, runtimeVersion: '13.0', driverVersion: null, deviceCount: 0, error: null, devices: [] },
      ready: false,
      problems: ['The addon was built without TensorRT: NvInfer.h not found.'],
    } as unknown as DoctorReport;
    const { REBUILD_HINT } = require('../../lib/trt/tensorrt') as typeof import('../../lib/trt/tensorrt');
    report.tensorrt.fix = REBUILD_HINT;
    const text = formatDoctorReport(report, { width: 80 });
    for (const l of text.split('\n')) expect(l.length).toBeLessThanOrEqual(80);
    expect(text).not.toMatch(/trt-node doctor/);
  });

  test('a finding that ends with its fix shows it on a Fix: line of its own, once', async () => {
    const f = diagnoseStatic(await readModel(modelPath('bilinear_upsample_opset10'))).find((x) => x.code === 'RESIZE_SEMANTICS')!;
    const lines = formatFinding(f, { width: 120 });
    const fixLines = lines.filter((l) => /^\s+Fix: /.test(l));
    expect(fixLines).toHaveLength(1);
    expect(lines.join(' ')).toContain('opset_version=11');
    // Once: the message's own "Re-export with ..." sentence is not repeated above it.
    expect(lines.join('\n').match(/opset_version=11/g)!.length).toBe(1);
  });
});

(gpuSkipReason() ? describe : describe.skip)('P22: check --engine without TensorRT', () => {
  test('the diagnostics and the onnxruntime runs still run; TensorRT is marked not run, with why; the check fails (exit 1)', async () => {
    const plan = path.join(dir, 'model.plan');
    fs.writeFileSync(plan, 'not a plan');
    const r = await runCli(['check', modelPath('super_resolution'), '--engine', plan, '--probes', '1x1x16x16', '--json']);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    const trt = doc.crossCheck.runners.find((x: { kind: string }) => x.kind === 'tensorrt');
    expect(trt.error).toMatch(/TensorRT is not available/);
    expect(doc.crossCheck.tensorrt).toMatchObject({ ran: false, what: expect.stringMatching(/TensorRT is not available/) });
    expect(doc.crossCheck.probes[0].runs.find((x: { runner: string }) => x.runner === 'onnxruntime').status).toBe('ran');
    expect(doc.parts.tensorrtImport).toMatchObject({ judgedBy: 'static', tensorrt: expect.stringMatching(/TensorRT is not available/) });
    const text = await runCli(['check', modelPath('super_resolution'), '--engine', plan, '--probes', '1x1x16x16']);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/tensorrt +.*\n +NOT AVAILABLE: TensorRT is not available/);
    expect(text.stderr).toBe('');
  });
});

test('P23: a heatmap of rounding noise (far below atol) is greyed out and says so; a real error keeps its colours', async () => {
  const passing = await crossCheck(modelPath('super_resolution'), {
    runners: [{ kind: 'onnxruntime', graphOptimization: 'disabled' }, { kind: 'onnxruntime' }],
    probes: [{ input: [1, 1, 16, 16] }],
    errorMaps: true,
  });
  expect(passing.errorMaps).toHaveLength(1);
  const quiet = await renderHtmlReport(passing);
  expect(quiet).toMatch(/<img class="heat muted"/);
  expect(quiet).toMatch(/rounding noise/);
  const failing = await crossCheck(modelPath('bilinear_upsample_opset10'), {
    samples: [{ inputs: fixtureFile('bilinear_upsample_opset10/inputs_1x3x32x32.npz'), reference: fixtureFile('bilinear_upsample_opset10/reference_1x3x32x32.npz') }],
    runners: [{ kind: 'reference' }, { kind: 'onnxruntime' }],
    errorMaps: true,
  });
  const loud = await renderHtmlReport(failing);
  expect(loud).toMatch(/<img class="heat"/);
  expect(loud).not.toMatch(/rounding noise/);
});
