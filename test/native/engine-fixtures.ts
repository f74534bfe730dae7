/** What the TensorRT suites share: the bundled model, two optimization profiles for it, seeded inputs, comparison. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { mulberry32 } from '../../lib/data';
import { buildEngine } from '../../lib/trt/build';

export const fixtures = path.join(__dirname, '..', 'fixtures');
export const superRes = path.join(fixtures, 'super_resolution', 'model.onnx');
export const profiles = [
  { input: { min: [1, 1, 16, 16], opt: [1, 1, 32, 32], max: [1, 1, 64, 64] } },
  { input: { min: [1, 1, 65, 65], opt: [2, 1, 96, 80], max: [2, 1, 128, 128] } },
];

/** `n` floats in [0, 1) from a seeded generator. */
export function randomFloats(n: number, seed: number): Float32Array {
  const next = mulberry32(seed);
  return Float32Array.from({ length: n }, next);
}

/** The largest elementwise difference; the lengths must agree. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/**
 * For a describe block: a temporary folder with the bundled model's plan (profile 0) built before its tests, removed
 * after them.
 */
export function superResPlanFile(prefix: string): { dir: string; planFile: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const planFile = path.join(dir, 'super_resolution.plan');
  beforeAll(async () => fs.writeFileSync(planFile, (await buildEngine(superRes, { profiles: profiles[0] })).plan));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  return { dir, planFile };
}
