/**
 * The TensorRT stand-in is as strict as TensorRT where trt-node's users depend on it (issue 21, item 2; the review's
 * "Where the stand-in is more lenient than TensorRT"): onnx-tensorrt's import checks with their exact messages,
 * subgraphs included; opsets; named dimensions at build and at run time; IO types; plans tied to their TensorRT
 * version and GPU; the parser owning what the network refers to. Stand-in only: it asserts the stand-in's emulation
 * (its message forms, its plan format, its CUDA settings); what TensorRT itself shows is in tensorrt-strict.test.ts.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { EngineError, ParseError } from '../../lib/errors';
import type { NativeProfileInput } from '../../lib/native/binding';
import { buildEngine } from '../../lib/trt/build';
import { Engine } from '../../lib/trt/engine';
import type { LogEntry } from '../../lib/trt/log';
import { requireTensorRT } from '../../lib/trt/tensorrt';
import { caughtAsync } from '../helpers/errors';
import { lastJson, runSnippet } from './child';
import { describeWithStandIn, hostCudaStandIn } from './gpu-gate';
import { DOUBLE_IO, NAMED_PAIR, OPSET6_RELU, REFUSED, UINT8_INTERMEDIATE, UINT8_RELU, logLine, rawBuild } from './strict-models';

const range = (name: string, min: number, opt: number, max: number): NativeProfileInput => ({ name, min: [min, 4], opt: [opt, 4], max: [max, 4] });

/** 64-bit FNV-1a, the stand-in plan's checksum (test/tensorrt-standin/src/plan.cc). */
function fnv1a64(bytes: Uint8Array): bigint {
  let h = 0xcbf29ce484222325n;
  for (const b of bytes) h = BigInt.asUintN(64, (h ^ BigInt(b)) * 0x100000001b3n);
  return h;
}

/** A stand-in plan as another TensorRT version would have written it (its header's patch or build number). */
function planOfVersion(plan: Buffer, change: { patch?: number; build?: number }): Buffer {
  const out = Buffer.from(plan);
  const at = out.indexOf('\n') + 1 + 4; // after the magic line and the format version: major, minor, patch, build
  if (change.patch !== undefined) out.writeInt32LE(change.patch, at + 8);
  if (change.build !== undefined) out.writeInt32LE(change.build, at + 12);
  out.writeBigUInt64LE(fnv1a64(out.subarray(0, out.length - 8)), out.length - 8);
  return out;
}

describeWithStandIn('the stand-in, as strict as TensorRT', () => {
  jest.setTimeout(120_000);

  it.each(REFUSED.map((m) => [m.what, m] as const))('refuses %s with onnx-tensorrt\'s message', async (_what, m) => {
    const e = await caughtAsync(() => buildEngine(m.bytes));
    expect(e).toBeInstanceOf(ParseError);
    expect((e as ParseError).parserErrors.map((x) => [x.node, x.description])).toContainEqual([m.node, m.message]);
  });

  it('refuses the training-mode fixture at its BatchNormalization, as onnx-tensorrt\'s static checks do (all of them, before any import)', async () => {
    const model = path.join(__dirname, '..', 'fixtures', 'batchnorm_dropout_training', 'model.onnx');
    const e = await caughtAsync(() => buildEngine(model, { sampleShapes: [{ input: [2, 3, 16, 16] }] }));
    expect((e as ParseError).parserErrors.map((x) => [x.node, x.nodeOperator, x.description])).toEqual([
      [1, 'BatchNormalization', 'This version of TensorRT does not support training_mode == 1 in BatchNormalization.'],
      [1, 'BatchNormalization', "This version of TensorRT doesn't support mode than 1 outputs for BatchNormalization nodes!"],
    ]);
  });

  it('imports an opset-6 model, logging ModelImporter\'s warning', async () => {
    const log: LogEntry[] = [];
    await buildEngine(OPSET6_RELU, { onLog: (e) => log.push(e), logLevel: 'warning' });
    const warning = await logLine(() => log.filter((w) => w.severity === 'warning').map((w) => w.message), /ONNX parser: TensorRT supports ONNX graphs/);
    expect(warning).toMatch(/^\[stand-in\] ONNX parser: TensorRT supports ONNX graphs generated with at least opset 7\. Models using older opsets are not guaranteed to work\./);
  });

  it('refuses UINT8 where TensorRT does: an intermediate tensor, and a network input into anything but a conversion', async () => {
    const intermediate = await caughtAsync(() => buildEngine(UINT8_INTERMEDIATE));
    expect((intermediate as ParseError).parserErrors[0]).toMatchObject({ node: 0, codeName: 'kUNSUPPORTED_NODE', description: expect.stringMatching(/^TensorRT does not support UINT8 types for intermediate tensors/) });
    const relu = await caughtAsync(() => buildEngine(UINT8_RELU));
    expect((relu as ParseError).parserErrors[0]).toMatchObject({ node: 0, codeName: 'kINVALID_NODE', description: expect.stringContaining('kUINT8') });
  });

  it('computes DOUBLE IO as float32 engine IO (cast down, then widened for the model)', async () => {
    const engine = await Engine.load((await buildEngine(DOUBLE_IO, { profiles: { x: { min: [1, 4], opt: [2, 4], max: [4, 4] } } })).plan);
    const out = await engine.run({ x: { type: 'float32', dims: [1, 4], data: Float32Array.from([-1, 0.5, 2, -3]) } });
    expect(out.y).toMatchObject({ type: 'float32', dims: [1, 4] });
    expect(Array.from(out.y.data as Float32Array)).toEqual([0, 0.5, 2, 0]);
    engine.dispose();
  });

  describe('named dimensions', () => {
    it('a profile whose opt values give n two sizes fails the build; min or max alone only warn (TensorRT: kOPT is checked)', async () => {
      const failure = await rawBuild(NAMED_PAIR, { profiles: [[range('a', 1, 2, 4), range('b', 5, 6, 8)]] }).catch((e: Error) => e);
      expect(failure).toMatchObject({ code: 'ERR_TRT_NODE_BUILD' });
      expect((failure as Error).message).toMatch(
        /Error Code 4: Internal Error \(kOPT values for profile 0 violate shape constraints: .*For input: 'b' all named dimensions that share the same name must be equal/,
      );
      const log: string[] = [];
      await rawBuild(NAMED_PAIR, { profiles: [[range('a', 1, 3, 4), range('b', 2, 3, 4)]] }, log);
      expect(await logLine(() => log, /kMIN values for profile 0 violate shape constraints/)).toBeDefined();
    });

    it('a run whose shapes give n two sizes fails in enqueueV3, naming the inputs and the dimension', async () => {
      const built = await buildEngine(NAMED_PAIR, { profiles: { a: { min: [1, 4], opt: [2, 4], max: [8, 4] }, b: { min: [1, 4], opt: [2, 4], max: [8, 4] } } });
      const engine = await Engine.load(built.plan);
      const feed = (n: number) => ({ type: 'float32', dims: [n, 4], data: new Float32Array(n * 4) });
      const e = await caughtAsync(() => engine.run({ a: feed(3), b: feed(5) }));
      expect(e).toBeInstanceOf(EngineError);
      expect(e.message).toMatch(/enqueueV3.*condition '==' violated: 3 != 5\. For input: 'b' all named dimensions that share the same name must be equal.*a axis 0 \(name: 'n'\), b axis 0 \(name: 'n'\)/);
      expect((await engine.run({ a: feed(5), b: feed(5) })).ya.dims).toEqual([5, 4]);
      engine.dispose();
    });
  });

  describe('plans are tied to their TensorRT version and GPU', () => {
    let plan: Buffer;
    let versionCompatible: Buffer;
    let version: ReturnType<typeof requireTensorRT>['version'];

    beforeAll(async () => {
      version = requireTensorRT().version;
      const profiles = { a: { min: [1, 4], opt: [2, 4], max: [8, 4] }, b: { min: [1, 4], opt: [2, 4], max: [8, 4] } };
      plan = (await buildEngine(NAMED_PAIR, { profiles })).plan;
      versionCompatible = (await buildEngine(NAMED_PAIR, { profiles, versionCompatible: true })).plan;
    });

    it('refuses a plan of another patch or build of the same TensorRT, in TensorRT\'s words', async () => {
      for (const change of [{ patch: version.patch + 1 }, { build: 1 }]) {
        const e = await caughtAsync(() => Engine.load(planOfVersion(plan, change)));
        expect(e).toBeInstanceOf(EngineError);
        expect(e.message).toMatch(
          new RegExp(`kFAILED_INITIALIZATION: .*The engine plan file is not compatible with this version of TensorRT, expecting library version ${version.major}\\.${version.minor}\\.${version.patch}\\.\\d+ got \\d+\\.\\d+\\.\\d+\\.\\d+, please rebuild`),
        );
      }
    });

    it('a version-compatible plan loads on a later build, not on an earlier one', async () => {
      const older = planOfVersion(versionCompatible, { build: 0 });
      const engine = await Engine.load(older, { allowHostCode: true });
      engine.dispose();
      await expect(Engine.load(planOfVersion(versionCompatible, { patch: version.patch + 1 }), { allowHostCode: true })).rejects.toThrow(/not compatible with this version of TensorRT/);
    });

    it('refuses a plan built on a GPU of another compute capability', async () => {
      if (!hostCudaStandIn()) return; // the compute capability is the host CUDA stand-in's setting
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trt-node-cc-'));
      const file = path.join(dir, 'model.plan');
      try {
        const child = await runSnippet(
          `import { buildEngine } from 'ROOT/lib/trt/build';\nimport * as fs from 'fs';\n` +
            `buildEngine('ROOT/test/fixtures/super_resolution/model.onnx', { profiles: { input: { min: [1, 1, 16, 16], opt: [1, 1, 16, 16], max: [1, 1, 32, 32] } } })` +
            `.then((b) => { fs.writeFileSync(${JSON.stringify(file)}, b.plan); console.log(JSON.stringify({ ok: true })); });`,
          { TRT_STANDIN_CUDA_COMPUTE_CAPABILITY: '8.6' },
        );
        expect(lastJson<{ ok: boolean }>(child).ok).toBe(true);
        const e = await caughtAsync(() => Engine.load(file));
        expect(e.message).toMatch(/kINVALID_CONFIG: .*The engine plan file is generated on an incompatible device, expecting compute 9\.0 got compute 8\.6, please rebuild/);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  it("refuses a precision flag on a strongly typed network as TensorRT 10 does (a caller past trt-node's own checks)", () => {
    const addonFile = process.env.TRT_NODE_ADDON;
    if (!addonFile) throw new Error('TRT_NODE_ADDON is not set: run through npm run test:standin');
    const probe = path.join(path.dirname(addonFile), '..', '..', 'standin', 'probes', 'strongly_typed_precision');
    expect(fs.existsSync(probe)).toBe(true);
    // TensorRT's builder loads libnvinfer_builder_resource by soname when it builds (the addon preloads it; a bare
    // caller finds it on the library path, as with TensorRT).
    const libs = path.join(path.dirname(probe), '..', 'lib');
    const env = { ...process.env, LD_LIBRARY_PATH: [libs, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':') };
    const r = spawnSync(probe, [path.join(__dirname, '..', 'fixtures', 'super_resolution_static', 'model.onnx')], { encoding: 'utf8', env });
    if (requireTensorRT().version.major >= 11) {
      expect(r.stdout.trim()).toBe('built'); // TensorRT 11 has no precision flags to refuse
      return;
    }
    expect(r.stdout.trim()).toBe('build failed');
    expect(r.status).toBe(5);
    expect(r.stderr).toContain('Parameter check failed, condition: !config.getFlag(BuilderFlag::kFP16)');
  });

  it('aborts a build whose ONNX parser is already destroyed (the parser owns the weights the network refers to)', () => {
    const addonFile = process.env.TRT_NODE_ADDON;
    if (!addonFile) throw new Error('TRT_NODE_ADDON is not set: run through npm run test:standin');
    const probe = path.join(path.dirname(addonFile), '..', '..', 'standin', 'probes', 'parser_lifetime');
    expect(fs.existsSync(probe)).toBe(true);
    const r = spawnSync(probe, [path.join(__dirname, '..', 'fixtures', 'super_resolution_static', 'model.onnx')], { encoding: 'utf8' });
    expect(r.stdout).not.toContain('built');
    expect(r.signal).toBe('SIGABRT');
    expect(r.stderr).toContain('CONTRACT VIOLATED: IBuilder::buildSerializedNetwork on a network whose IParser was destroyed');
  });
});
