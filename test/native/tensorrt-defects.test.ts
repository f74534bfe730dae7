/**
 * The twelve defects a close reading of the addon found (issue 10, shared/reports/2026-11-29-native-review.md), each
 * with a test that failed before its fix. Here are those that hold for any TensorRT: they run wherever TensorRT and a
 * GPU are present. Those whose proof needs a behaviour only trt-node's TensorRT stand-in can be asked for (a slow
 * build, a slow cudaMallocHost, logging from a worker thread, its plan and cache formats) are in
 * standin-first-review.test.ts. Defect 2 (TensorRT older than 10.1) is in find-tensorrt.test.ts: it needs no TensorRT.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ort from 'onnxruntime-node';
import { EngineError } from '../../lib/errors';
import { buildEngine } from '../../lib/trt/build';
import { doctorReport } from '../../lib/trt/doctor';
import { Engine } from '../../lib/trt/engine';
import { maxAbsDiff, profiles, randomFloats, superRes } from './engine-fixtures';
import { addon, describeWithGpu } from './gpu-gate';

const own = path.join(__dirname, 'fixtures');
const random = randomFloats;

describeWithGpu('TensorRT defects of the review, fixed', () => {
  jest.setTimeout(300_000);
  let plan: Buffer;

  beforeAll(async () => {
    plan = (await buildEngine(superRes, { profiles })).plan;
  });

  it('1. the standard plugin library is loaded: a RoiAlign model builds, its plugin-using plan loads and agrees with onnxruntime', async () => {
    const runtime = addon().tensorrtRuntimeInfo();
    expect(runtime?.plugins).toMatchObject({ loaded: true, error: null });
    expect(doctorReport().tensorrt.plugins?.loaded).toBe(true);
    const model = path.join(own, 'roi_align', 'model.onnx');
    const built = await buildEngine(model);
    const engine = await Engine.load(built.plan);
    const feeds = {
      X: new ort.Tensor('float32', random(3 * 16 * 16, 5), [1, 3, 16, 16]),
      rois: new ort.Tensor('float32', Float32Array.from([0, 0, 8, 8, 4, 2, 15, 11]), [2, 4]),
      batch_indices: new ort.Tensor('int64', BigInt64Array.from([0n, 0n]), [2]),
    };
    const out = await engine.run(feeds);
    const session = await ort.InferenceSession.create(model);
    const expected = (await session.run(feeds)).Y;
    expect(out.Y.dims).toEqual([2, 3, 4, 4]);
    expect(maxAbsDiff(out.Y.data as Float32Array, expected.data as Float32Array)).toBeLessThan(1e-3);
    engine.dispose();
  });

  it('3. builds work while the builder resource libraries are not on the loader path (loaded ahead by full path)', async () => {
    const report = doctorReport();
    expect(report.tensorrt.builderError).toBeNull();
    const runtime = addon().tensorrtRuntimeInfo()!;
    expect(runtime.builderResources.errors).toEqual([]);
    expect(runtime.builderResources.loaded.length).toBeGreaterThan(0);
    for (const file of runtime.builderResources.loaded) expect(path.dirname(file)).toBe(runtime.folder);
    // The precondition that made builds fail before: nothing points the loader at libnvinfer's folder.
    expect((process.env.LD_LIBRARY_PATH ?? '').split(':')).not.toContain(runtime.folder);
    expect(plan.byteLength).toBeGreaterThan(0);
  });

  it('5. feeds, model bytes and plans in a SharedArrayBuffer work like ordinary arrays', async () => {
    const shared = new Uint8Array(new SharedArrayBuffer(plan.byteLength));
    shared.set(plan);
    const engine = await Engine.load(shared);
    const data = random(32 * 32, 9);
    const sharedData = new Float32Array(new SharedArrayBuffer(data.byteLength));
    sharedData.set(data);
    const a = await engine.run({ input: { type: 'float32', dims: [1, 1, 32, 32], data } });
    const b = await engine.run({ input: { type: 'float32', dims: [1, 1, 32, 32], data: sharedData } });
    expect(maxAbsDiff(a.output.data as Float32Array, b.output.data as Float32Array)).toBe(0);
    engine.dispose();

    const modelBytes = fs.readFileSync(superRes);
    const sharedModel = new Uint8Array(new SharedArrayBuffer(modelBytes.byteLength));
    sharedModel.set(modelBytes);
    await expect(buildEngine(sharedModel, { profiles: profiles[0] })).resolves.toHaveProperty('plan');
  });

  it("7. a failed run names TensorRT's own reason and carries the errors it recorded", async () => {
    // Straight to the addon: the TS layer refuses this shape before TensorRT could.
    const native = await addon().loadEngine(plan);
    const good = () => native.run(0, [new Float32Array(32 * 32)], [1, 1, 32, 32], false);
    await good(); // the context now holds this shape
    const failure = (await native.run(0, [new Float32Array(200 * 200)], [1, 1, 200, 200], false).catch(
      (e: unknown) => e,
    )) as Error & { code: string; recordedErrors: { codeName: string; description: string }[] };
    // The same context runs again after the failure (shapes are set afresh after a failed run).
    expect(((await good())[1] as ArrayBuffer).byteLength).toBe(96 * 96 * 4);
    native.dispose();
    expect(failure.code).toBe('ERR_TRT_NODE_SHAPE');
    expect(failure.recordedErrors.length).toBeGreaterThan(0);
    const last = failure.recordedErrors[failure.recordedErrors.length - 1];
    expect(failure.message).toContain(`IExecutionContext::setInputShape("input", [1,1,200,200]) failed`);
    expect(failure.message).toContain(`TensorRT said: ${last.codeName}: ${last.description}`);
  });

  it('7. a plan that does not load carries the errors TensorRT recorded, with the reason in the message', async () => {
    const truncated = plan.subarray(0, Math.floor(plan.length / 2));
    const failure = (await Engine.load(truncated).catch((e: unknown) => e)) as EngineError;
    expect(failure).toBeInstanceOf(EngineError);
    const recorded = failure.details.recordedErrors as { description: string }[];
    expect(recorded.length).toBeGreaterThan(0);
    expect(failure.message).toContain(recorded[recorded.length - 1].description);
  });

  it('11. a version-compatible plan says how to load it, and loads with allowHostCode', async () => {
    const built = await buildEngine(superRes, { profiles: profiles[0], versionCompatible: true });
    const refused = (await Engine.load(built.plan).catch((e: unknown) => e)) as EngineError;
    expect(refused).toBeInstanceOf(EngineError);
    expect(refused.message).toMatch(/version-compatible plan .* Engine\.load\(plan, \{ allowHostCode: true \}\)/);
    const engine = await Engine.load(built.plan, { allowHostCode: true });
    const out = await engine.run({ input: { type: 'float32', dims: [1, 1, 16, 16], data: random(256, 2) } });
    expect(out.output.dims).toEqual([1, 1, 48, 48]);
    engine.dispose();
    await expect(Engine.load(built.plan, { allowHostCode: 'yes' as unknown as boolean })).rejects.toThrow(/allowHostCode/);
  });
});
