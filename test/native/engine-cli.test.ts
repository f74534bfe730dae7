/**
 * The TensorRT paths of the CLI, end to end through the real addon wherever TensorRT (or trt-node's stand-in) and a
 * GPU (or the stand-in's CUDA) are present: `trt-node build` with its progress bar, `trt-node check --engine` writing
 * an HTML report with a TensorRT runner, and `trt-node bench` with TensorRT rows. Skipped with the reason elsewhere.
 * It asserts only what TensorRT would show too; what only the stand-in shows is in standin-cli.test.ts.
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
    // The bar is drawn only on a terminal, and never in CI: this is an interactive terminal outside CI.
    const wasTTY = process.stderr.isTTY;
    const ci = process.env.CI;
    process.stderr.isTTY = true;
    delete process.env.CI;
    let r;
    try {
      r = await runCli(['build', superRes, '--shapes', 'input:1x1x16x16..1x1x32x32..1x1x64x64', '-o', plan, '--timing-cache', path.join(dir, 't.cache')]);
    } finally {
      process.stderr.isTTY = wasTTY;
      if (ci !== undefined) process.env.CI = ci;
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
    // TensorRT loaded the engine in this check: the import part is TensorRT's word, not a static judgement.
    expect(html).not.toContain('TensorRT was not part of this cross-check');
    expect(r.stdout).toMatch(/TensorRT import: ok; export: ok;/);
    expect(r.stdout).not.toContain('judged without TensorRT');
    const json = JSON.parse((await runCli(['check', superRes, '--engine', plan, '--probes', '1x1x32x32', '--json'])).stdout);
    expect(json.parts.tensorrtImport).toMatchObject({ status: 'ok', judgedBy: 'tensorrt', tensorrt: expect.stringContaining('engine model.plan') });
    expect(json.crossCheck.tensorrt).toMatchObject({ ran: true });
  });

  it("trtexec's spellings build the same engine: --onnx, --saveEngine, --minShapes/--optShapes/--maxShapes, --memPoolSize, --noTF32", async () => {
    const other = path.join(dir, 'trtexec.plan');
    const r = await runCli([
      'build', `--onnx=${superRes}`, `--saveEngine=${other}`, '--minShapes=input:1x1x16x16', '--optShapes=input:1x1x32x32', '--maxShapes=input:1x1x64x64',
      '--memPoolSize=workspace:256', '--noTF32', '--log-level', 'info', '--no-progress', '--json',
    ]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).profiles).toEqual([{ input: { min: [1, 1, 16, 16], opt: [1, 1, 32, 32], max: [1, 1, 64, 64] } }]);
    expect(fs.statSync(other).size).toBeGreaterThan(0);
  });

  it('bench: TensorRT rows next to onnxruntime, with the binding\'s own cost per run', async () => {
    const json = path.join(dir, 'bench.json');
    const r = await runCli([
      'bench', superRes, '--engine', plan, '--shapes', 'input:1x1x32x32', '--warmup', '1', '--iterations', '5',
      '--json', json, '--chart', path.join(dir, 'bench.svg'),
    ]);
    expect(r.code).toBe(0);
    const text = fs.readFileSync(json, 'utf8');
    // Rows are named by runner (lib/runners registry), not by bench's --backends short names.
    const runs = JSON.parse(text).runs as { backend: string; kind: string }[];
    expect(runs.map((x) => x.kind).sort()).toEqual(['onnxruntime', 'tensorrt']);
    const trt: any = runs.find((x) => x.kind === 'tensorrt');
    expect(trt.engine.median).toBeGreaterThan(0);
    expect(trt.overheadMedianMs).toBeGreaterThan(0);
    expect(trt.measuredAs).toMatch(/enqueueV3/);
    // Notes are wrapped to the width (continuation lines indented two): read them joined.
    expect(r.stdout.replace(/\n  (?=\S)/g, ' ')).toMatch(/binding overhead per run \(end-to-end − enqueueV3\) median [\d.]+ µs/);
  });
});
