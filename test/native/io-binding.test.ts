/**
 * IOBinding's own rules, with a scripted runner in place of the native engine (no GPU needed): one run at a time,
 * dispose, timings unpacked in RUN_META_TIMINGS order. Runs through TensorRT (or its stand-in) are in
 * engine-gpu.test.ts.
 */
import { DisposedError, EngineError } from '../../lib/errors';
import { RUN_META_TIMINGS } from '../../lib/native/binding';
import { IOBinding } from '../../lib/trt/io-binding';
import type { BoundRunner } from '../../lib/trt/io-binding';

function scripted() {
  const calls: boolean[] = [];
  let released = 0;
  const pending: ((meta: Float64Array | undefined) => void)[] = [];
  const runner: BoundRunner = {
    run: (timed) => {
      calls.push(timed);
      return new Promise((resolve) => pending.push(resolve));
    },
    release: () => void released++,
  };
  const outputs = { output: { type: 'float32' as const, dims: [2], data: new Float32Array(2) } };
  const inputs = { input: { type: 'float32' as const, dims: [2], data: new Float32Array(2) } };
  const binding = new IOBinding(1, inputs, outputs, { input: true, output: false }, runner);
  return { binding, calls, pending, released: () => released };
}

describe('IOBinding', () => {
  it('resolves run() to its own output arrays, and runWithTimings() to the timings in RUN_META_TIMINGS order', async () => {
    const { binding, calls, pending } = scripted();
    const run = binding.run();
    pending.shift()!(undefined);
    expect(await run).toBe(binding.outputs);
    const timed = binding.runWithTimings();
    const meta = Float64Array.from(RUN_META_TIMINGS, (_, i) => i + 0.5);
    pending.shift()!(meta);
    const result = await timed;
    expect(calls).toEqual([false, true]);
    expect(result.profile).toBe(1);
    expect(result.outputs).toBe(binding.outputs);
    RUN_META_TIMINGS.forEach((name, i) => expect(result.timings[name]).toBe(i + 0.5));
    expect(binding.pageLocked).toEqual({ input: true, output: false });
  });

  it('refuses a second run while one is in flight (they would share the output arrays), and runs again after it', async () => {
    const { binding, calls, pending } = scripted();
    const first = binding.run();
    await expect(binding.run()).rejects.toBeInstanceOf(EngineError);
    await expect(binding.runWithTimings()).rejects.toThrow(/in flight: await it first/);
    expect(calls).toEqual([false]);
    pending.shift()!(undefined);
    await first;
    const again = binding.run();
    pending.shift()!(undefined);
    await expect(again).resolves.toBe(binding.outputs);
  });

  it('a failed run frees the binding for the next one', async () => {
    const { binding } = scripted();
    const failing = new IOBinding(0, binding.inputs, binding.outputs, {}, { run: () => Promise.reject(new EngineError('boom')), release: () => undefined });
    await expect(failing.run()).rejects.toThrow('boom');
    await expect(failing.run()).rejects.toThrow('boom'); // not "in flight"
  });

  it('dispose() releases the native side once; later runs reject with DisposedError', async () => {
    const { binding, released } = scripted();
    expect(binding.disposed).toBe(false);
    binding.dispose();
    binding.dispose();
    expect(binding.disposed).toBe(true);
    expect(released()).toBe(1);
    await expect(binding.run()).rejects.toBeInstanceOf(DisposedError);
  });
});
