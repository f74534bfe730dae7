/**
 * createRunners: what it hands each runtime. TensorRT is not here, so its runner factory is replaced to record the
 * options it is given: a build started for a check must stop with the check's signal (Ctrl-C during a long build).
 */
import { DEFAULT_MODEL } from '../../lib/cli/defaults';
import type { TensorRTRunnerOptions } from '../../lib/runners/tensorrt/runner';

const seen: TensorRTRunnerOptions[] = [];
jest.mock('../../lib/runners/tensorrt/runner', () => ({
  createTensorRTRunner: async (_model: string | null, options: TensorRTRunnerOptions) => {
    seen.push(options);
    return { name: options.name ?? 'tensorrt', kind: 'tensorrt', description: 'recorded', supports: () => true, run: async () => ({}), dispose: async () => undefined };
  },
}));

import { createRunners, disposeRunners } from '../../lib/runners/specs';

test("an engine built for the run gets the caller's signal, unless its build options bring their own", async () => {
  const signal = new AbortController().signal;
  const own = new AbortController().signal;
  seen.length = 0;
  const runners = await createRunners(DEFAULT_MODEL, [{ kind: 'tensorrt' }, { kind: 'tensorrt', name: 'fp16', build: { fp16: true, signal: own } }], [], () => [], String, signal);
  await disposeRunners(runners);
  expect(seen.map((o) => o.build?.signal)).toEqual([signal, own]);
  expect(seen[1].build?.fp16).toBe(true);
});

test('no signal given: the build options are passed as they are', async () => {
  seen.length = 0;
  const runners = await createRunners(DEFAULT_MODEL, [{ kind: 'tensorrt', build: { fp16: true } }], [], () => [], String);
  await disposeRunners(runners);
  expect(seen[0].build).toEqual({ fp16: true });
});
