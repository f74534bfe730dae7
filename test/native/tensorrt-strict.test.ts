/**
 * What TensorRT refuses or changes that trt-node's users depend on, and how trt-node reports it (issue 21, item 2).
 * Runs wherever TensorRT and a GPU are present, so it asserts only what TensorRT itself shows: onnx-tensorrt's own
 * messages, TensorRT's documented errors, the IO types its parser makes. The stand-in's own emulation of these
 * (message forms, plan formats, choices) is checked in standin-strict.test.ts.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ParseError, ShapeError } from '../../lib/errors';
import { crossCheck } from '../../lib/crosscheck';
import { buildEngine } from '../../lib/trt/build';
import { Engine } from '../../lib/trt/engine';
import type { LogEntry } from '../../lib/trt/log';
import { caughtAsync } from '../helpers/errors';
import { describeWithGpu } from './gpu-gate';
import { CUBIC_RESIZE, DOUBLE_IO, INT8_INPUT, NAMED_PAIR, OPSET6_RELU, REFUSED, UINT8_CAST, logLine, rawBuild } from './strict-models';

describeWithGpu('what TensorRT refuses or changes, as trt-node reports it', () => {
  jest.setTimeout(120_000);

  it.each(REFUSED.map((m) => [m.what, m] as const))("the ONNX parser refuses %s: a ParseError naming the node and onnx-tensorrt's reason", async (_what, m) => {
    const e = await caughtAsync(() => buildEngine(m.bytes));
    expect(e).toBeInstanceOf(ParseError);
    const errors = (e as ParseError).parserErrors;
    expect(errors.map((x) => x.node)).toContain(m.node);
    expect(errors.some((x) => x.description.includes(m.message))).toBe(true);
    expect(e.message).toContain("TensorRT's ONNX parser rejected");
  });

  it('a Resize in cubic mode imports', async () => {
    await expect(buildEngine(CUBIC_RESIZE)).resolves.toHaveProperty('plan');
  });

  it('an opset-6 model imports, with the parser\'s warning that opsets below 7 are not guaranteed', async () => {
    const log: LogEntry[] = [];
    await buildEngine(OPSET6_RELU, { onLog: (e) => log.push(e), logLevel: 'warning' });
    expect(await logLine(() => log.map((w) => w.message), /TensorRT supports ONNX graphs generated with at least opset 7/)).toBeDefined();
  });

  it('an INT8 input without Q/DQ layers fails the build ("must have dynamic range set")', async () => {
    await expect(buildEngine(INT8_INPUT)).rejects.toThrow(/Int8 in network without Q\/DQ layers must have dynamic range set/);
  });

  it('a UINT8 input cast to float builds and runs, with uint8 feeds', async () => {
    const engine = await Engine.load((await buildEngine(UINT8_CAST)).plan);
    expect(engine.inputs[0].type).toBe('uint8');
    const out = await engine.run({ x: { type: 'uint8', dims: [4], data: Uint8Array.from([0, 1, 2, 255]) } });
    expect(Array.from(out.y.data as Float32Array)).toEqual([0, 1, 2, 255]);
    engine.dispose();
  });

  it('DOUBLE IO becomes float32 engine IO; the TensorRT runner feeds it the model\'s float64 data, cast down', async () => {
    const built = await buildEngine(DOUBLE_IO, { profiles: { x: { min: [1, 4], opt: [2, 4], max: [4, 4] } } });
    const engine = await Engine.load(built.plan);
    expect([engine.inputs[0].type, engine.outputs[0].type]).toEqual(['float32', 'float32']);
    engine.dispose();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trt-node-double-'));
    try {
      const file = path.join(dir, 'model.onnx');
      fs.writeFileSync(file, DOUBLE_IO);
      const r = await crossCheck(file, { tensorrt: true, profiles: [{ x: { min: [1, 4], opt: [2, 4], max: [4, 4] } }] });
      expect(r.runners.find((x) => x.kind === 'tensorrt')?.error).toBeUndefined();
      expect(r.probes.length).toBeGreaterThan(0);
      for (const p of r.probes) expect(p.runs.find((x) => x.runner === 'tensorrt')?.status).toBe('ran');
      expect(r.pass).toBe(true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('feeds that give a named dimension two sizes: a ShapeError naming both inputs when the engine knows its model', async () => {
    const built = await buildEngine(NAMED_PAIR, { profiles: { a: { min: [1, 4], opt: [2, 4], max: [8, 4] }, b: { min: [1, 4], opt: [2, 4], max: [8, 4] } } });
    const engine = await Engine.load(built.plan, { model: built.model });
    const feed = (n: number) => ({ type: 'float32', dims: [n, 4], data: new Float32Array(n * 4) });
    const e = await caughtAsync(() => engine.run({ a: feed(3), b: feed(5) }));
    expect(e).toBeInstanceOf(ShapeError);
    expect(e.message).toMatch(/feeds\["a"\] gives dimension 'n' .*feeds\["b"\] gives it 5/);
    const out = await engine.run({ a: feed(3), b: feed(3) });
    expect(out.yb.dims).toEqual([3, 4]);
    engine.dispose();
    await expect(Engine.load(built.plan, { model: 'a.onnx' as unknown as typeof built.model })).rejects.toThrow(/options\.model/);
  });

  it('a strongly typed network takes no precision flag: the addon refuses it before TensorRT would', async () => {
    // The addon's backstop (native/trt/build_options.cc) refuses what TensorRT 10 refuses at build time ("Parameter
    // check failed, condition: !config.getFlag(BuilderFlag::kFP16)") and TensorRT 11 has no flag for; TensorRT's own
    // refusal is reached only past trt-node's checks (standin-strict.test.ts's probe, on the stand-in).
    expect(() => rawBuild(CUBIC_RESIZE, { stronglyTyped: true, config: { fp16: true } })).toThrow(/Expected no precision flag with stronglyTyped: fp16/);
    await expect(rawBuild(CUBIC_RESIZE, { stronglyTyped: true })).resolves.toHaveProperty('plan');
  });
});
