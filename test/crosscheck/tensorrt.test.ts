/**
 * TensorRT against onnxruntime-node at every probe (GPU + TensorRT only; skipped with the reason printed
 * otherwise), including verdicts that must fail (a float16 engine whose activations overflow), plus what runs
 * everywhere: the TensorRT runner's profile handling over a stand-in engine, and the TensorRTUnavailableError a
 * TensorRT-less install gives. It asserts only what TensorRT shows; the stand-in's own switches (a perturbed engine)
 * are tested in standin-numerics.test.ts.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { crossCheck, tensorRTRunnerFromEngine, type CrossCheckResult, type EngineLike } from '../../lib/crosscheck';
import { OrtRunner } from '../../lib/runners/onnxruntime/ort-runner';
import { ParseError, TensorRTUnavailableError } from '../../lib/errors';
import type { NamedTensors } from '../../lib/tensor/types';
import { requireTensorRT } from '../../lib/trt/tensorrt';
import { describeWithGpu, gpuSkipReason } from '../native/gpu-gate';
import { MODELS, NOT_RUNNABLE, fixture, modelOf, samplesOf } from './manifest';

const skipReason = gpuSkipReason();

describe('the TensorRT runner over a fake engine (onnxruntime behind the engine interface; not the TensorRT stand-in)', () => {
  test('runs each probe with its own profile, picks one that fits otherwise, and skips shapes outside all profiles', async () => {
    const session = await OrtRunner.create(modelOf(fixture('super_resolution')));
    const calls: { profile: number | undefined; dims: number[] }[] = [];
    const engine: EngineLike = {
      inputs: [
        {
          name: 'input',
          dims: [-1, 1, -1, -1],
          profiles: [
            { min: [1, 1, 16, 16], opt: [1, 1, 32, 32], max: [1, 1, 64, 64] },
            { min: [1, 1, 48, 48], opt: [2, 1, 96, 80], max: [2, 1, 128, 128] },
          ],
        },
      ],
      profileCount: 2,
      run: async (feeds, options) => {
        const input = feeds.input as NamedTensors[string];
        calls.push({ profile: options?.profile, dims: [...input.dims] });
        return session.run({ input });
      },
      dispose: () => undefined,
    };
    const runner = tensorRTRunnerFromEngine(engine, 'tensorrt', 'stand-in');
    try {
      const r = await crossCheck(modelOf(fixture('super_resolution')), {
        runners: [{ kind: 'onnxruntime', graphOptimization: 'disabled' }, runner],
        profiles: runner.profiles,
        probes: [{ input: [1, 1, 20, 20] }, { input: [1, 1, 50, 50] }, { input: [2, 1, 100, 100] }, { input: [3, 1, 64, 64] }],
      });
      expect(calls.map((c) => [c.dims.join('x'), c.profile])).toEqual([
        ['1x1x20x20', 0],
        ['1x1x50x50', 0], // fits both: the probe came with profile 0 (first that fits)
        ['2x1x100x100', 1],
      ]);
      const last = r.probes[3].runs.find((x) => x.runner === 'tensorrt')!;
      expect(last.status).toBe('skipped');
      expect(last.reason).toMatch(/outside every optimization profile/);
      // The stand-in is onnxruntime with optimizations: it agrees with onnxruntime without them.
      expect(r.probes.slice(0, 3).every((p) => p.comparisons[0].pass && p.comparisons[0].actual === 'tensorrt')).toBe(true);
      expect(r.probes[3].verdict).toBe('not compared'); // onnxruntime ran; TensorRT had no profile for it
    } finally {
      await session.dispose();
    }
  });
});

if (skipReason) {
  describe('without TensorRT', () => {
    test('asking for a TensorRT engine rejects with TensorRTUnavailableError', async () => {
      const model = modelOf(fixture('super_resolution'));
      await expect(crossCheck(model, { engine: path.join(os.tmpdir(), 'none.plan') })).rejects.toBeInstanceOf(TensorRTUnavailableError);
      await expect(crossCheck(model, { tensorrt: true })).rejects.toThrow(/TensorRT is not available/);
    });
  });
}

describeWithGpu('TensorRT vs onnxruntime-node at every probe (GPU)', () => {
  // Models whose weights are not in the file cannot be built (nor run by onnxruntime); a model exported in training
  // mode is refused by TensorRT's ONNX parser (below), and so is one with an op onnx-tensorrt cannot import or whose
  // attributes or inputs its import checks refuse (UNSUPPORTED_OP: trt-node's check evaluates the parser's table).
  const IMPORT_REFUSED = ['WEIGHTS_AS_INPUTS', 'WEIGHTS_MISSING', 'TRAINING_MODE', 'UNSUPPORTED_OP'];
  const runnable = MODELS.filter((f) => !NOT_RUNNABLE.has(f.name) && !f.expect_findings.some((c) => IMPORT_REFUSED.includes(c)));

  test("a model exported in training mode: TensorRT's parser refuses it, and crossCheck says where and why", async () => {
    const f = fixture('batchnorm_dropout_training');
    const e = (await crossCheck(modelOf(f), { samples: samplesOf(f), tensorrt: true }).catch((err: unknown) => err)) as ParseError;
    expect(e).toBeInstanceOf(ParseError);
    // onnx-tensorrt's static check of BatchNormalization (onnxOpCheckers.cpp), node 1 of the graph.
    expect(e.parserErrors[0]).toMatchObject({ node: 1, nodeOperator: 'BatchNormalization' });
    expect(e.parserErrors[0].description).toContain('training_mode == 1 in BatchNormalization');
    expect(e.message).toMatch(/^TensorRT's ONNX parser rejected .*model\.onnx with \d+ errors?:\n  - node 1 BatchNormalization '[^']*': kUNSUPPORTED_NODE: /);
  });

  test.each(runnable.map((f) => [f.name, f] as const))('%s: engine built from the sweep profile', async (_name, f) => {
    const r = await crossCheck(modelOf(f), { samples: samplesOf(f), tensorrt: true });
    const trt = r.runners.find((x) => x.kind === 'tensorrt')!;
    expect(trt.error).toBeUndefined();
    for (const p of r.probes) {
      const run = p.runs.find((x) => x.runner === 'tensorrt')!;
      if (f.expect_findings.includes('SHAPE_NOT_DYNAMIC') && p.runs.some((x) => x.runner === 'onnxruntime' && x.status === 'failed')) continue;
      expect(run.status).toBe('ran');
      const c = p.comparisons.find((x) => x.actual === 'tensorrt')!;
      // At samples TensorRT is compared with PyTorch; elsewhere with onnxruntime.
      expect(c.expected).toBe(p.kind === 'sample' ? 'reference' : 'onnxruntime');
      if (!(p.kind === 'sample' && ['bilinear_upsample_opset10', 'bilinear_upsample_opset9'].includes(f.name))) {
        for (const o of c.outputs) expect(o.maxAbsError!).toBeLessThan(1e-2);
      }
    }
  });

  test('super_resolution from a saved plan: the sweep covers the engine\'s own profiles', async () => {
    const { buildEngine } = await import('../../lib/trt/build');
    const model = modelOf(fixture('super_resolution'));
    const profiles = [
      { input: { min: [1, 1, 16, 16], opt: [1, 1, 32, 32], max: [1, 1, 64, 64] } },
      { input: { min: [1, 1, 65, 65], opt: [2, 1, 96, 80], max: [2, 1, 128, 128] } },
    ];
    const built = await buildEngine(model, { profiles });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trt-node-cc-'));
    const plan = path.join(dir, 'model.plan');
    fs.writeFileSync(plan, built.plan);
    const r = await crossCheck(model, { engine: plan });
    expect(r.profileSource).toBe('engine');
    expect(r.profiles).toEqual(profiles);
    expect(new Set(r.probes.map((p) => p.profile))).toEqual(new Set([0, 1]));
    expect(r.probes.every((p) => p.runs.find((x) => x.runner === 'tensorrt')?.status === 'ran')).toBe(true);
    expect(r.pass).toBe(true);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describeWithGpu('reduced precision: verdicts that can fail (GPU)', () => {
  jest.setTimeout(240_000);
  // Two-layer MLPs (scripts/fixtures/make_precision_fixtures.py) alike but for the scale of the first weights: the
  // hidden activations reach about 1.3e5 in fp16_overflow, past float16's largest finite value 65504, and about 128
  // in fp16_in_range.
  const overflow = path.join(__dirname, '..', 'fixtures', 'fp16_overflow', 'model.onnx');
  const inRange = path.join(__dirname, '..', 'fixtures', 'fp16_in_range', 'model.onnx');
  // A float16 engine's float32 outputs are compared at float32's tolerances unless told otherwise, which rounding
  // alone exceeds; these are float16's (lib/compare/tolerances.ts).
  const halfTolerance = { tolerance: { atol: 1e-2, rtol: 1e-2 } };
  const tensorrtOutputs = (r: CrossCheckResult) => r.probes.flatMap((p) => p.comparisons.filter((c) => c.actual === 'tensorrt').flatMap((c) => c.outputs));

  // TensorRT 11 has no precision flags: its engines compute in the model's types, and trt-node refuses fp16/bf16.
  const major = skipReason ? null : requireTensorRT().version.major;
  if (major !== null && major >= 11) {
    test('TensorRT 11: an fp16 build is refused, naming the option', async () => {
      const e = await crossCheck(overflow, { tensorrt: { build: { fp16: true } } }).catch((err: unknown) => err);
      expect(e).toMatchObject({ code: 'ERR_TRT_NODE_UNSUPPORTED_OPTION' });
      expect(String(e)).toMatch(/fp16/);
    });
    return;
  }

  test('a float16 engine of a model whose activations exceed 65504 fails the cross-check at its output; the float32 engine passes', async () => {
    const fp32 = await crossCheck(overflow, { tensorrt: true });
    expect(fp32.pass).toBe(true);
    const fp16 = await crossCheck(overflow, { tensorrt: { build: { fp16: true } }, ...halfTolerance });
    expect(fp16.pass).toBe(false);
    expect(fp16.firstFailure).toMatchObject({ kind: 'compare', runner: 'tensorrt', output: 'y' });
    // The activations overflowed to inf (and the outputs to inf or NaN): not a rounding difference.
    expect(tensorrtOutputs(fp16).every((o) => (o.histogram?.nonFinite ?? 0) > 0)).toBe(true);
  });

  test('a float16 engine of a model that stays in range passes at float16 tolerances, rounded but close', async () => {
    const r = await crossCheck(inRange, { tensorrt: { build: { fp16: true } }, ...halfTolerance });
    expect(r.pass).toBe(true);
    const outputs = tensorrtOutputs(r);
    expect(outputs.length).toBeGreaterThan(0);
    expect(outputs.every((o) => o.maxAbsError! < 1e-2)).toBe(true);
  });

  test("a bfloat16 engine keeps float32's range: the model that overflows float16 stays finite", async () => {
    const r = await crossCheck(overflow, { tensorrt: { build: { bf16: true } }, tolerance: { atol: 0.5, rtol: 0.05 } });
    expect(r.pass).toBe(true);
    expect(tensorrtOutputs(r).every((o) => (o.histogram?.nonFinite ?? 0) === 0)).toBe(true);
  });
});
