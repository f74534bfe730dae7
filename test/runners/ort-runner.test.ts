/**
 * OrtRunner on the PyTorch-exported fixtures: the dynamic super-resolution net matches PyTorch's saved outputs at
 * every saved shape; the pitfall exports fail with classified onnxruntime errors; feeds and providers are checked.
 */
import * as ort from 'onnxruntime-node';
import { compareOutputs } from '../../lib/compare';
import { DisposedError, TrtNodeError, UnsupportedOptionError } from '../../lib/errors';
import { readModel } from '../../lib/onnx/reader';
import { buildFeeds } from '../../lib/data';
import { OrtRunner, executionProviders, ortErrorInfo } from '../../lib/runners/onnxruntime/ort-runner';
import { readNpz } from '../../lib/tensor/npz';
import { fixture, fixtureFile, modelPath } from '../check/fixtures';

const runners: OrtRunner[] = [];
async function runner(name: string, options = {}): Promise<OrtRunner> {
  const r = await OrtRunner.create(modelPath(name), options);
  runners.push(r);
  return r;
}
afterAll(async () => {
  for (const r of runners) await r.dispose();
});

describe('OrtRunner on the fixtures', () => {
  const sr = fixture('super_resolution');

  it.each(sr.samples.map((s) => [s.shape.join('x'), s] as const))('super_resolution at %s matches the PyTorch reference', async (_label, sample) => {
    const r = await runner('super_resolution');
    const outputs = await r.run(await readNpz(fixtureFile(sample.inputs)));
    expect(outputs.output.dims).toEqual(sample.output_shapes.output);
    expect(outputs.output.type).toBe('float32');
    const [cmp] = compareOutputs(outputs, await readNpz(fixtureFile(sample.reference)));
    expect(cmp.failingCount).toBe(0);
    expect(cmp.pass).toBe(true);
    expect(cmp.cosineSimilarity).toBeGreaterThan(0.9999);
  });

  it('one session serves every run (shapes vary; results repeat exactly)', async () => {
    const r = await runner('super_resolution');
    const a = await r.run(await readNpz(fixtureFile(sr.samples[0].inputs)));
    await r.run(await readNpz(fixtureFile(sr.samples[1].inputs)));
    const again = await r.run(await readNpz(fixtureFile(sr.samples[0].inputs)));
    expect(Buffer.from((again.output.data as Float32Array).buffer).equals(Buffer.from((a.output.data as Float32Array).buffer))).toBe(true);
    expect(r.inputNames).toEqual(['input']);
    expect(r.inputs[0]).toMatchObject({ name: 'input', type: 'float32' });
    expect(r.inputs[0].dims).toHaveLength(4);
  });

  it('a PyTorch reference from another shape fails the comparison (the comparator is not vacuous here)', async () => {
    const r = await runner('super_resolution');
    const out = await r.run(await readNpz(fixtureFile(sr.samples[0].inputs)));
    const other = await readNpz(fixtureFile(sr.samples[1].reference));
    const [cmp] = compareOutputs(out, other);
    expect(cmp.pass).toBe(false);
    expect(cmp.problem).toMatch(/dims/);
  });

  it('the static export at another height/width: ERR_TRT_NODE_ORT classified fixed-dim', async () => {
    const fixed = fixture('super_resolution_static').export.example_shape;
    const asked = [fixed[0], fixed[1], fixed[2] * 2, fixed[3] * 3];
    const summary = await readModel(modelPath('super_resolution_static'));
    const { feeds } = await buildFeeds(summary, { shapes: { input: asked }, seed: 1 });
    const r = await runner('super_resolution_static');
    const err = await r.run(feeds).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(TrtNodeError);
    expect((err as TrtNodeError).code).toBe('ERR_TRT_NODE_ORT');
    expect((err as TrtNodeError).details.ortMessage).toMatch(/Got invalid dimensions for input/);
    expect(ortErrorInfo(err)).toMatchObject({ kind: 'fixed-dim', input: 'input', axis: 2, got: asked[2], expected: fixed[2] });
    // JSON-able details (findings and --json carry them)
    expect(JSON.parse(JSON.stringify((err as TrtNodeError).toJSON())).ortError.kind).toBe('fixed-dim');
  });

  it('the static export at its own shape runs and matches its reference', async () => {
    const s = fixture('super_resolution_static').samples[0];
    const r = await runner('super_resolution_static');
    const out = await r.run(await readNpz(fixtureFile(s.inputs)));
    expect(compareOutputs(out, await readNpz(fixtureFile(s.reference)))[0].pass).toBe(true);
  });

  it('export_params=False fed only its image: classified missing-inputs, naming a weight input', async () => {
    const summary = await readModel(modelPath('super_resolution_no_params'));
    const r = await runner('super_resolution_no_params');
    const err = await r.run(await readNpz(fixtureFile(sr.samples[0].inputs))).catch((e: unknown) => e);
    const info = ortErrorInfo(err);
    expect(info.kind).toBe('missing-inputs');
    if (info.kind !== 'missing-inputs') throw new Error('unreachable');
    const weightInputs = summary.inputs.filter((i) => !i.isInitializer && i.name !== 'input').map((i) => i.name);
    expect(weightInputs).toContain(info.missing[0]);
  });

  it('the custom-op model fails at create: unsupported-op', async () => {
    const err = await OrtRunner.create(modelPath('custom_op')).catch((e: unknown) => e);
    expect((err as TrtNodeError).code).toBe('ERR_TRT_NODE_ORT');
    expect(ortErrorInfo(err)).toMatchObject({ kind: 'unsupported-op', reason: 'not-registered' });
    expect((err as Error).message).toContain(modelPath('custom_op'));
  });
});

describe('OrtRunner feeds, providers and lifetime', () => {
  it('takes typed arrays with dims and onnxruntime Tensors, and fetches named outputs', async () => {
    const r = await runner('super_resolution');
    const data = new Float32Array(1 * 1 * 8 * 8).fill(0.5);
    const a = await r.run({ input: { data, dims: [1, 1, 8, 8] } });
    const b = await r.run({ input: new ort.Tensor('float32', data, [1, 1, 8, 8]) }, ['output']);
    expect(a.output.dims).toEqual([1, 1, 24, 24]);
    expect(Array.from(b.output.data as Float32Array)).toEqual(Array.from(a.output.data as Float32Array));
  });

  it('BAD CALL malformed feeds name the feed', async () => {
    const r = await runner('super_resolution');
    await expect(r.run({ input: { data: new Float32Array(10), dims: [1, 1, 8, 8] } })).rejects.toThrow(/feeds\["input"\].*64 elements.*10/);
    await expect(r.run({ input: { data: [1, 2] as unknown as Float32Array, dims: [2] } })).rejects.toThrow(/feeds\["input"\]/);
  });

  it('BAD CALL an unknown execution provider lists the available ones', async () => {
    const err = await OrtRunner.create(modelPath('super_resolution'), { executionProvider: 'nope' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnsupportedOptionError);
    expect((err as Error).message).toMatch(/'nope'.*Available here: .*cpu/);
  });

  const notInstalled = executionProviders().find((p) => p.installed === false);
  (notInstalled ? it : it.skip)(`BAD CALL a listed but not installed provider (${notInstalled?.name}) says so before loading`, async () => {
    const err = await OrtRunner.create(modelPath('super_resolution'), { executionProvider: notInstalled!.name }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnsupportedOptionError);
    expect((err as Error).message).toMatch(/not installed/);
    expect((err as TrtNodeError).details.available).toContain('cpu');
  });

  it('BAD CALL bad options and a missing model file', async () => {
    await expect(OrtRunner.create(modelPath('super_resolution'), { graphOptimization: 'max' as never })).rejects.toThrow(/graphOptimization/);
    await expect(OrtRunner.create(modelPath('super_resolution'), { intraOpNumThreads: -1 })).rejects.toThrow(/intraOpNumThreads/);
    const err = await OrtRunner.create(fixtureFile('missing.onnx')).catch((e: unknown) => e);
    expect(ortErrorInfo(err).kind).toBe('file-missing');
  });

  it('settings and description; dispose is final and idempotent', async () => {
    const r = await OrtRunner.create(modelPath('super_resolution'), { graphOptimization: 'disabled', intraOpNumThreads: 1 });
    expect(r.settings).toMatchObject({ executionProvider: 'cpu', graphOptimization: 'disabled', intraOpNumThreads: 1 });
    expect(r.description).toMatch(/^onnxruntime-node \S+ \(cpu, graph optimization disabled\)$/);
    await r.dispose();
    await r.dispose();
    await expect(r.run({})).rejects.toBeInstanceOf(DisposedError);
    expect(() => r.inputNames).toThrow(DisposedError);
  });
});

test('a feed that is a window on a larger buffer is posted to the worker as its own bytes, not the whole buffer', async () => {
  const { toWire } = await import('../../lib/runners/onnxruntime/session');
  const big = new Float32Array(1 << 20);
  const view = big.subarray(8, 12);
  view.set([1, 2, 3, 4]);
  const wire = toWire({ type: 'float32', dims: [4], data: view });
  expect(Array.from(wire.data as Float32Array)).toEqual([1, 2, 3, 4]);
  expect((wire.data as Float32Array).buffer.byteLength).toBe(16);
  const whole = new Float32Array(4);
  expect(toWire({ type: 'float32', dims: [4], data: whole }).data).toBe(whole); // no copy when it owns its buffer
});

test('a request the worker cannot even start (a feed onnxruntime refuses to wrap) is answered, and the next one served', async () => {
  const { workerSession } = await import('../../lib/runners/onnxruntime/session');
  const s = await workerSession(modelPath('super_resolution'), { logSeverityLevel: 4 });
  try {
    const bad = { input: { type: 'complex64' as never, dims: [1, 1, 8, 8], data: new Float32Array(64) } };
    await expect(s.run(bad, undefined)).rejects.toThrow(/complex64|type/i);
    const good = await s.run({ input: { type: 'float32', dims: [1, 1, 8, 8], data: new Float32Array(64) } }, undefined);
    expect(good.outputs.output.dims).toEqual([1, 1, 24, 24]);
  } finally {
    await s.release();
  }
}, 20000);
