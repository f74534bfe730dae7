import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { coveringProfile, formatBenchReport, latencyChartSpec, parseTrtexecSummary, percentile, resolveShapes, runBench, summarize, validateBenchOptions } from '../../lib/bench';
import { runCli } from '../helpers/cli';
import { caughtAsync } from '../helpers/errors';
import { modelPath } from '../check/fixtures';
import { DEFAULT_MODEL } from '../../lib/cli/defaults';
import { TrtNodeError } from '../../lib/errors';
import { readModel } from '../../lib/onnx/reader';
import { tensorrtAvailable } from '../../lib/trt';
import { describeWithGpu } from '../native/gpu-gate';

describe('latency statistics', () => {
  it('matches numpy percentiles (linear interpolation) on a known array', () => {
    const xs = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    // numpy.percentile(range(1, 11), [50, 90, 99]) = 5.5, 9.1, 9.91
    expect(percentile(xs, 50)).toBeCloseTo(5.5);
    expect(percentile(xs, 90)).toBeCloseTo(9.1);
    expect(percentile(xs, 99)).toBeCloseTo(9.91);
    const s = summarize([10, 1, 9, 2, 8, 3, 7, 4, 6, 5]);
    expect([s.count, s.min, s.max, s.mean, s.median]).toEqual([10, 1, 10, 5.5, 5.5]);
    expect(s.iqr).toBeCloseTo(7.75 - 3.25);
    expect(s.stdev).toBeCloseTo(3.02765, 4);
  });
});

describe('trtexec summary parser', () => {
  it('reads latency, GPU compute, copies and throughput from trtexec output', () => {
    const t = parseTrtexecSummary(fs.readFileSync(path.join(__dirname, 'trtexec-summary.txt'), 'utf8'));
    expect(t.throughputQps).toBe(1234.5);
    expect(t.latency).toMatchObject({ min: 0.751, max: 1.203, mean: 0.802, median: 0.798 });
    expect(t.latency?.percentiles).toEqual({ p90: 0.83, p95: 0.851, p99: 0.97 });
    expect(t.gpuCompute?.median).toBe(0.555);
    expect(t.h2d?.median).toBe(0.069);
    expect(t.d2h?.median).toBe(0.171);
    expect(parseTrtexecSummary('no summary here').latency).toBeNull();
  });
});

describe('BAD CALL: bench options', () => {
  it.each([
    [{ iterations: 0 }, /iterations/],
    [{ warmup: -1 }, /warmup/],
    [{ runners: ['tpu'] }, /runners/],
    [{ runners: [] }, /runners/],
    [{ durationS: 0 }, /duration/],
  ])('%j is rejected naming the option', (bad, re) => {
    expect(() => validateBenchOptions({ model: DEFAULT_MODEL, shapes: [], ...(bad as object) })).toThrow(re);
  });

  it('names the dynamic input that needs a shape, and a fixed axis that conflicts', async () => {
    const model = await readModel(DEFAULT_MODEL);
    expect(() => resolveShapes(model, [])).toThrow(/dynamic input 'input'/);
    expect(() => resolveShapes(model, [{ input: [1, 3, 8, 8] }])).toThrow(/axis 1 of input 'input'/);
    expect(() => resolveShapes(model, [{ image: [1, 1, 8, 8] }])).toThrow(TrtNodeError);
  });

  // Each used to reach the runners unchecked: a raw TypeError ('dims.join is not a function'), or a run at a
  // negative or fractional size.
  it.each([
    [[{ input: 'abc' }], 'ERR_TRT_NODE_INVALID_TYPE', /for shapes\[0\]\["input"\]/],
    [[{ input: [1, 1, -1, 8] }], 'ERR_TRT_NODE_INVALID_VALUE', /an integer ≥ 1 for shapes\[0\]\["input"\]\[2\] but received -1/],
    [[{ input: [1, 1, 8.5, 8] }], 'ERR_TRT_NODE_INVALID_VALUE', /for shapes\[0\]\["input"\]\[2\] but received 8\.5/],
    [[{ input: [1, 1, 8, 8] }, { x: [1, 1, 8, 8] }], 'ERR_TRT_NODE_INVALID_VALUE', /an input of the model \('input'\) for shapes\[1\] but received "x"/],
    [[{ input: [1, 8, 8] }], 'ERR_TRT_NODE_SHAPE', /shapes\[0\]: input 'input' has rank 4/],
    [[null], 'ERR_TRT_NODE_INVALID_TYPE', /for shapes\[0\]/],
    ['input:1x1x8x8', 'ERR_TRT_NODE_INVALID_TYPE', /an array for shapes/],
  ])('runBench shapes %j: %s naming the option and the input', async (shapes, code, re) => {
    const err = await caughtAsync(() => runBench({ model: DEFAULT_MODEL, shapes: shapes as never, runners: ['onnxruntime'], warmup: 0, iterations: 1 }));
    expect(err.code).toBe(code);
    expect(err.message).toMatch(re);
  });

  it('covers every shape set with one profile', () => {
    expect(coveringProfile([{ x: [1, 1, 64, 32] }, { x: [2, 1, 16, 128] }])).toEqual({ x: { min: [1, 1, 16, 32], opt: [1, 1, 64, 32], max: [2, 1, 64, 128] } });
  });
});

describe('a real run of the bundled model', () => {
  it('measures onnxruntime and reports TensorRT with its reason when absent', async () => {
    const report = await runBench({ model: DEFAULT_MODEL, shapes: [{ input: [1, 1, 32, 32] }, { input: [2, 1, 24, 40] }], warmup: 1, iterations: 4 });
    const ort = report.runs.filter((r) => r.backend === 'onnxruntime');
    expect(ort).toHaveLength(2);
    for (const r of ort) {
      expect(r.available).toBe(true);
      expect(r.samplesMs).toHaveLength(4);
      expect(r.latency!.min).toBeLessThanOrEqual(r.latency!.median);
      expect(r.latency!.median).toBeLessThanOrEqual(r.latency!.max);
      expect(r.settings).toHaveProperty('intraOpNumThreads');
      expect(r.eventLoopLag).toHaveProperty('p99Ms');
    }
    expect(ort[1].batch).toBe(2);
    const trt = report.runs.filter((r) => r.backend === 'tensorrt');
    if (!tensorrtAvailable()) {
      expect(trt.every((r) => !r.available && /TensorRT/.test(r.reason ?? ''))).toBe(true);
      expect(report.ratios).toEqual([]);
    } else {
      expect(report.ratios).toHaveLength(2);
    }
    expect(formatBenchReport(report)).toMatch(/onnxruntime\s+input:1x1x32x32/);
    // One point per timed run of every backend that ran (4 runs at 2 shapes each).
    const spec = latencyChartSpec(report) as { data: { values: unknown[] } };
    expect(spec.data.values).toHaveLength(8 * (tensorrtAvailable() ? 2 : 1));
    expect(JSON.parse(JSON.stringify(report)).runs).toHaveLength(4);
  });

  it('the CLI writes the JSON report and the SVG chart', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trt-node-bench-'));
    const json = path.join(dir, 'b.json');
    const chart = path.join(dir, 'b.svg');
    try {
      const ok = await runCli(['bench', '--shapes', 'input:1x1x16x16', '--backends', 'ort', '--warmup', '0', '--iterations', '2', '--json', json, '--chart', chart]);
      expect(ok.code).toBe(0);
      expect(ok.stdout).toMatch(/onnxruntime\s+input:1x1x16x16/);
      expect(JSON.parse(fs.readFileSync(json, 'utf8')).runs[0].samplesMs).toHaveLength(2);
      expect(fs.readFileSync(chart, 'utf8')).toMatch(/^<svg/);
      const bad = await runCli(['bench', '--iterations', 'ten', '--backends', 'ort']);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/--iterations/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('BAD CALL: the bench CLI', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trt-node-bench-bad-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const quick = ['bench', '--shapes', 'input:1x1x16x16', '--backends', 'ort', '--warmup', '0', '--iterations', '2'];

  it('an unwritable --json or --chart is refused before measuring (it used to crash with a stack trace after the runs)', async () => {
    fs.writeFileSync(path.join(dir, 'afile'), '');
    const r = await runCli([...quick, '--json', path.join(dir, 'afile', 'b.json'), '--chart', path.join(dir, 'b.svg')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\[ERR_TRT_NODE_FILE\]: .*b\.json: cannot be written \(--json\): part of the path .*afile is a file/);
    expect(r.stderr).not.toMatch(/preparing|unexpected error|\n\s+at /);
    const folder = await runCli([...quick, '--json', path.join(dir, 'b.json'), '--chart', dir]);
    expect(folder.code).toBe(2);
    expect(folder.stderr).toMatch(/\(--chart\): it is a folder/);
    const same = await runCli([...quick, '--json', path.join(dir, 'b.json'), '--chart', path.join(dir, 'b.json')]);
    expect(same.code).toBe(2);
    expect(same.stderr).toMatch(/--chart .* is the same file as --json/);
    expect(fs.readdirSync(dir)).toEqual(['afile']);
  });

  it('creates a missing --json folder, as for the default bench/out', async () => {
    const json = path.join(dir, 'new', 'b.json');
    const r = await runCli([...quick, '--json', json, '--chart', path.join(dir, 'new', 'b.svg')]);
    expect(r.code).toBe(0);
    expect(JSON.parse(fs.readFileSync(json, 'utf8')).runs).toHaveLength(1);
  });

  it.each([
    [['--iterations', '0'], /a whole number ≥ 1 for --iterations/],
    [['--warmup', '-1'], /for --warmup/],
    [['--threads', '100000'], /a whole number in 1\.\.1024 for --threads/], // onnxruntime would start 100000 threads
    [['--duration', '5000'], /seconds in \(0, 3600\] for --duration/],
    [['--backends', 'ort,foo'], /for --backends but received "ort,foo"/],
  ])('%j exits 2 naming the flag', async (args, re) => {
    const r = await runCli(['bench', '--shapes', 'input:1x1x16x16', ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(re);
  });

  it('--backends trt: without TensorRT exits 2 with TensorRTUnavailableError, writing nothing; with it, measures it', async () => {
    const json = path.join(dir, 'b.json');
    const r = await runCli(['bench', '--shapes', 'input:1x1x16x16', '--backends', 'trt', '--iterations', '2', '--warmup', '0', '--json', json, '--chart', path.join(dir, 'b.svg')]);
    if (!tensorrtAvailable()) {
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/\[ERR_TRT_NODE_TENSORRT_UNAVAILABLE\]/);
      expect(fs.readdirSync(dir)).toEqual([]);
    } else {
      expect(r.code).toBe(0);
      expect(JSON.parse(fs.readFileSync(json, 'utf8')).runs.map((x: { backend: string }) => x.backend)).toEqual(['tensorrt']);
    }
  });
});

describe('failed runs', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trt-node-bench-failed-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  // A Reshape holds the traced 24x24: onnxruntime runs 1x3x24x24 and fails at any other size.
  const model = modelPath('traced_reshape');
  const quick = ['bench', model, '--backends', 'ort', '--warmup', '0', '--iterations', '2'];

  it('a run that fails is named by its shape and error, next to those that ran', async () => {
    const r = await runCli([...quick, '--shapes', '1x3x24x24', '--shapes', '1x3x16x16', '--no-files']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^onnxruntime\s+input:1x3x24x24\s/m);
    // Notes are wrapped to the width (continuation lines indented two): read them joined.
    expect(r.stdout.replace(/\n  (?=\S)/g, ' ')).toMatch(/^onnxruntime input:1x3x16x16: failed — .*cannot be reshaped/m);
    expect(r.stdout).toContain('event-loop lag: how late timers fired');
  });

  it('nothing measured: exit 1 with the reason, no lag explanation, no file written', async () => {
    const json = path.join(dir, 'b.json');
    const r = await runCli([...quick, '--shapes', '1x3x16x16', '--shapes', '1x3x32x32', '--json', json, '--chart', path.join(dir, 'b.svg')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^onnxruntime input:1x3x16x16: failed — /m);
    expect(r.stdout).toMatch(/^onnxruntime input:1x3x32x32: failed — /m);
    expect(r.stdout).not.toMatch(/event-loop lag/);
    expect(r.stderr).toMatch(/bench measured nothing: all 2 runs failed .*b\.json and .*b\.svg not written/);
    expect(fs.readdirSync(dir)).toEqual([]);
    // With the JSON on stdout, the document still says what failed.
    const onStdout = await runCli([...quick, '--shapes', '1x3x16x16', '--json', '--no-files']);
    expect(onStdout.code).toBe(1);
    expect(JSON.parse(onStdout.stdout).runs[0]).toMatchObject({ available: false, shapes: { input: [1, 3, 16, 16] } });
  });
});

describe('bench and check read shapes alike', () => {
  // 'input' is dynamic, 'bias' fixed at 1x8x1x1: a bare shape is meant for 'input' (check always read it so).
  const model = modelPath('two_input_bias');

  it('a bare shape names the only dynamic input; the fixed one is filled in', async () => {
    const b = await runCli(['bench', model, '--shapes', '1x3x16x16', '--backends', 'ort', '--warmup', '0', '--iterations', '1', '--no-files', '--json']);
    expect(b.stderr).toBe('');
    expect(b.code).toBe(0);
    expect(JSON.parse(b.stdout).runs[0].shapes).toEqual({ input: [1, 3, 16, 16], bias: [1, 8, 1, 1] });
    const c = await runCli(['check', model, '--shapes', '1x3x16x16', '--no-probe', '--json']);
    expect(c.code).toBe(0);
    expect(JSON.parse(c.stdout).runs[0].shapes.input).toEqual([1, 3, 16, 16]);
  });

  // (A size that conflicts with a fixed dim is check's FIXED_DIM finding, an export pitfall it explains; bench refuses it.)
  it.each([
    ['1x3x16', /input 'input' has rank 4/],
    ['input:1x3x16x16,nosuch:1', /inputs? .*\(.*input.*\) for --shapes.* but received "nosuch"/],
  ])('both refuse --shapes %s (exit 2), naming the flag', async (spec, re) => {
    for (const cmd of [
      ['bench', model, '--backends', 'ort', '--no-files'],
      ['check', model, '--no-probe'],
    ]) {
      const r = await runCli([...cmd, '--shapes', spec]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(re);
      expect(r.stderr).toMatch(/--shapes/);
    }
  });
});

describe('BAD CALL: bench flags that nothing would read', () => {
  let dir: string;
  let plan: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trt-node-bench-unused-'));
    plan = path.join(dir, 'given.plan');
    fs.writeFileSync(plan, 'not read: the flags are refused first');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const quick = ['bench', '--shapes', 'input:1x1x16x16', '--warmup', '0', '--iterations', '1', '--no-files'];

  it.each([
    [['--fp16'], /--fp16 sets how a TensorRT engine is built, but --engine .*given\.plan is an engine already built: drop --fp16, or drop --engine/],
    [['--minShapes', 'input:1x1x8x8', '--maxShapes', 'input:1x1x32x32'], /--minShapes, --maxShapes set how .* --engine .*drop --minShapes, --maxShapes, or drop --engine/],
    [['--workspace', '512M', '--no-tf32'], /--workspace, --no-tf32 set how/],
  ])('--engine with %j: exit 2 naming both', async (flags, re) => {
    const r = await runCli([...quick, '--engine', plan, ...flags]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\[ERR_TRT_NODE_USAGE\]/);
    expect(r.stderr).toMatch(re);
  });

  it('--backends ort with build flags or an engine: exit 2 (no TensorRT runs)', async () => {
    const flags = await runCli([...quick, '--backends', 'ort', '--fp16', `--timingCacheFile=${path.join(dir, 't.cache')}`]);
    expect(flags.code).toBe(2);
    expect(flags.stderr).toMatch(/--timingCacheFile, --fp16 set how a TensorRT engine is built, but --backends ort runs no TensorRT: add trt to --backends/);
    const engine = await runCli([...quick, '--backends', 'ort', '--loadEngine', plan]);
    expect(engine.code).toBe(2);
    expect(engine.stderr).toMatch(/--loadEngine .*given\.plan is a TensorRT engine, but --backends ort runs no TensorRT/);
  });

  it('runBench: profile or build with engine is refused by name', async () => {
    for (const extra of [{ profiles: { input: { min: [1, 1, 8, 8], opt: [1, 1, 8, 8], max: [1, 1, 8, 8] } } }, { build: { fp16: true } }]) {
      const err = await caughtAsync(() => runBench({ model: DEFAULT_MODEL, engine: plan, shapes: [{ input: [1, 1, 8, 8] }], ...extra }));
      expect(err.code).toBe('ERR_TRT_NODE_USAGE');
      expect(err.message).toMatch(new RegExp(`^${Object.keys(extra)[0]} sets how bench builds an engine, and engine gives one`));
    }
  });
});

describeWithGpu('TensorRT bench (needs TensorRT and a GPU)', () => {
  it("Ctrl-C during the engine build stops the build (its timing cache is never written) and keeps what ran", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trt-node-bench-abort-'));
    const cache = path.join(dir, 'timing.cache');
    const controller = new AbortController();
    try {
      const err = await caughtAsync(() =>
        runBench({
          model: DEFAULT_MODEL,
          shapes: [{ input: [1, 1, 16, 16] }],
          runners: ['onnxruntime', 'tensorrt'],
          warmup: 0,
          iterations: 2,
          build: { timingCache: cache },
          signal: controller.signal,
          onProgress: (e) => {
            if (e.backend === 'tensorrt' && e.phase === 'preparing') controller.abort();
          },
        }),
      );
      expect(err.code).toBe('ERR_TRT_NODE_ABORTED');
      expect(fs.existsSync(cache)).toBe(false);
      const partial = (err as TrtNodeError & { partial?: { runs: { backend: string; available: boolean }[] } }).partial;
      expect(partial?.runs).toEqual([expect.objectContaining({ backend: 'onnxruntime', available: true })]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });


  it('reports H2D, compute and D2H from CUDA events and the Node overhead', async () => {
    const report = await runBench({ model: DEFAULT_MODEL, shapes: [{ input: [1, 1, 64, 64] }], runners: ['tensorrt'], warmup: 2, iterations: 10 });
    const r = report.runs[0];
    expect(r.available).toBe(true);
    expect(r.gpu!.compute.median).toBeGreaterThan(0);
    expect(r.gpu!.nodeOverheadMedianMs).toBeGreaterThanOrEqual(-0.05);
  });
});
