/**
 * TensorRT against onnxruntime-node at every probe (GPU + TensorRT only; skipped with the reason printed
 * otherwise), plus what runs everywhere: the TensorRT runner's profile handling over a stand-in engine, and the
 * TensorRTUnavailableError a TensorRT-less install gives.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { crossCheck, tensorRTRunnerFromEngine, type EngineLike } from '../../lib/crosscheck';
import { OrtRunner } from '../../lib/runners/onnxruntime/ort-runner';
import { ParseError, TensorRTUnavailableError } from '../../lib/errors';
import type { NamedTensors } from '../../lib/tensor/types';
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
  // mode is refused by TensorRT's ONNX parser (below).
  const IMPORT_REFUSED = ['WEIGHTS_AS_INPUTS', 'WEIGHTS_MISSING', 'TRAINING_MODE'];
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
