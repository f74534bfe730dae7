import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { InvalidValueError } from '../../lib/errors';
import { DEFAULT_MODEL } from '../../lib/cli/defaults';
import { engineSourceFrom } from '../../lib/cli/options/engine';
import { shapeTexts } from '../../lib/cli/options/shapes';
import { readModel } from '../../lib/onnx/reader';
import type { ModelSummary } from '../../lib/onnx/types';
import { parseSize } from '../../lib/trt/build-options';
import { runCli } from '../helpers/cli';
import { gpuSkipReason } from './gpu-gate';

describe('build command flags', () => {
  let model: ModelSummary;
  beforeAll(async () => (model = await readModel(DEFAULT_MODEL)));
  /** The profiles build reads from its flags (the engine-source group with every --shapes a profile). */
  const profilesFromFlags = (cli: { shapes?: string[]; profile?: string[]; minShapes?: string; optShapes?: string; maxShapes?: string }) =>
    engineSourceFrom(cli, model, { command: 'build', shapeProfiles: shapeTexts('--shapes', cli.shapes, model), requireProfile: true }).profiles;

  it('each --shapes is a profile, then each --profile', () => {
    expect(
      profilesFromFlags({ shapes: ['input:1x1x8x8..1x1x16x16..1x1x32x32'], profile: ['input:1x1x64x64', 'input:2x1x8x8..2x1x8x8..2x1x9x9'] }),
    ).toEqual([
      { input: { min: [1, 1, 8, 8], opt: [1, 1, 16, 16], max: [1, 1, 32, 32] } },
      { input: { min: [1, 1, 64, 64], opt: [1, 1, 64, 64], max: [1, 1, 64, 64] } },
      { input: { min: [2, 1, 8, 8], opt: [2, 1, 8, 8], max: [2, 1, 9, 9] } },
    ]);
  });

  it('trtexec --minShapes/--optShapes/--maxShapes make profile 0', () => {
    expect(profilesFromFlags({ minShapes: 'input:1x1x8x8', optShapes: 'input:1x1x16x16', maxShapes: 'input:1x1x32x32' })).toEqual([
      { input: { min: [1, 1, 8, 8], opt: [1, 1, 16, 16], max: [1, 1, 32, 32] } },
    ]);
    expect(() => profilesFromFlags({ shapes: ['input:1x1x8x8'], minShapes: 'input:1x1x8x8', optShapes: 'input:1x1x8x8', maxShapes: 'input:1x1x8x8' })).toThrow(
      /either --shapes or --minShapes/,
    );
    expect(() => profilesFromFlags({ minShapes: 'input:1x1x8x8', maxShapes: 'input:1x1x32x32' })).toThrow(/for --optShapes .*give all three/);
  });

  it('--workspace takes MiB or a unit', () => {
    expect(parseSize('1024', '--workspace')).toBe(2 ** 30);
    expect(parseSize('512M', '--workspace')).toBe(512 * 2 ** 20);
    expect(parseSize('2G', '--workspace')).toBe(2 * 2 ** 30);
    expect(parseSize('1.5GiB', '--workspace')).toBe(1.5 * 2 ** 30);
    expect(() => parseSize('lots', '--workspace')).toThrow(InvalidValueError);
    expect(() => parseSize('10K', '--workspace')).toThrow(/at least 1 MiB/);
  });
});

describe('trt-node build', () => {
  it('BAD CALL - a dynamic model without --shapes exits 2 naming the dynamic input and the flag', async () => {
    const r = await runCli(['build']);
    expect(r.code).toBe(2);
    // Without TensorRT, that is said first, then the profiles the build will need (new-user P7).
    expect(r.stderr).toMatch(/\[ERR_TRT_NODE_(SHAPE|TENSORRT_UNAVAILABLE)\]: /);
    expect(r.stderr).toMatch(/The model has dynamic inputs \(input \[batch, 1, height, width\]\).*--shapes input:/);
  });

  it('BAD CALL - a malformed --shapes exits 2 naming the flag', async () => {
    const r = await runCli(['build', '--shapes', 'input:1x1x64']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--shapes/);
    expect(r.stderr).toMatch(/axis|dimensions/);
  });

  it('BAD CALL - --opt-level out of range exits 2', async () => {
    const r = await runCli(['build', '--shapes', 'input:1x1x64x64', '--opt-level', '7']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Expected an integer 0..5 for --opt-level but received "7"');
  });

  const builtWithoutTensorRT = /built without TensorRT/.test(gpuSkipReason() ?? '');
  // Registered only for a build without TensorRT, where it applies.
  if (builtWithoutTensorRT) it('without TensorRT exits 2 with the TensorRTUnavailableError message and writes nothing', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trt-node-build-'));
    const out = path.join(dir, 'model.plan');
    const r = await runCli(['build', '--shapes', 'input:1x1x64x64..1x1x256x256..1x1x960x640', '-o', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^trt-node: error \[ERR_TRT_NODE_TENSORRT_UNAVAILABLE\]: TensorRT is not available/);
    expect(r.stderr).toContain('npm rebuild trt-node');
    expect(fs.existsSync(out)).toBe(false);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
