/**
 * trt-node's TensorRT stand-in itself (test/tensorrt-standin): it names itself wherever it shows, and rejects the
 * plans TensorRT rejects, the way TensorRT does. Runs only where the loaded libnvinfer is the stand-in
 * (`npm run test:standin`); elsewhere it is skipped with the reason printed.
 */
import { EngineError } from '../../lib/errors';
import { buildEngine } from '../../lib/trt/build';
import { doctorReport, formatDoctorReport } from '../../lib/trt/doctor';
import { Engine } from '../../lib/trt/engine';
import type { LogEntry } from '../../lib/trt/log';
import { requireTensorRT } from '../../lib/trt/tensorrt';
import { superRes } from './engine-fixtures';
import { addon, describeWithStandIn } from './gpu-gate';

const profile = { input: { min: [1, 1, 16, 16], opt: [1, 1, 24, 24], max: [1, 1, 32, 32] } };

describeWithStandIn('the TensorRT stand-in', () => {
  jest.setTimeout(120_000);
  let plan: Buffer;
  let log: LogEntry[];

  beforeAll(async () => {
    log = [];
    plan = (await buildEngine(superRes, { profiles: profile, onLog: (e) => log.push(e), logLevel: 'info' })).plan;
  });

  it('names itself in doctor, in the version every report prints, in engine metadata and in its log', async () => {
    const standIn = addon().tensorrtRuntimeInfo()!.standIn!;
    expect(standIn).toMatch(/stand-in .*NOT TensorRT/);
    const report = doctorReport();
    expect(report.tensorrt.standIn).toBe(standIn);
    expect(formatDoctorReport(report)).toContain(`STAND-IN: ${standIn}`);
    expect(requireTensorRT().version.text).toContain(standIn);
    const engine = await Engine.load(plan);
    expect(engine.library).toBe(standIn);
    expect(engine.name).toMatch(/stand-in engine .*NOT TensorRT/);
    engine.dispose();
    expect(log.some((e) => e.message.startsWith('[stand-in] ') && e.message.includes(standIn))).toBe(true);
    expect(plan.subarray(0, 64).toString('latin1')).toContain('NOT a TensorRT engine');
  });

  it('rejects a truncated, a bit-flipped and a foreign plan with the reason, as TensorRT does', async () => {
    const flipped = Buffer.from(plan);
    flipped[flipped.length - 100] ^= 0x01;
    const cases: [string, Uint8Array, RegExp][] = [
      ['truncated', plan.subarray(0, plan.length - 10), /truncated/],
      ['bit-flipped', flipped, /checksum does not match/],
      ['foreign', Buffer.from('ftrt0123 a TensorRT engine from elsewhere'), /Magic tag does not match/],
    ];
    for (const [what, bytes, reason] of cases) {
      const failure = (await Engine.load(bytes).catch((e: unknown) => e)) as EngineError;
      expect([what, failure]).toEqual([what, expect.any(EngineError)]);
      expect(failure.message).toMatch(/IRuntime::deserializeCudaEngine failed .*TensorRT said: kUNSPECIFIED_ERROR: .*Serialization/);
      expect(failure.message).toMatch(reason);
    }
  });

  it('computes with onnxruntime: a run agrees with onnxruntime-node exactly', async () => {
    const ort = await import('onnxruntime-node');
    const session = await ort.InferenceSession.create(superRes);
    const engine = await Engine.load(plan);
    const data = Float32Array.from({ length: 24 * 24 }, (_, i) => Math.sin(i));
    const input = new ort.Tensor('float32', data, [1, 1, 24, 24]);
    const [mine, theirs] = await Promise.all([engine.run({ input }), session.run({ input })]);
    expect(Array.from(mine.output.data as Float32Array)).toEqual(Array.from(theirs.output.data as Float32Array));
    engine.dispose();
    await session.release();
  });
});
