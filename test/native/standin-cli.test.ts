/**
 * The TensorRT paths of the CLI, end to end through the real addon wherever TensorRT (or trt-node's stand-in) and a
 * GPU (or the stand-in's CUDA) are present: `trt-node build` with its progress bar, `trt-node check --engine` writing
 * an HTML report with a TensorRT runner, and `trt-node bench` with TensorRT rows. Skipped with the reason elsewhere.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { requireTensorRT } from '../../lib/trt/tensorrt';
import { runCli } from '../helpers/cli';
import { superRes } from './engine-fixtures';
import { describeWithGpu } from './gpu-gate';


describeWithGpu('the CLI on TensorRT', () => {
  jest.setTimeout(300_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trt-node-cli-'));
  const plan = path.join(dir, 'model.plan');

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('build: writes the plan, draws the progress bar on a terminal, and names the library that built it', async () => {
    const wasTTY = process.stderr.isTTY;
    process.stderr.isTTY = true; // the bar is drawn only on a terminal
    let r;
    try {
      r = await runCli(['build', superRes, '--shapes', 'input:1x1x16x16..1x1x32x32..1x1x64x64', '-o', plan, '--timing-cache', path.join(dir, 't.cache')]);
    } finally {
      process.stderr.isTTY = wasTTY;
    }
    expect(r.code).toBe(0);
    expect(fs.statSync(plan).size).toBeGreaterThan(0);
    expect(r.stderr).toMatch(/building .*%/);
    expect(r.stdout).toContain(`with TensorRT ${requireTensorRT().version.text}`);
    expect(fs.statSync(path.join(dir, 't.cache')).size).toBeGreaterThan(0);
  });

  it('check --engine: cross-checks the engine against onnxruntime and writes an HTML report with a TensorRT runner', async () => {
    const report = path.join(dir, 'report.html');
    const r = await runCli(['check', superRes, '--engine', plan, '--sweep', '--report', report]);
    expect(r.code).toBe(0);
    const html = fs.readFileSync(report, 'utf8');
    expect(html).toContain('tensorrt');
    expect(html).toContain(requireTensorRT().version.text);
  });

  it('bench: TensorRT rows next to onnxruntime', async () => {
    const json = path.join(dir, 'bench.json');
    const r = await runCli([
      'bench', superRes, '--engine', plan, '--shapes', 'input:1x1x32x32', '--warmup', '1', '--iterations', '5',
      '--json', json, '--chart', path.join(dir, 'bench.svg'),
    ]);
    expect(r.code).toBe(0);
    const text = fs.readFileSync(json, 'utf8');
    expect(text).toMatch(/"trt"/);
    expect(text).toMatch(/"ort"/);
  });
});
