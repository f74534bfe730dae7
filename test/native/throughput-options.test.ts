/**
 * Throughput options of Engine.load and EnginePool.load (contexts per profile, CUDA graphs, devices), checked before
 * anything else, with or without TensorRT; and the pool's dispatch to the least busy device, on injected members.
 * Runs on the TensorRT stand-in are in throughput.test.ts.
 */
import { InvalidTypeError, InvalidValueError, TrtNodeError } from '../../lib/errors';
import { Engine } from '../../lib/trt/engine';
import { EnginePool } from '../../lib/trt/engine-pool';
import { LeastBusy } from '../../lib/trt/least-busy';

const plan = Buffer.from('plan');

describe('BAD CALL: contexts, cudaGraph and devices', () => {
  it.each([
    [{ contexts: 0 }, InvalidValueError, 'options.contexts'],
    [{ contexts: 65 }, InvalidValueError, 'options.contexts'],
    [{ contexts: 1.5 }, InvalidValueError, 'options.contexts'],
    [{ contexts: '2' }, InvalidTypeError, 'options.contexts'],
    [{ cudaGraph: 'yes' }, InvalidTypeError, 'options.cudaGraph'],
  ])('Engine.load(plan, %j) names the option', async (options, cls, name) => {
    const e = await Engine.load(plan, options as object).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(cls);
    expect((e as Error).message).toContain(name);
  });

  it.each([
    [{ devices: [] }, InvalidValueError, /options\.devices/],
    [{ devices: [0, 0] }, InvalidValueError, /each CUDA device once.*device 0 is listed twice/s],
    [{ devices: [-1] }, InvalidValueError, /options\.devices\[0\]/],
    [{ devices: '0,1' }, InvalidTypeError, /'all' or an array of CUDA device numbers for options\.devices/],
    [{ devices: [0], contexts: 0 }, InvalidValueError, /options\.contexts/],
    [{ devices: [0], device: 1 }, TrtNodeError, /device/],
  ])('EnginePool.load(plan, %j) names the option', async (options, cls, re) => {
    const e = await EnginePool.load(plan, options as object).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(cls);
    expect((e as Error).message).toMatch(re);
  });
});

describe('LeastBusy: the pool dispatch', () => {
  /** A run that settles when its `finish` is called. */
  function pending() {
    let finish!: () => void;
    const done = new Promise<void>((resolve) => (finish = resolve));
    return { done, finish };
  }

  it('sends each run to the member with the fewest in flight, ties to the one given fewest so far', async () => {
    const pool = new LeastBusy(['gpu0', 'gpu1']);
    const ran: string[] = [];
    const runs = [pending(), pending(), pending()];
    const settled = runs.map((r) => pool.dispatch(async (m) => (ran.push(m), r.done)));
    // 3 at once: 0, 1, then 0 again (both had one in flight, gpu0 was given no more than gpu1).
    expect(ran).toEqual(['gpu0', 'gpu1', 'gpu0']);
    expect(pool.inFlight()).toEqual([2, 1]);
    runs[0].finish();
    runs[2].finish();
    await Promise.all([settled[0], settled[2]]);
    expect(pool.inFlight()).toEqual([0, 1]);
    // gpu1 is busy: the next goes to gpu0 although gpu0 was given more.
    await pool.dispatch(async (m) => void ran.push(m));
    expect(ran[3]).toBe('gpu0');
    runs[1].finish();
    await settled[1];
    expect(pool.dispatched()).toEqual([3, 1]);
  });

  it('alternates between idle members for a caller that runs one at a time, and counts a failed run out', async () => {
    const pool = new LeastBusy([0, 1, 2]);
    const order: number[] = [];
    for (let i = 0; i < 6; i++) await pool.dispatch(async (m) => void order.push(m));
    expect(order).toEqual([0, 1, 2, 0, 1, 2]);
    await expect(pool.dispatch(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(pool.inFlight()).toEqual([0, 0, 0]);
    expect(() => new LeastBusy([])).toThrow(RangeError);
  });
});
