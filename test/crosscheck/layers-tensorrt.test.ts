/**
 * The TensorRT side of the layer-wise comparison (GPU + TensorRT, or trt-node's stand-in under `npm run
 * test:standin`; skipped with the reason printed otherwise): markOutputs marks tensors after parsing, and check's
 * `layers` builds a marked twin of the engine, compares its intermediates with onnxruntime's, and still compares the
 * unmarked engine's outputs.
 */
import { check } from '../../lib/check';
import { InvalidValueError } from '../../lib/errors';
import { readModel } from '../../lib/onnx/reader';
import { buildEngine } from '../../lib/trt/build';
import { Engine } from '../../lib/trt/engine';
import { describeWithGpu } from '../native/gpu-gate';
import { fixture, modelOf, samplesOf } from './manifest';

const dynamo = fixture('dynamo_bilinear_upsample');
const profile = { x: { min: [1, 3, 16, 16], opt: [1, 3, 20, 28], max: [2, 3, 32, 32] } };

describeWithGpu('layer-wise comparison on TensorRT', () => {
  jest.setTimeout(300_000);

  test('markOutputs makes the named tensors engine outputs (after the model outputs); a name the model lacks is refused with the nearest', async () => {
    const built = await buildEngine(modelOf(dynamo), { profiles: profile, markOutputs: ['relu', 'upsample_bilinear2d'] });
    const engine = await Engine.load(built.plan);
    try {
      expect(engine.outputs.map((o) => o.name)).toEqual(['conv2d_1', 'relu', 'upsample_bilinear2d']);
    } finally {
      engine.dispose();
    }
    const err = await buildEngine(modelOf(dynamo), { profiles: profile, markOutputs: ['relu_'] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidValueError);
    expect((err as Error).message).toMatch(/options\.markOutputs\[0\].*Did you mean 'relu'/);
  });

  test("check's layers: a marked twin of the engine is compared tensor by tensor, the unmarked engine's outputs too, and the note says marking can change fusions", async () => {
    const summary = await readModel(modelOf(dynamo));
    const r = await check(modelOf(dynamo), { samples: samplesOf(dynamo).slice(0, 1), tensorrt: true, profiles: profile, layers: 'all', probe: false });
    const names = r.crossCheck!.runners.map((x) => x.name);
    expect(names).toEqual(expect.arrayContaining(['tensorrt', 'tensorrt-marked']));
    const intermediates = summary.nodes.filter((n) => n.opType !== 'Constant').flatMap((n) => n.outputs).filter((o) => o !== 'conv2d_1');
    for (const p of r.crossCheck!.probes) {
      const marked = p.layers!.pairs.find((x) => x.actual === 'tensorrt-marked')!;
      expect(marked.notObservable).toEqual([]);
      expect(marked.tensors.filter((t) => !t.output).map((t) => t.tensor)).toEqual(intermediates);
      expect(marked.tensors.every((t) => t.pass)).toBe(true);
      // The unmarked engine gives no intermediates, and its outputs are compared as the model's.
      expect(p.layers!.pairs.some((x) => x.actual === 'tensorrt')).toBe(false);
      expect(p.comparisons.find((c) => c.actual === 'tensorrt')!.outputs.map((o) => o.output)).toEqual(['conv2d_1']);
    }
    expect(r.layers!.divergences).toEqual([]);
    expect(r.layers!.notObservable).toEqual([expect.objectContaining({ runner: 'tensorrt', tensors: [], reason: expect.stringMatching(/unmarked engine/) })]);
    expect(r.layers!.note).toMatch(/can change how TensorRT fuses layers/);
    expect(r.pass).toBe(true);
  });
});
