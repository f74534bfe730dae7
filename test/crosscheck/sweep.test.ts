/**
 * The sweep without TensorRT: onnxruntime-node at every probe of the dynamic range, with output dims checked
 * against the dynamic axes. super_resolution follows its axes (output h = 3 × input h); traced_reshape only runs
 * at its export size (SHAPE_NOT_DYNAMIC). For every fixture, SHAPE_NOT_DYNAMIC is found exactly where the
 * manifest expects it.
 */
import { crossCheck, type Runner } from '../../lib/crosscheck';
import type { NamedTensors } from '../../lib/tensor/types';
import { MODELS, NOT_RUNNABLE, fixture, modelOf, samplesOf } from './manifest';

describe('super_resolution: every probe runs and the output follows the dynamic axes', () => {
  let result: Awaited<ReturnType<typeof crossCheck>>;
  beforeAll(async () => {
    const f = fixture('super_resolution');
    result = await crossCheck(modelOf(f), { samples: samplesOf(f) });
  });

  test('probes: the samples, then min/opt/max of the derived profile, points in between and odd sizes', () => {
    const kinds = result.probes.map((p) => p.kind);
    expect(kinds.slice(0, 3)).toEqual(['sample', 'sample', 'sample']);
    for (const k of ['min', 'max', 'between', 'odd', 'odd-axis']) expect(kinds).toContain(k);
    const profile = result.profiles[0].input;
    expect(result.profileSource).toBe('samples');
    // Widened around the samples (37..96 high, 53..80 wide): from half the smallest to twice the typical size.
    expect(profile.min).toEqual([1, 1, 18, 26]);
    expect(profile.max).toEqual([2, 1, 128, 128]);
    const shapes = result.probes.map((p) => p.shapes.input);
    expect(shapes).toContainEqual([...profile.min]);
    expect(shapes).toContainEqual([...profile.max]);
    expect(new Set(shapes.map((s) => s.join('x'))).size).toBe(shapes.length);
    // Odd probes: every dynamic h/w size is odd (no multiple of 8), each axis alone too.
    for (const p of result.probes.filter((x) => x.kind === 'odd' || x.kind === 'odd-axis')) {
      const [, , h, w] = p.shapes.input;
      expect(h % 2 === 1 || w % 2 === 1).toBe(true);
      expect(h % 8 !== 0 || w % 8 !== 0).toBe(true);
    }
    expect(result.probes.filter((p) => p.kind === 'odd-axis').map((p) => p.label)).toEqual(expect.arrayContaining([expect.stringMatching(/height=/), expect.stringMatching(/width=/)]));
  });

  test('onnxruntime ran at every probe; the samples match PyTorch; elsewhere nothing was compared (never a PASS)', () => {
    for (const p of result.probes) {
      expect(p.runs.find((r) => r.runner === 'onnxruntime')?.status).toBe('ran');
      // Only onnxruntime and the references: where there is no reference, nothing to compare with.
      expect([p.kind, p.verdict, p.pass]).toEqual(p.kind === 'sample' ? ['sample', 'pass', true] : [p.kind, 'not compared', null]);
    }
    expect(result.summary.notComparedProbes).toBe(result.probes.length - 3);
    expect(result.verdict).toBe('pass');
    expect(result.probes.filter((p) => p.comparisons.length).map((p) => p.kind)).toEqual(['sample', 'sample', 'sample']);
    expect(result.pass).toBe(true);
  });

  test('output dims: batch follows batch, height = 3 × height, width = 3 × width, channels stay 1', () => {
    const byAxis = Object.fromEntries(result.dimChecks.filter((d) => d.output === 'output').map((d) => [d.axis, d]));
    expect(byAxis[0]).toMatchObject({ verdict: 'follows', relation: { symbol: 'batch', scale: 1, offset: 0 } });
    expect(byAxis[1]).toMatchObject({ verdict: 'fixed', declared: '1' });
    expect(byAxis[2]).toMatchObject({ verdict: 'follows', relation: { symbol: 'height', scale: 3, offset: 0 } });
    expect(byAxis[3]).toMatchObject({ verdict: 'follows', relation: { symbol: 'width', scale: 3, offset: 0 } });
    for (const p of result.probes) {
      const [n, , h, w] = p.shapes.input;
      expect(p.runs[p.runs.length - 1].outputDims!.output).toEqual([n, 1, 3 * h, 3 * w]);
    }
  });

  test('the result is JSON-able and round-trips', () => {
    const back = JSON.parse(JSON.stringify(result));
    expect(back.probes).toHaveLength(result.probes.length);
    expect(back.summary).toEqual(result.summary);
  });
});

describe('traced_reshape: declared dynamic, runs only at the export size', () => {
  test('the sample at 24x24 passes; every other size fails in the Reshape, named as SHAPE_NOT_DYNAMIC', async () => {
    const f = fixture('traced_reshape');
    const r = await crossCheck(modelOf(f), { samples: samplesOf(f) });
    expect(r.pass).toBe(false);
    for (const p of r.probes) {
      const [n, , h, w] = p.shapes.input;
      const ort = p.runs.find((x) => x.runner === 'onnxruntime')!;
      if (n === 1 && h === 24 && w === 24) {
        expect(ort.status).toBe('ran');
        expect(p.pass).toBe(true);
      } else {
        expect(ort.status).toBe('failed');
        expect(ort.reason).toMatch(/cannot be reshaped/);
        expect(ort.node).toBe('/Reshape');
        expect(p.pass).toBe(false);
      }
    }
    expect(r.probes.filter((p) => !p.pass).length).toBeGreaterThanOrEqual(5);
    expect(r.firstFailure).toMatchObject({ kind: 'run', runner: 'onnxruntime', probe: 1 });
    expect(r.firstFailure!.shapes.input).not.toEqual([1, 3, 24, 24]);
    const finding = r.findings.find((x) => x.code === 'SHAPE_NOT_DYNAMIC');
    expect(finding).toMatchObject({ severity: 'error', node: { name: '/Reshape', opType: 'Reshape' } });
    expect(finding!.message).toMatch(/\{1,4,576\}/);
  });

  test('given probes: only those shapes are run', async () => {
    const r = await crossCheck(modelOf(fixture('traced_reshape')), { probes: [{ input: [1, 3, 24, 24] }, { input: [1, 3, 25, 24] }] });
    expect(r.probes.map((p) => [p.kind, p.verdict])).toEqual([
      ['given', 'not compared'],
      ['given', 'fail'],
    ]);
    expect(r.firstFailure).toMatchObject({ probe: 1, label: 'input:1x3x25x24' });
  });
});

describe('SHAPE_NOT_DYNAMIC from the sweep matches the manifest, for every runnable fixture', () => {
  test.each(MODELS.filter((f) => !NOT_RUNNABLE.has(f.name)).map((f) => [f.name, f] as const))('%s', async (_name, f) => {
    const r = await crossCheck(modelOf(f), { samples: samplesOf(f) });
    const found = r.findings.some((x) => x.code === 'SHAPE_NOT_DYNAMIC');
    expect(found).toBe(f.expect_findings.includes('SHAPE_NOT_DYNAMIC'));
    // Where the model runs at every probe, no output axis ignores a dynamic input axis.
    if (!found) {
      expect(r.summary.failedRuns).toBe(0);
      expect(r.dimChecks.filter((d) => d.verdict === 'constant' || d.verdict === 'mismatch')).toEqual([]);
    }
  });
});

describe('an output dim that stays put while its declared axis changes', () => {
  test('is found: verdict constant, a SHAPE_NOT_DYNAMIC finding, and the probes where it shows fail', async () => {
    // A runner that always returns the export-size output, like a graph whose output shape was traced as a constant.
    // batchnorm_dropout declares its output [batch, 4, height, width], with the input's names.
    const frozen: Runner = {
      name: 'frozen',
      kind: 'onnxruntime',
      description: 'returns a 1x4x16x16 output whatever the input',
      supports: () => true,
      run: async (feeds: NamedTensors) => ({ output: { type: 'float32', dims: [feeds.input.dims[0], 4, 16, 16], data: new Float32Array(feeds.input.dims[0] * 4 * 16 * 16) } }),
      dispose: () => undefined,
    };
    const r = await crossCheck(modelOf(fixture('batchnorm_dropout')), { runners: [frozen] });
    const h = r.dimChecks.find((d) => d.output === 'output' && d.axis === 2)!;
    expect(h.verdict).toBe('constant');
    expect(h.message).toMatch(/stays 16 while 'height' takes/);
    expect(r.dimChecks.find((d) => d.axis === 0)!.verdict).toBe('follows');
    expect(r.findings.map((f) => [f.code, f.details?.output, f.details?.outputAxis])).toEqual([
      ['SHAPE_NOT_DYNAMIC', 'output', 2],
      ['SHAPE_NOT_DYNAMIC', 'output', 3],
    ]);
    // The first probe (min) is the reference point (one runner: nothing compared); every other size fails.
    expect(r.probes[0].verdict).toBe('not compared');
    expect(r.probes.slice(1).every((p) => !p.pass && p.dimIssues.length > 0)).toBe(true);
    expect(r.firstFailure).toMatchObject({ kind: 'dims', runner: 'frozen', output: 'output', probe: 1 });
  });
});
