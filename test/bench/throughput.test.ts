/**
 * The benchmark's throughput settings without TensorRT: --streams, --concurrency, --cuda-graph and --devices checked by
 * name; runs kept `concurrency` in flight; throughput as runs over the timed wall time; per-run executions summed
 * up; figures of the TensorRT stand-in labelled in every line. Runs on the stand-in: test/native/throughput.test.ts.
 */
import { formatBenchReport, runBench, validateBenchOptions } from '../../lib/bench';
import { parseDevices } from '../../lib/bench/options';
import { DEFAULT_MODEL } from '../../lib/cli/defaults';
import type { Runner, RunnerTimings } from '../../lib/runners/runner';
import type { NamedTensors } from '../../lib/tensor/types';
import { runCli } from '../helpers/cli';

const shapes = [{ input: [1, 1, 8, 8] }];

describe('BAD CALL: throughput options', () => {
  it.each([
    [{ streams: 0 }, /streams/],
    [{ streams: 65 }, /streams/],
    [{ concurrency: 0 }, /concurrency/],
    [{ cudaGraph: 'yes' }, /cudaGraph/],
    [{ devices: [1, 1] }, /devices/],
    [{ devices: 'some' }, /devices/],
  ])('%j is rejected naming the option', (bad, re) => {
    expect(() => validateBenchOptions({ model: DEFAULT_MODEL, shapes: [], ...(bad as object) })).toThrow(re);
  });

  it('--devices reads all or a list of device numbers', () => {
    expect(parseDevices('all', '--devices')).toBe('all');
    expect(parseDevices(' 0, 1 ', '--devices')).toEqual([0, 1]);
    expect(() => parseDevices('0,gpu1', '--devices')).toThrow(/--devices/);
    expect(() => parseDevices('1,1', '--devices')).toThrow(/listed twice/);
  });

  it('the CLI names the flag, and refuses TensorRT flags when no TensorRT runs', async () => {
    const zero = await runCli(['bench', '--backends', 'ort', '--concurrency', '0']);
    expect(zero.code).toBe(2);
    expect(zero.stderr).toMatch(/--concurrency/);
    const unused = await runCli(['bench', '--backends', 'ort', '--streams', '2', '--cuda-graph']);
    expect(unused.code).toBe(2);
    expect(unused.stderr).toMatch(/--streams, --cuda-graph set how TensorRT runs, but --backends ort runs no TensorRT/);
    const devices = await runCli(['bench', '--devices', '0,x']);
    expect(devices.code).toBe(2);
    expect(devices.stderr).toMatch(/--devices/);
  });
});

/** A runner that settles each run a few event-loop turns later, counting how many were in flight at most. */
function fakeRunner(kind: 'tensorrt' | 'onnxruntime', settings: Record<string, unknown> = {}) {
  let inFlight = 0;
  let runs = 0;
  const seen = { maxInFlight: 0 };
  const runner: Runner = {
    name: kind === 'tensorrt' ? 'fake-trt' : 'fake-ort',
    kind,
    description: `fake ${kind}`,
    settings,
    supports: () => true,
    run: async () => ({}),
    async runTimed(): Promise<{ outputs: NamedTensors; timings: RunnerTimings }> {
      const n = runs++;
      seen.maxInFlight = Math.max(seen.maxInFlight, ++inFlight);
      for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
      inFlight--;
      const cudaGraph = n % 4 === 0 ? 'captured' : n % 4 === 3 ? 'refused' : 'launched';
      return {
        outputs: {},
        timings: { computeMs: 0.5, h2dMs: 0.1, d2hMs: 0.1, engineMs: 0.5, execution: { device: n % 2, context: n % 3, cudaGraph, ...(cudaGraph === 'refused' ? { cudaGraphReason: 'no capture here' } : {}) } },
      };
    },
    dispose: () => undefined,
  };
  return { runner, seen };
}

describe('runs in flight and throughput', () => {
  it('keeps `concurrency` runs in flight, counts every timed run, and sums up where they ran', async () => {
    const { runner, seen } = fakeRunner('tensorrt', { standIn: 'TensorRT stand-in, host CUDA — not TensorRT' });
    const report = await runBench({ model: DEFAULT_MODEL, shapes, runners: [runner], warmup: 0, iterations: 20, concurrency: 3, streams: 2, cudaGraph: true });
    const r = report.runs[0];
    expect(seen.maxInFlight).toBe(3);
    expect(r.samplesMs).toHaveLength(20);
    expect(r.concurrency).toBe(3);
    expect(r.throughput!.inferencesPerSec).toBeCloseTo(20 / r.throughput!.timedS, 6);
    expect(r.execution).toEqual({
      runsPerDevice: { 0: 10, 1: 10 },
      runsPerContext: expect.objectContaining({ '0/0': expect.any(Number), '1/1': expect.any(Number) }),
      cudaGraph: { captured: 5, launched: 10, refused: 5 },
      cudaGraphRefusals: ['no capture here'],
    });
    expect(report.settings).toMatchObject({ concurrency: 3, streams: 2, cudaGraph: true, devices: null });
    const text = formatBenchReport(report, { width: 1000 }); // unwrapped: one line per statement
    // Every line with a figure of the stand-in says so.
    for (const line of text.split('\n').filter((l) => l.startsWith('fake-trt'))) expect(line).toMatch(/^fake-trt \(stand-in\)/);
    expect(text).toMatch(/fake-trt \(stand-in\): every figure of these rows is trt-node's TensorRT stand-in, host CUDA — not TensorRT/);
    expect(text).toMatch(/runs on device 0: 10, device 1: 10; 6 execution context\(s\) used; CUDA graphs: 5 captured, 10 launched, 5 refused \(capture refused: no capture here\)/);
    expect(text).toMatch(/TensorRT: 2 execution context\(s\) per profile, each on its own stream; CUDA graphs on; one engine/);
    expect(JSON.parse(JSON.stringify(report)).runs[0].execution.runsPerDevice).toEqual({ 0: 10, 1: 10 });
  });

  it('onnxruntime runs one at a time, and its row says so', async () => {
    const { runner, seen } = fakeRunner('onnxruntime');
    const report = await runBench({ model: DEFAULT_MODEL, shapes, runners: [runner], warmup: 2, iterations: 6, concurrency: 4 });
    expect(seen.maxInFlight).toBe(1);
    expect(report.runs[0]).toMatchObject({ concurrency: 1, concurrencyNote: expect.stringMatching(/one at a time/) });
    expect(formatBenchReport(report)).toMatch(/fake-ort: onnxruntime-node runs one at a time here/);
  });

  it('--duration: runs start until the time is up, every one of them counted', async () => {
    const { runner } = fakeRunner('tensorrt');
    const report = await runBench({ model: DEFAULT_MODEL, shapes, runners: [runner], warmup: 0, durationS: 0.2, concurrency: 2 });
    const r = report.runs[0];
    expect(report.settings).toMatchObject({ iterations: null, durationS: 0.2 });
    expect(r.samplesMs!.length).toBeGreaterThan(0);
    expect(r.throughput!.inferencesPerSec).toBeCloseTo(r.samplesMs!.length / r.throughput!.timedS, 6);
  });
});
