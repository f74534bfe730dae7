/**
 * The runner registry: a runner of one's own, registered in one file (./direct-ort-runner.ts), runs by name in
 * crossCheck(), check() and runBench() like the built-ins; mistakes in registering or naming a kind are usage errors
 * that name the kind and the kinds registered.
 */
import * as ort from 'onnxruntime-node';
import { check, crossCheck, registerRunner, runBench, type Runner } from '../../lib';
import { DEFAULT_MODEL } from '../../lib/cli/defaults';
import { createRunners, disposeRunners } from '../../lib/runners/specs';
import { EXPECTED_RANK, inExpectedOrder, runnerKinds } from '../../lib/runners/registry';
import { modelPath } from '../check/fixtures';
import { caught, caughtAsync } from '../helpers/errors';
import { directRunner, KIND, made } from './direct-ort-runner';

const probes = [{ input: [1, 1, 16, 16] }, { input: [1, 1, 24, 40] }];

describe('a runner registered in one file', () => {
  it('is a kind like the built-ins, compared with onnxruntime (its rank says so) at every probe of crossCheck', async () => {
    expect(runnerKinds()).toEqual(['onnxruntime', KIND, 'reference', 'tensorrt'].sort());
    // Listed first, it is still the actual side: onnxruntime ranks before it as the expected one.
    const result = await crossCheck(DEFAULT_MODEL, { runners: [{ kind: KIND }, { kind: 'onnxruntime' }], probes });
    expect(result.runners.map((r) => [r.name, r.kind])).toEqual([
      [KIND, KIND],
      ['onnxruntime', 'onnxruntime'],
    ]);
    expect(result.probes).toHaveLength(2);
    for (const p of result.probes) {
      // Each probe runs the runners in expected order.
      expect(p.runs.map((r) => [r.runner, r.status])).toEqual([
        ['onnxruntime', 'ran'],
        [KIND, 'ran'],
      ]);
      expect(p.comparisons).toHaveLength(1);
      expect(p.comparisons[0]).toMatchObject({ actual: KIND, expected: 'onnxruntime', pass: true });
      expect(p.comparisons[0].outputs[0].maxAbsError).toBeLessThan(1e-5); // the same runtime: the same numbers
    }
    expect(result.verdict).toBe('pass');
  });

  it('its own options reach it: outputs scaled by 1.01 fail the comparison, named as its runner', async () => {
    const result = await crossCheck(DEFAULT_MODEL, { runners: [{ kind: 'onnxruntime' }, { kind: KIND, name: 'scaled', options: { scale: 1.01 } }], probes: [probes[0]] });
    expect(result.verdict).toBe('fail');
    expect(result.firstFailure).toMatchObject({ kind: 'compare', runner: 'scaled', expected: 'onnxruntime', output: 'output' });
    expect(result.runners[1].description).toMatch(/× 1\.01/);
  });

  it('runs in check() by name', async () => {
    const report = await check(DEFAULT_MODEL, { runners: [{ kind: 'onnxruntime' }, { kind: KIND }], shapes: [{ input: [1, 1, 16, 16] }], probe: false });
    expect(report.runs.map((r) => [r.backend, r.ok, r.reference])).toEqual([
      ['onnxruntime', true, null],
      [KIND, true, 'onnxruntime'],
    ]);
    expect(report.pass).toBe(true);
  });

  it('a model it cannot load is reported (its registration asks so), explained by the finding, and the others go on', async () => {
    const result = await crossCheck(modelPath('custom_op'), { runners: [{ kind: KIND }], sweep: false });
    expect(result.runners[0]).toMatchObject({ name: KIND, kind: KIND, description: 'onnxruntime-node called directly', code: 'UNSUPPORTED_OP' });
    expect(result.runners[0].error).toMatch(new RegExp(`^${KIND} cannot load the model: `));
    expect(result.findings.map((f) => f.code)).toContain('UNSUPPORTED_OP');
  });

  it('runBench times it by name, disposing what it made; a Runner object passed in stays the caller’s', async () => {
    const before = { ...made };
    const report = await runBench({ model: DEFAULT_MODEL, shapes: [{ input: [1, 1, 16, 16] }], runners: ['onnxruntime', KIND], warmup: 0, iterations: 3 });
    expect(report.runs.map((r) => [r.backend, r.kind, r.available, r.samplesMs?.length])).toEqual([
      ['onnxruntime', 'onnxruntime', true, 3],
      [KIND, KIND, true, 3],
    ]);
    // No runTimed and no measuredAs of its own: timed end to end, and said so.
    expect(report.runs[1].measuredAs).toBe('run() end to end from JavaScript');
    expect(report.runs[1].engine).toBeUndefined();
    expect(made.created - before.created).toBe(1);
    expect(made.disposed - before.disposed).toBe(1);

    const mine: Runner = directRunner(await ort.InferenceSession.create(DEFAULT_MODEL, { logSeverityLevel: 4 }), 'mine');
    try {
      const own = await runBench({ model: DEFAULT_MODEL, shapes: [{ input: [1, 1, 16, 16] }], runners: [mine], warmup: 0, iterations: 2 });
      expect(own.runs.map((r) => [r.backend, r.kind, r.available])).toEqual([['mine', KIND, true]]);
      expect(made.disposed - before.disposed).toBe(1); // not disposed by runBench
      expect((await mine.run({ input: { type: 'float32', dims: [1, 1, 8, 8], data: new Float32Array(64) } }, { shapes: { input: [1, 1, 8, 8] } })).output.dims).toEqual([1, 1, 24, 24]);
    } finally {
      await mine.dispose();
    }
  });
});

describe('BAD CALL: registering and naming kinds', () => {
  it('a kind registered twice is refused, naming it and the kinds registered', () => {
    const err = caught(() => registerRunner(KIND, () => ({}) as Runner));
    expect(err.code).toBe('ERR_TRT_NODE_INVALID_VALUE');
    expect(err.message).toMatch(/a runner kind not registered yet \(registered: 'onnxruntime', 'ort-direct', 'reference', 'tensorrt'\) for kind but received "ort-direct"/);
    expect(caught(() => registerRunner('onnxruntime', () => ({}) as Runner)).message).toMatch(/received "onnxruntime"/);
  });

  it("'custom' (a Runner made by hand), an empty kind, a missing factory or a bad rank are refused by name", () => {
    expect(caught(() => registerRunner('custom', () => ({}) as Runner)).message).toMatch(/a kind other than 'custom'/);
    expect(caught(() => registerRunner('', () => ({}) as Runner)).message).toMatch(/a non-empty string for kind/);
    expect(caught(() => registerRunner('nofactory', undefined as never)).message).toMatch(/for the factory of runner kind 'nofactory'/);
    expect(caught(() => registerRunner('badrank', () => ({}) as Runner, { expectedRank: NaN })).message).toMatch(/options\.expectedRank/);
    expect(runnerKinds()).not.toContain('nofactory');
    expect(runnerKinds()).not.toContain('badrank');
  });

  it('an unknown kind, in crossCheck, check and runBench, names itself, where it was given and the kinds registered', async () => {
    const known = /a registered runner kind \('onnxruntime', 'ort-direct', 'reference', 'tensorrt'\)/;
    const cc = await caughtAsync(() => crossCheck(DEFAULT_MODEL, { runners: [{ kind: 'onnxruntime' }, { kind: 'tpu' }], probes: [probes[0]] }));
    expect(cc.code).toBe('ERR_TRT_NODE_INVALID_VALUE');
    expect(cc.message).toMatch(known);
    expect(cc.message).toMatch(/for runners\[1\]\.kind but received "tpu"\. Register your own with registerRunner\(kind, factory\)/);
    const ch = await caughtAsync(() => check(DEFAULT_MODEL, { runners: [{ kind: 'tpu' }], probe: false }));
    expect(ch.message).toMatch(/for runners\[0\]\.kind but received "tpu"/);
    const bench = await caughtAsync(() => runBench({ model: DEFAULT_MODEL, shapes: [{ input: [1, 1, 8, 8] }], runners: ['onnxruntime', 'tpu'] }));
    expect(bench.message).toMatch(known);
    expect(bench.message).toMatch(/for runners\[1\] but received "tpu"/);
    expect((await caughtAsync(() => runBench({ model: DEFAULT_MODEL, shapes: [{ input: [1, 1, 8, 8] }], runners: [{ kind: 'tpu' }] }))).message).toMatch(/for runners\[0\]\.kind but received "tpu"/);
  });

  it('a factory that returns something other than a Runner is a usage error naming its kind', async () => {
    registerRunner('not-a-runner', () => ({ name: 'x' }) as unknown as Runner);
    const err = await caughtAsync(() => createRunners([{ kind: 'not-a-runner' }], { model: DEFAULT_MODEL }));
    expect(err.code).toBe('ERR_TRT_NODE_INVALID_TYPE');
    expect(err.message).toMatch(/for the runner made for kind 'not-a-runner'/);
  });

  it('two runners with one name are refused, and the one already made is disposed', async () => {
    const before = made.disposed;
    const err = await caughtAsync(() => createRunners([{ kind: KIND }, { kind: KIND }], { model: DEFAULT_MODEL }));
    expect(err.message).toMatch(/a name no other runner has for runners\[1\]\.name but received "ort-direct"/);
    expect(made.disposed - before).toBe(2);
  });
});

describe('the expected-runner policy', () => {
  it('saved outputs first, then runtimes (and Runners made by hand), then what is under test; stable within a rank', async () => {
    const kinds = ['tensorrt', KIND, 'custom', 'onnxruntime', 'reference', 'unregistered'];
    expect(inExpectedOrder(kinds, (k) => k)).toEqual(['reference', 'custom', 'onnxruntime', 'unregistered', 'tensorrt', KIND]);
    expect(EXPECTED_RANK).toEqual({ savedOutputs: 0, runtime: 1, underTest: 2 });
    const runners = await createRunners([{ kind: 'reference' }], { model: null });
    expect(runners[0].info).toMatchObject({ name: 'reference', kind: 'reference' });
    await disposeRunners(runners);
  });
});
