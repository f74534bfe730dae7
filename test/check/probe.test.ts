/**
 * SHAPE_NOT_DYNAMIC probing: on the traced_reshape fixture through onnxruntime-node (the real failure), and with
 * scripted sessions for the severities (odd-only failures, outputs that do not follow, unknown baseline).
 */
import * as ort from 'onnxruntime-node';
import { alignedProbe, oddProbe } from '../../lib/pipeline/probes';
import { probeDynamicAxes, type ProbeSession } from '../../lib/pipeline/probe-axes';
import { readModel } from '../../lib/onnx/reader';
import type { ModelSummary } from '../../lib/onnx/types';
import type { NamedTensors } from '../../lib/tensor/types';
import { encodeModel, node, valueInfo } from '../onnx/build-model';
import { modelPath } from './fixtures';

async function ortSession(file: string): Promise<ProbeSession & { release(): Promise<void> }> {
  const s = await ort.InferenceSession.create(file, { logSeverityLevel: 4 });
  return {
    async run(feeds: NamedTensors) {
      const f: Record<string, ort.Tensor> = {};
      for (const [k, t] of Object.entries(feeds)) f[k] = new ort.Tensor(t.type, t.data as Float32Array, t.dims);
      return (await s.run(f)) as unknown as NamedTensors;
    },
    release: () => s.release(),
  };
}

/** A session whose output is computed by `shapeOf(inputDims)`, or that throws what `fail(inputDims)` returns. */
function scripted(shapeOf: (dims: readonly number[]) => number[], fail?: (dims: readonly number[]) => string | undefined): ProbeSession & { calls: number[][] } {
  const calls: number[][] = [];
  return {
    calls,
    async run(feeds: NamedTensors) {
      const dims = Object.values(feeds)[0].dims;
      calls.push([...dims]);
      const msg = fail?.(dims);
      if (msg) throw new Error(msg);
      const out = shapeOf(dims);
      return { y: { type: 'float32', dims: out, data: new Float32Array(out.reduce((a, b) => a * b, 1)) } };
    },
  };
}

let idModel: ModelSummary;
beforeAll(async () => {
  idModel = await readModel(
    encodeModel({
      nodes: [node('Identity', ['x'], ['y'], { name: '/Identity' })],
      inputs: [valueInfo('x', ['batch', 3, 'height', 'width'])],
      outputs: [valueInfo('y', ['batch', 3, 'height', 'width'])],
    }),
  );
});

test('probe sizes keep the baseline divisibility (aligned) or are odd', () => {
  expect([1, 24, 64, 96, 1024].map(alignedProbe)).toEqual([2, 32, 128, 128, 1088]);
  expect([1, 2, 24, 64].map(oddProbe)).toEqual([3, 3, 37, 97]);
  for (const b of [1, 7, 24, 64, 100]) expect(oddProbe(b) % 2).toBe(1);
});

test('traced_reshape via onnxruntime: every declared axis fails in /Reshape, an error naming node and fix', async () => {
  const model = await readModel(modelPath('traced_reshape'));
  const session = await ortSession(modelPath('traced_reshape'));
  try {
    const res = await probeDynamicAxes(model, session, { baseline: { input: [1, 3, 24, 24] } });
    expect(res.attempts[0]).toMatchObject({ label: 'baseline', ok: true });
    expect(res.findings).toHaveLength(1);
    const f = res.findings[0];
    expect(f).toMatchObject({ code: 'SHAPE_NOT_DYNAMIC', severity: 'error', input: 'input', axis: 0 });
    expect(f.node).toEqual({ index: 2, name: '/Reshape', opType: 'Reshape', domain: '' });
    expect((f.details!.axes as { symbol: string }[]).map((a) => a.symbol)).toEqual(['batch', 'height', 'width']);
    expect(f.details!.failure).toMatchObject({ kind: 'reshape', requestedShape: [1, 4, 576] });
    expect(f.message).toContain('{1,4,576}');
    expect(f.fix).toContain('x.shape');
    expect(f.message).not.toContain('onnxruntime_src');
  } finally {
    await session.release();
  }
});

test('traced_reshape without a known size: still found (the Reshape target is baked in)', async () => {
  const model = await readModel(modelPath('traced_reshape'));
  const session = await ortSession(modelPath('traced_reshape'));
  try {
    const res = await probeDynamicAxes(model, session);
    expect(res.findings.map((f) => [f.code, f.severity, f.node?.name])).toEqual([['SHAPE_NOT_DYNAMIC', 'error', '/Reshape']]);
  } finally {
    await session.release();
  }
});

test('super_resolution via onnxruntime: varies at every probe, no finding', async () => {
  const model = await readModel(modelPath('super_resolution'));
  const session = await ortSession(modelPath('super_resolution'));
  try {
    const res = await probeDynamicAxes(model, session, { baseline: { input: [1, 1, 64, 64] } });
    expect(res.findings).toEqual([]);
    expect(res.attempts.map((a) => [a.label, a.ok])).toEqual([
      ['baseline', true],
      ['aligned', true],
      ['odd', true],
    ]);
    expect(res.attempts[1].outputDims!.output).toEqual([2, 1, 384, 384]);
  } finally {
    await session.release();
  }
});

test('failing only at odd sizes is a warning (a stride requirement is legitimate)', async () => {
  const session = scripted(
    (d) => [...d],
    (d) => (d[2] % 2 || d[3] % 2 ? "Non-zero status code returned while running Concat node. Name:'/Concat' Status Message: concat: dims mismatch" : undefined),
  );
  const res = await probeDynamicAxes(idModel, session, { baseline: { x: [1, 3, 32, 32] } });
  expect(res.findings.map((f) => [f.severity, f.details!.axes])).toEqual([
    [
      'warning',
      [
        { input: 'x', axis: 2, symbol: 'height', base: 32 },
        { input: 'x', axis: 3, symbol: 'width', base: 32 },
      ],
    ],
  ]);
  expect(res.findings[0].message).toContain('Only odd');
});

test('an output declared with the input symbol that does not change: an error (it fails the probes it shows at)', async () => {
  const session = scripted((d) => [d[0], 3, 32, d[3]]); // height pinned at 32
  const res = await probeDynamicAxes(idModel, session, { baseline: { x: [1, 3, 32, 32] } });
  expect(res.findings.map((f) => [f.code, f.severity, f.details!.output, f.details!.outputAxis])).toEqual([
    ['SHAPE_NOT_DYNAMIC', 'error', 'y', 2],
  ]);
});

test('a guessed baseline that fails for another reason is only a warning; a profile bound failure is an error', async () => {
  const bad = scripted((d) => [...d], () => "Non-zero status code returned while running Conv node. Name:'/c' Status Message: kernel too large");
  const res = await probeDynamicAxes(idModel, bad);
  expect(res.findings.map((f) => f.severity)).toEqual(['warning']);
  expect(res.findings[0].message).toContain('--shapes');

  const big = scripted((d) => [...d], (d) => (d[2] > 512 ? "Non-zero status code returned while running Reshape node. Name:'/r' Status Message: too big" : undefined));
  const res2 = await probeDynamicAxes(idModel, big, {
    baseline: { x: [1, 3, 32, 32] },
    bounds: [{ label: 'profile max', shapes: { x: [1, 3, 1024, 32] } }],
  });
  expect(res2.findings.map((f) => [f.severity, f.details!.tried])).toEqual([['error', [{ label: 'profile max', shapes: { x: [1, 3, 1024, 32] } }]]]);
});

test('static models are not probed', async () => {
  const m = await readModel(modelPath('super_resolution_static'));
  const session = scripted((d) => [...d]);
  const res = await probeDynamicAxes(m, session);
  expect(res).toEqual({ symbols: [], attempts: [], findings: [] });
  expect(session.calls).toEqual([]);
});

test('a failure only when several axes vary together is blamed on the joint probe', async () => {
  const session = scripted(
    (d) => [...d],
    (d) => (d[2] !== 32 && d[3] !== 32 ? "Non-zero status code returned while running Reshape node. Name:'/r' Status Message: Input shape:{1,3,40,40}, requested shape:{1,3,1024}" : undefined),
  );
  const res = await probeDynamicAxes(idModel, session, { baseline: { x: [1, 3, 32, 32] } });
  expect(res.findings).toHaveLength(1);
  expect(res.findings[0].severity).toBe('error');
  expect((res.findings[0].details!.axes as { symbol: string }[]).map((a) => a.symbol)).toEqual(['batch', 'height', 'width']);
  expect((res.findings[0].details!.tried as { label: string }[])[0].label).toBe('aligned');
});

test('diagnose(): static findings plus the probe through an OrtRunner session; no probe when weights are inputs', async () => {
  const { diagnose } = await import('../../lib/pipeline/probe-axes');
  const { OrtRunner } = await import('../../lib/runners/onnxruntime/ort-runner');
  const runner = await OrtRunner.create(modelPath('traced_reshape'));
  try {
    const d = await diagnose(await readModel(modelPath('traced_reshape')), { session: runner, probe: { baseline: { input: [1, 3, 24, 24] } } });
    expect(d.findings.map((f) => [f.code, f.severity])).toEqual([['SHAPE_NOT_DYNAMIC', 'error']]);
    expect(d.probe!.attempts[0].ok).toBe(true);
  } finally {
    await runner.dispose();
  }
  const never = scripted((dims) => [...dims]);
  const d2 = await diagnose(await readModel(modelPath('super_resolution_no_params')), { session: never });
  expect(d2.findings.map((f) => f.code)).toEqual(['WEIGHTS_AS_INPUTS']);
  expect(d2.probe).toBeUndefined();
  expect(never.calls).toEqual([]);
});

test('an input of unknown rank keeps the caller-given shape at every probe (not a scalar: no false alarm)', async () => {
  const model = await readModel(
    encodeModel({
      nodes: [node('MatMul', ['a', 'b'], ['y'])],
      inputs: [valueInfo('a', ['n', 4]), valueInfo('b', null)],
      outputs: [valueInfo('y', ['n', 4])],
    }),
  );
  const fed: Record<string, number[]>[] = [];
  const session: ProbeSession = {
    async run(feeds: NamedTensors) {
      fed.push(Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, [...t.dims]])));
      if (feeds.b.dims.length !== 2) throw new Error("Non-zero status code returned while running MatMul node. Name:'m' Status Message: right_num_dims must be >= 1");
      return { y: { type: 'float32', dims: [feeds.a.dims[0], 4], data: new Float32Array(feeds.a.dims[0] * 4) } };
    },
  };
  const res = await probeDynamicAxes(model, session, { baseline: { a: [1, 4], b: [4, 4] } });
  expect(res.findings).toEqual([]);
  expect(fed.length).toBeGreaterThan(1);
  for (const f of fed) expect(f.b).toEqual([4, 4]);
});

test('a failure no node owns (out of memory at the larger sizes) is not blamed on the dynamic axes', async () => {
  const session = scripted(
    (d) => [...d],
    (d) => (d[2] > 32 ? 'Failed to allocate memory for requested buffer of size 4294967296' : undefined),
  );
  const res = await probeDynamicAxes(idModel, session, { baseline: { x: [1, 3, 32, 32] } });
  expect(res.attempts.some((a) => !a.ok)).toBe(true); // it did fail somewhere...
  expect(res.findings).toEqual([]); // ...but that is no evidence of a pinned axis
});
