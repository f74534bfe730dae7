/**
 * createRunners: what it hands each runtime. TensorRT is not here, so the TensorRT runner's engine loader is
 * replaced to record the source it is given: a build started for a check must stop with the check's signal (Ctrl-C
 * during a long build).
 */
import { DEFAULT_MODEL } from '../../lib/cli/defaults';
import type { EngineLike, EngineSource } from '../../lib/runners/tensorrt/loader';

const seen: EngineSource[] = [];
jest.mock('../../lib/runners/tensorrt/loader', () => ({
  loadEngine: async (_model: string | null, source: EngineSource) => {
    seen.push(source);
    const engine: EngineLike = { inputs: [], profileCount: 0, run: async () => ({}), dispose: () => undefined };
    return { engine, description: 'recorded' };
  },
}));

import { runnerSpecs } from '../../lib/pipeline/setup';
import { createRunners, disposeRunners } from '../../lib/runners/specs';

test("an engine built for the run gets the caller's signal, unless its build options bring their own", async () => {
  const signal = new AbortController().signal;
  const own = new AbortController().signal;
  seen.length = 0;
  const runners = await createRunners([{ kind: 'tensorrt' }, { kind: 'tensorrt', name: 'fp16', build: { fp16: true, signal: own } }], { model: DEFAULT_MODEL, signal });
  await disposeRunners(runners);
  expect(seen.map((o) => o.build?.signal)).toEqual([signal, own]);
  expect(seen[1].build?.fp16).toBe(true);
  expect(runners.map((r) => r.info.name)).toEqual(['tensorrt', 'fp16']);
});

test('no signal given: the build options are passed as they are, with the profiles of the call', async () => {
  seen.length = 0;
  const profile = { input: { min: [1, 1, 8, 8], opt: [1, 1, 16, 16], max: [1, 1, 32, 32] } };
  const runners = await createRunners([{ kind: 'tensorrt', build: { fp16: true } }], { model: DEFAULT_MODEL, profiles: () => [profile] });
  await disposeRunners(runners);
  expect(seen[0].build).toEqual({ fp16: true });
  expect(seen[0].profiles).toEqual([profile]);
});

describe('the TensorRT shorthands of check and crossCheck (runnerSpecs)', () => {
  const none = () => [];
  it('engine with tensorrt options: one runner, the plan loaded with those options (its device)', () => {
    expect(runnerSpecs({ engine: 'm.plan', tensorrt: { device: 1 } }, none, false)).toEqual([{ kind: 'tensorrt', device: 1, engine: 'm.plan' }]);
  });
  it('engine alone, or tensorrt alone: one runner each', () => {
    expect(runnerSpecs({ engine: 'm.plan' }, none, false)).toEqual([{ kind: 'tensorrt', engine: 'm.plan' }]);
    expect(runnerSpecs({ tensorrt: { device: 2 } }, none, false)).toEqual([{ kind: 'tensorrt', device: 2 }]);
    expect(runnerSpecs({ tensorrt: true }, none, false)).toEqual([{ kind: 'tensorrt' }]);
  });
  it("the runner's device reaches the engine loader (a plan is loaded there)", async () => {
    seen.length = 0;
    const runners = await createRunners(runnerSpecs({ engine: 'm.plan', tensorrt: { device: 1 } }, none, false), { model: DEFAULT_MODEL });
    await disposeRunners(runners);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ engine: 'm.plan', device: 1 });
  });
});
