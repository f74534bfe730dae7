import * as path from 'path';
import {
  AbortError,
  InvalidTypeError,
  InvalidValueError,
  ShapeError,
  TensorRTUnavailableError,
  UnsupportedOptionError,
} from '../../lib/errors';
import { buildEngine } from '../../lib/trt/build';
import { tensorrtAvailable } from '../../lib/trt/tensorrt';
import { checkForTensorRTVersion, validateBuildOptions } from '../../lib/trt/build-options';
import { gpuSkipReason } from './gpu-gate';
import { caught } from '../helpers/errors';

const model = path.join(__dirname, '..', 'fixtures', 'super_resolution', 'model.onnx');
const profile = { input: { min: [1, 1, 64, 64], opt: [1, 1, 128, 128], max: [1, 1, 256, 256] } };

describe('validateBuildOptions', () => {
  it('applies the documented defaults', () => {
    const o = validateBuildOptions(undefined);
    expect(o).toMatchObject({ fp16: false, bf16: false, int8: false, tf32: true, versionCompatible: false, logLevel: 'warning', consoleLogLevel: 'none' });
    expect(o.stronglyTyped).toBeUndefined(); // the TensorRT version decides
    expect(o.workspaceBytes).toBeUndefined();
    expect(o.optimizationLevel).toBeUndefined();
  });

  it.each([
    [{ workspaceBytes: '1G' }, InvalidTypeError, 'Expected a number of bytes for options.workspaceBytes but received "1G"'],
    [{ workspaceBytes: 1000 }, InvalidValueError, 'Expected an integer number of bytes ≥ 1 MiB (1048576) for options.workspaceBytes but received 1000'],
    [{ optimizationLevel: 6 }, InvalidValueError, 'Expected an integer 0..5 for options.optimizationLevel but received 6'],
    [{ optimizationLevel: 2.5 }, InvalidValueError, 'Expected an integer 0..5 for options.optimizationLevel but received 2.5'],
    [{ fp16: 'yes' }, InvalidTypeError, 'Expected a boolean for options.fp16 but received "yes"'],
    [{ logLevel: 'loud' }, InvalidValueError, "Expected one of 'internal-error', 'error', 'warning', 'info', 'verbose' for options.logLevel but received \"loud\""],
    [{ onLog: 'console' }, InvalidTypeError, 'Expected a function for options.onLog but received "console"'],
    [{ signal: {} }, InvalidTypeError, 'Expected an AbortSignal for options.signal but received an object (Object)'],
    [{ timingCache: '' }, InvalidTypeError, 'Expected a non-empty string for options.timingCache but received ""'],
    [{ workspace: 1 }, InvalidValueError, /known option name for options but received "workspace"\. The options are: profiles, /],
    [{ fp61: true }, InvalidValueError, /received "fp61"\. Did you mean fp16\?/],
    [{ fp16: true, stronglyTyped: true }, InvalidValueError, /strongly typed network takes its precision from the model/],
  ])('BAD CALL - %j', (options, cls, message) => {
    const e = caught(() => validateBuildOptions(options));
    expect(e).toBeInstanceOf(cls);
    if (typeof message === 'string') expect(e.message).toBe(message);
    else expect(e.message).toMatch(message);
  });
});

describe('options against the linked TensorRT version', () => {
  const v10 = { major: 10, text: '10.16.0' };
  const v11 = { major: 11, text: '11.1.0' };

  it('TensorRT 10: precision flags allowed, weakly typed by default, strongly typed on request', () => {
    expect(checkForTensorRTVersion(validateBuildOptions({ fp16: true, int8: true }), v10)).toBe(false);
    expect(checkForTensorRTVersion(validateBuildOptions({ stronglyTyped: true }), v10)).toBe(true);
  });

  it('TensorRT 11: always strongly typed', () => {
    expect(checkForTensorRTVersion(validateBuildOptions({}), v11)).toBe(true);
  });

  it.each(['fp16', 'bf16', 'int8'])('BAD CALL - TensorRT 11 rejects %s with the reason and the fix', (flag) => {
    const e = caught(() => checkForTensorRTVersion(validateBuildOptions({ [flag]: true }), v11));
    expect(e).toBeInstanceOf(UnsupportedOptionError);
    expect(e.code).toBe('ERR_TRT_NODE_UNSUPPORTED_OPTION');
    expect(e.message).toMatch(new RegExp(`^${flag} is not supported by TensorRT 11.1.0: TensorRT 11 builds strongly typed networks only`));
    expect(e.message).toMatch(/Export the model in the precision you want/);
    expect(e.details).toMatchObject({ option: flag, tensorrt: '11.1.0' });
  });

  it('BAD CALL - TensorRT 11 rejects stronglyTyped: false', () => {
    expect(() => checkForTensorRTVersion(validateBuildOptions({ stronglyTyped: false }), v11)).toThrow(UnsupportedOptionError);
  });
});

describe('buildEngine validates before it needs TensorRT', () => {
  it('BAD CALL - a model that is neither a path nor bytes', async () => {
    await expect(buildEngine(42 as unknown as string)).rejects.toThrow(
      'Expected a path to an .onnx file or its bytes (Uint8Array) for model but received 42',
    );
  });

  it('BAD CALL - a missing model file is a FileError naming it', async () => {
    await expect(buildEngine('/nonexistent/model.onnx', { profiles: profile })).rejects.toMatchObject({
      code: 'ERR_TRT_NODE_FILE',
      message: expect.stringContaining('/nonexistent/model.onnx'),
    });
  });

  it('BAD CALL - profiles are checked against the model first (no profile at all: TensorRT missing is said first)', async () => {
    // Without TensorRT, a build with no profile is told that first, with the profiles it will need (new-user P7).
    await expect(buildEngine(model, {})).rejects.toBeInstanceOf(tensorrtAvailable() ? ShapeError : TensorRTUnavailableError);
    await expect(buildEngine(model, { profiles: { input: { min: [1, 2, 64, 64], opt: [1, 2, 64, 64], max: [1, 2, 64, 64] } } })).rejects.toThrow(
      /axis 1 of input "input" is fixed at 1/,
    );
  });

  it('BAD CALL - an already aborted signal rejects with AbortError', async () => {
    const controller = new AbortController();
    controller.abort();
    const e = await buildEngine(model, { profiles: profile, signal: controller.signal }).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(AbortError);
    expect((e as AbortError).code).toBe('ERR_TRT_NODE_ABORTED');
  });
});

const builtWithoutTensorRT = /built without TensorRT/.test(gpuSkipReason() ?? '');
(builtWithoutTensorRT ? describe : describe.skip)('without TensorRT (this build)', () => {
  it('buildEngine rejects with TensorRTUnavailableError naming what was searched and the fix', async () => {
    const e = (await buildEngine(model, { profiles: profile }).catch((err: unknown) => err)) as TensorRTUnavailableError;
    expect(e).toBeInstanceOf(TensorRTUnavailableError);
    expect(e.code).toBe('ERR_TRT_NODE_TENSORRT_UNAVAILABLE');
    expect(e.message).toMatch(/^TensorRT is not available: the trt-node addon was built without it \(/);
    expect(e.message).toMatch(/\nThe build searched TENSORRT_ROOT \(not set\); .* more places \(`npx trt-node doctor` lists them all\)/);
    expect(e.message).toMatch(/TENSORRT_ROOT=\/path\/to\/TensorRT npm rebuild trt-node/);
    expect(Array.isArray(e.details.searched)).toBe(true);
  });

  it('options TensorRT cannot take are still rejected as invalid first (validation does not need TensorRT)', async () => {
    await expect(buildEngine(model, { profiles: profile, optimizationLevel: 9 })).rejects.toBeInstanceOf(InvalidValueError);
  });
});
