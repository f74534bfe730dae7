/**
 * Probe shapes: odd sizes, the default set per profile, profiles derived from samples or defaults, given probes.
 * Read from the real fixtures' models (no run).
 */
import { ShapeError, InvalidValueError } from '../../lib/errors';
import { axisSymbols, givenProbes, oddSize, profileProbes, resolveSweepProfiles } from '../../lib/crosscheck';
import { readModel } from '../../lib/onnx/reader';
import { encodeModel, floatTensor, node, valueInfo } from '../onnx/build-model';
import { fixture, modelOf } from './manifest';

describe('oddSize', () => {
  test('picks a prime > 2 near the target, inside the range, avoiding given values', () => {
    expect(oddSize(18, 128, 55)).toBe(53);
    expect(oddSize(18, 128, 60, [61])).toBe(59);
    for (let t = 10; t < 300; t += 7) {
      const v = oddSize(8, 320, t)!;
      expect(v).toBeGreaterThanOrEqual(8);
      expect(v).toBeLessThanOrEqual(320);
      expect(v % 2).toBe(1);
      expect(v % 8).not.toBe(0);
      expect(Math.abs(v - t)).toBeLessThan(16); // prime gaps below 320 are < 16
    }
  });
  test('falls back to an odd number, then to anything not a multiple of 8; none for a single value', () => {
    expect(oddSize(8, 10, 8)).toBe(9);
    expect(oddSize(1, 2, 2, [1, 2])).toBe(1); // nothing else exists: the avoided value is still better than none
    expect(oddSize(5, 5, 5)).toBeUndefined();
  });
});

describe('profileProbes', () => {
  test('super_resolution: min, opt, max, in-between, odd jointly and per axis, without duplicates', async () => {
    const model = await readModel(modelOf(fixture('super_resolution')));
    const profile = { input: { min: [1, 1, 32, 32], opt: [1, 1, 64, 64], max: [4, 1, 256, 256] } };
    const { probes, skipped } = profileProbes(model, [profile]);
    expect(skipped).toEqual([]);
    const byLabel = Object.fromEntries(probes.map((p) => [p.label, p.shapes.input]));
    expect(byLabel.min).toEqual([1, 1, 32, 32]);
    expect(byLabel.opt).toEqual([1, 1, 64, 64]);
    expect(byLabel.max).toEqual([4, 1, 256, 256]);
    expect(byLabel['between min and opt']).toEqual([1, 1, 48, 48]);
    expect(byLabel['between opt and max']).toEqual([3, 1, 160, 160]);
    const perAxis = probes.filter((p) => p.kind === 'odd-axis');
    // batch, height and width each varied alone (others at opt) at an odd size.
    expect(perAxis.map((p) => p.label.split(' ')[1].split('=')[0]).sort()).toEqual(['batch', 'height', 'width']);
    for (const p of perAxis) {
      const varied = p.shapes.input.map((d, a) => (d !== profile.input.opt[a] ? a : -1)).filter((a) => a >= 0);
      expect(varied).toHaveLength(1);
      expect(p.shapes.input[varied[0]] % 2).toBe(1);
    }
    expect(new Set(probes.map((p) => p.shapes.input.join('x'))).size).toBe(probes.length);
    expect(probes.map((p) => p.index)).toEqual(probes.map((_, i) => i));
    expect(probes.every((p) => p.profile === 0)).toBe(true);
  });

  test('two profiles: each swept within its own range', async () => {
    const model = await readModel(modelOf(fixture('super_resolution')));
    const profiles = [
      { input: { min: [1, 1, 16, 16], opt: [1, 1, 32, 32], max: [1, 1, 64, 64] } },
      { input: { min: [1, 1, 65, 65], opt: [2, 1, 96, 80], max: [2, 1, 128, 128] } },
    ];
    const { probes } = profileProbes(model, profiles);
    for (const p of probes) {
      const r = profiles[p.profile!].input;
      p.shapes.input.forEach((d, a) => {
        expect(d).toBeGreaterThanOrEqual(r.min[a]);
        expect(d).toBeLessThanOrEqual(r.max[a]);
      });
    }
    expect(probes.filter((p) => p.profile === 1).map((p) => p.label)).toContain('profile 1 max');
  });

  test('probes above maxElements are skipped with the reason', async () => {
    const model = await readModel(modelOf(fixture('super_resolution')));
    const { probes, skipped } = profileProbes(model, [{ input: { min: [1, 1, 32, 32], opt: [1, 1, 64, 64], max: [1, 1, 1024, 1024] } }], { maxElements: 300 * 300 });
    expect(probes.some((p) => p.label === 'max')).toBe(false);
    expect(skipped.find((s) => s.label === 'max')?.reason).toMatch(/more than 90000 elements/);
  });

  test('a fully static model gets one probe at its shapes', async () => {
    const model = await readModel(modelOf(fixture('super_resolution_static')));
    expect(axisSymbols(model)).toEqual([]);
    const { probes } = profileProbes(model, []);
    expect(probes.map((p) => [p.kind, p.shapes.input])).toEqual([['fixed', [1, 1, 96, 64]]]);
  });
});

describe('resolveSweepProfiles', () => {
  test('from samples: min/max over the samples, widened to ½ … 2× on dynamic axes only', async () => {
    const model = await readModel(modelOf(fixture('bilinear_upsample')));
    const { profiles, source } = resolveSweepProfiles(model, undefined, [{ input: [1, 3, 32, 32] }, { input: [1, 3, 45, 61] }]);
    expect(source).toBe('samples');
    expect(profiles).toEqual([{ input: { min: [1, 3, 16, 16], opt: [1, 3, 32, 32], max: [2, 3, 64, 64] } }]);
  });
  test('without samples: from defaults (batch 1, h/w 64)', async () => {
    const model = await readModel(modelOf(fixture('traced_reshape')));
    const { profiles, source } = resolveSweepProfiles(model, undefined, []);
    expect(source).toBe('model');
    expect(profiles[0].input).toEqual({ min: [1, 3, 32, 32], opt: [1, 3, 64, 64], max: [2, 3, 128, 128] });
  });
  test('without samples: a symbol shared at different axes gets one default, so it is actually swept', async () => {
    // a[n, k] @ b[k, m]: 'k' is axis 1 of a but axis 0 of b; a per-axis default (8 vs 1) gave disjoint ranges.
    const model = await readModel(
      encodeModel({
        nodes: [node('MatMul', ['a', 'b'], ['y'])],
        inputs: [valueInfo('a', ['n', 'k']), valueInfo('b', ['k', 'm'])],
        outputs: [valueInfo('y', ['n', 'm'])],
      }),
    );
    const { profiles } = resolveSweepProfiles(model, undefined, []);
    expect(profiles[0].a).toEqual({ min: [1, 4], opt: [1, 8], max: [2, 16] });
    expect(profiles[0].b).toEqual({ min: [4, 4], opt: [8, 8], max: [16, 16] });
    const { probes } = profileProbes(model, profiles);
    expect(new Set(probes.map((p) => p.values.k)).size).toBeGreaterThan(2);
    for (const p of probes) expect(p.shapes.a[1]).toBe(p.shapes.b[0]);
  });
  test('an input of unknown rank: its range comes from the samples; without any, a usage error instead of a scalar', async () => {
    const model = await readModel(
      encodeModel({
        nodes: [node('Conv', ['x', 'W'], ['y'], { attribute: [{ name: 'kernel_shape', type: 7, ints: [3, 3] }] })],
        initializers: [floatTensor('W', [2, 3, 3, 3])],
        inputs: [valueInfo('x', null)],
        outputs: [valueInfo('y', null)],
      }),
    );
    const fromSamples = resolveSweepProfiles(model, undefined, [{ x: [1, 3, 8, 8] }]);
    expect(fromSamples.profiles[0].x.opt).toEqual([1, 3, 8, 8]);
    const { probes } = profileProbes(model, fromSamples.profiles);
    expect(probes.map((p) => p.shapes.x)).toEqual([[1, 3, 8, 8]]);
    const none = resolveSweepProfiles(model, undefined, []);
    expect(() => profileProbes(model, none.profiles)).toThrow(ShapeError);
    expect(() => profileProbes(model, none.profiles)).toThrow(/input 'x' has no shape in the model \(unknown rank\)/);
  });
  test('given profiles are validated against the model', async () => {
    const model = await readModel(modelOf(fixture('super_resolution')));
    expect(() => resolveSweepProfiles(model, { input: { min: [1, 3, 8, 8], opt: [1, 3, 8, 8], max: [1, 3, 8, 8] } }, [])).toThrow(ShapeError);
    expect(() => resolveSweepProfiles(model, { nope: { min: [1], opt: [1], max: [1] } }, [])).toThrow(InvalidValueError);
  });
});

describe('givenProbes', () => {
  test('checks names, ranks and fixed dims, naming the option', async () => {
    const model = await readModel(modelOf(fixture('super_resolution')));
    expect(givenProbes(model, [{ input: [1, 1, 97, 61] }], [], '--probes')[0]).toMatchObject({ kind: 'given', label: 'input:1x1x97x61', values: { batch: 1, height: 97, width: 61 } });
    expect(() => givenProbes(model, [{ input: [1, 1, 97] }], [], '--probes')).toThrow(/--probes\[0\]: input 'input' has rank 4/);
    expect(() => givenProbes(model, [{ input: [1, 3, 97, 61] }], [], '--probes')).toThrow(/axis 1 of input 'input' is fixed at 1/);
    expect(() => givenProbes(model, [{ x: [1] }], [], '--probes')).toThrow(InvalidValueError);
  });
});
