/**
 * onnxruntime-node against PyTorch's saved outputs, for every fixture of test/fixtures/manifest.json, at the
 * shapes PyTorch ran (the samples). Three exports compute something else than PyTorch did (opset 9/10 bilinear
 * resize, BatchNorm exported in training mode): those must FAIL, which is the silent disagreement the tool exists
 * to catch. custom_op cannot run in onnxruntime; super_resolution_no_params has no samples.
 */
import { crossCheck } from '../../lib/crosscheck';
import { EXPECTED_TO_DISAGREE, MANIFEST, MODELS, NOT_RUNNABLE, modelOf, samplesOf } from './manifest';

describe('every manifest fixture is covered', () => {
  test('each entry has a model, or records why the export failed', () => {
    for (const f of MANIFEST.fixtures) {
      if (f.model === null) expect(typeof f.export_error).toBe('string');
    }
    expect(MODELS.length).toBeGreaterThanOrEqual(11);
  });
});

const withSamples = MODELS.filter((f) => f.samples.length > 0 && !NOT_RUNNABLE.has(f.name));

describe('onnxruntime-node vs PyTorch reference at the saved samples', () => {
  test.each(withSamples.filter((f) => !EXPECTED_TO_DISAGREE.has(f.name)).map((f) => [f.name, f] as const))('%s agrees with PyTorch', async (_name, f) => {
    const r = await crossCheck(modelOf(f), { samples: samplesOf(f), sweep: false });
    expect(r.runners.map((x) => x.kind)).toEqual(['reference', 'onnxruntime']);
    expect(r.probes).toHaveLength(f.samples.length);
    for (const [i, p] of r.probes.entries()) {
      expect(p.kind).toBe('sample');
      expect(p.shapes[Object.keys(p.shapes)[0]]).toEqual(f.samples[i].shape);
      expect(p.comparisons).toHaveLength(1);
      const c = p.comparisons[0];
      expect(c).toMatchObject({ actual: 'onnxruntime', expected: 'reference', pass: true });
      for (const o of c.outputs) {
        expect(o.dims).toEqual(f.samples[i].output_shapes[o.output]);
        expect(o.maxAbsError).toBeLessThan(1e-4);
        expect(o.failingFraction).toBe(0);
      }
    }
    expect(r.pass).toBe(true);
    expect(r.firstFailure).toBeNull();
  });

  test.each([...EXPECTED_TO_DISAGREE].map((name) => [name, MODELS.find((f) => f.name === name)!] as const))(
    '%s disagrees with PyTorch, and the cross-check says where',
    async (_name, f) => {
      const r = await crossCheck(modelOf(f), { samples: samplesOf(f), sweep: false });
      expect(r.pass).toBe(false);
      for (const p of r.probes) {
        // onnxruntime runs it fine: the output has PyTorch's shape, with other values.
        expect(p.runs.every((x) => x.status === 'ran')).toBe(true);
        const o = p.comparisons[0].outputs[0];
        expect(o.problem).toBeUndefined();
        expect(o.pass).toBe(false);
        expect(o.maxAbsError!).toBeGreaterThan(100 * o.atol);
        expect(o.failingFraction!).toBeGreaterThan(0.01);
      }
      expect(r.firstFailure).toMatchObject({ probe: 0, kind: 'compare', runner: 'onnxruntime', expected: 'reference', output: f.samples.length ? Object.keys(f.samples[0].output_shapes)[0] : undefined });
      expect(r.firstFailure!.message).toMatch(/max abs error .* outside tolerance/);
    },
  );

  test('runners given explicitly: the samples\' references are still compared with them (data, not a runner choice)', async () => {
    const f = withSamples.find((x) => x.name === 'super_resolution')!;
    const r = await crossCheck(modelOf(f), { samples: samplesOf(f), sweep: false, runners: [{ kind: 'onnxruntime', graphOptimization: 'disabled' }] });
    expect(r.runners.map((x) => x.kind)).toEqual(['reference', 'onnxruntime']);
    expect(r.probes[0].comparisons[0]).toMatchObject({ expected: 'reference', pass: true });
  });

  test('custom_op: onnxruntime cannot load it, and the result says so instead of throwing', async () => {
    const f = MODELS.find((x) => x.name === 'custom_op')!;
    const r = await crossCheck(modelOf(f), { samples: samplesOf(f) });
    const ort = r.runners.find((x) => x.kind === 'onnxruntime')!;
    expect(ort.error).toMatch(/onnxruntime cannot load the model: .*(FastGelu|not a registered)/);
    expect(r.pass).toBe(false);
    expect(r.firstFailure).toMatchObject({ kind: 'runner', runner: 'onnxruntime' });
    expect(r.probes.length).toBeGreaterThan(0);
    expect(r.probes.every((p) => !p.pass && p.runs.every((x) => x.status === 'skipped'))).toBe(true);
  });

  test('super_resolution_no_params: no samples, so no reference comparison; the weights left as inputs get generated values', async () => {
    const f = MODELS.find((x) => x.name === 'super_resolution_no_params')!;
    expect(f.samples).toHaveLength(0);
    const r = await crossCheck(modelOf(f), { samples: samplesOf(f) });
    expect(r.runners.map((x) => x.kind)).toEqual(['onnxruntime']);
    expect(r.summary.comparisons).toBe(0);
    expect(r.probes.every((p) => p.runs[0].status === 'ran')).toBe(true);
    expect(Object.keys(r.probes[0].shapes)).toContain('conv1.weight');
    // One model runner and no reference: it ran everywhere, but nothing was compared, which is not a pass.
    expect(r.verdict).toBe('not compared');
    expect(r.pass).toBe(false);
    expect(r.firstFailure).toBeNull();
    expect(r.findings.map((x) => x.code)).toContain('WEIGHTS_AS_INPUTS');
  });
});
