/**
 * The engine cache's key (lib/cache/key.ts, with buildEngine's settings from lib/trt/build-options.ts): it changes
 * with the model's bytes (external data included), a build option, a profile, the TensorRT version or the GPU, and
 * with nothing else. Real fixture models; no TensorRT needed.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { cacheKey, canonicalJson, modelFingerprint, type CacheKeyParts } from '../../lib/cache';
import { readModel } from '../../lib/onnx/reader';
import { cacheKeySettings, validateBuildSettings } from '../../lib/trt/build-options';

const fixtures = path.join(__dirname, '..', 'fixtures');
const superRes = path.join(fixtures, 'super_resolution', 'model.onnx');
const profile = { input: { min: [1, 1, 16, 16], opt: [1, 1, 32, 32], max: [1, 1, 64, 64] } };
const gpu = { name: 'NVIDIA H100 80GB HBM3', computeCapability: '9.0' };

let dir: string;
beforeAll(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trt-node-cache-key-'))));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The key of `model` (a path) built with `settings`, everything else as given or the defaults above. */
async function keyOf(model: string | Uint8Array, over: Partial<Omit<CacheKeyParts, 'model'>> & { options?: Record<string, unknown> } = {}): Promise<string> {
  const summary = await readModel(model);
  const settings = over.settings ?? cacheKeySettings(validateBuildSettings(over.options ?? {}), false);
  return cacheKey({ model: await modelFingerprint(model, summary.externalData), settings, profiles: over.profiles ?? [profile], tensorrt: over.tensorrt ?? '10.16.0', device: over.device ?? gpu });
}

describe('the engine cache key', () => {
  test('is a sha256 (64 hex digits), the same for the same build, and for the model given as a path or as its bytes', async () => {
    const key = await keyOf(superRes);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(await keyOf(superRes)).toBe(key);
    expect(await keyOf(new Uint8Array(fs.readFileSync(superRes)))).toBe(key);
    // The same bytes elsewhere, under another name: the same plan.
    const copy = path.join(dir, 'renamed.onnx');
    fs.copyFileSync(superRes, copy);
    expect(await keyOf(copy)).toBe(key);
  });

  test('changes with the model bytes: another model, or one byte of the same model', async () => {
    const key = await keyOf(superRes);
    const noParams = path.join(fixtures, 'super_resolution_no_params', 'model.onnx');
    expect(await keyOf(noParams, { profiles: [profile] })).not.toBe(key);
    const bytes = fs.readFileSync(superRes);
    // A weight byte near the end (the initializers' raw data): the model still reads, its weights differ.
    bytes[bytes.length - 10] ^= 0x01;
    const changed = path.join(dir, 'changed.onnx');
    fs.writeFileSync(changed, bytes);
    expect(await keyOf(changed)).not.toBe(key);
  });

  test("changes with the model's external data, which the .onnx file alone does not show", async () => {
    const src = path.join(fixtures, 'dynamo_static');
    const copy = path.join(dir, 'dynamo_static');
    fs.cpSync(src, copy, { recursive: true });
    const summary = await readModel(path.join(copy, 'model.onnx'));
    expect(summary.externalData.length).toBeGreaterThan(0);
    const key = await keyOf(path.join(copy, 'model.onnx'), { profiles: [] });
    const data = path.join(copy, 'model.onnx.data');
    const bytes = fs.readFileSync(data);
    bytes[0] ^= 0x01;
    fs.writeFileSync(data, bytes);
    expect(await keyOf(path.join(copy, 'model.onnx'), { profiles: [] })).not.toBe(key);
    const fingerprint = await modelFingerprint(path.join(copy, 'model.onnx'), summary.externalData);
    expect(fingerprint.externalData.map((e) => e.location)).toEqual(['model.onnx.data']); // one file, hashed once
  });

  test.each([
    ['fp16', { fp16: true }],
    ['tf32 off', { tf32: false }],
    ['optimizationLevel', { optimizationLevel: 5 }],
    ['workspaceBytes', { workspaceBytes: 2 ** 30 }],
    ['versionCompatible', { versionCompatible: true }],
    ['profilingVerbosity', { profilingVerbosity: 'detailed' }],
  ])('changes with a build option that shapes the plan: %s', async (_name, options) => {
    expect(await keyOf(superRes, { options })).not.toBe(await keyOf(superRes));
  });

  test('does not change with an option at its default, nor with what does not shape the plan (timing cache, device number, cache options)', async () => {
    const key = await keyOf(superRes);
    expect(await keyOf(superRes, { options: { tf32: true, versionCompatible: false, fp16: false } })).toBe(key);
    expect(await keyOf(superRes, { options: { timingCache: path.join(dir, 't.cache'), device: 3, cacheDir: dir, cacheMaxBytes: 2 ** 30 } })).toBe(key);
  });

  test('changes with a profile (a bound, or the order of the profiles); object key order does not matter', async () => {
    const key = await keyOf(superRes);
    expect(await keyOf(superRes, { profiles: [{ input: { ...profile.input, max: [1, 1, 128, 128] } }] })).not.toBe(key);
    const second = { input: { min: [1, 1, 8, 8], opt: [1, 1, 8, 8], max: [1, 1, 8, 8] } };
    expect(await keyOf(superRes, { profiles: [profile, second] })).not.toBe(await keyOf(superRes, { profiles: [second, profile] }));
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: 3 }] })).toBe(canonicalJson({ a: [{ c: 3, d: 2 }], b: 1 }));
  });

  test('changes with the TensorRT version and with the GPU (name, or compute capability)', async () => {
    const key = await keyOf(superRes);
    expect(await keyOf(superRes, { tensorrt: '10.16.1' })).not.toBe(key);
    expect(await keyOf(superRes, { tensorrt: '10.16.0 (trt-node TensorRT stand-in; NOT TensorRT)' })).not.toBe(key);
    expect(await keyOf(superRes, { device: { ...gpu, name: 'NVIDIA H200' } })).not.toBe(key);
    expect(await keyOf(superRes, { device: { ...gpu, computeCapability: '8.6' } })).not.toBe(key);
  });

  test('strongly typed as resolved is in the key', async () => {
    const settings = validateBuildSettings({});
    expect(canonicalJson(cacheKeySettings(settings, true))).not.toBe(canonicalJson(cacheKeySettings(settings, false)));
    // TensorRT 10's default (weakly typed) and an explicit stronglyTyped: false build the same plan.
    expect(canonicalJson(cacheKeySettings(validateBuildSettings({ stronglyTyped: false }), false))).toBe(canonicalJson(cacheKeySettings(settings, false)));
  });
});
