/**
 * New-user P7: without TensorRT, `build` says TensorRT is missing before asking for profiles (a build with no
 * profile gets TensorRTUnavailableError, naming the profiles it will need once TensorRT is there); a wrong profile
 * keeps its ShapeError and says TensorRT is missing too. Where TensorRT is present the profile error is unchanged.
 */
import { InvalidValueError, ShapeError, TensorRTUnavailableError } from '../../lib/errors';
import { DEFAULT_MODEL } from '../../lib/cli/defaults';
import { buildEngine } from '../../lib/trt/build';
import { checkProfilesSayingTensorRT, tensorrtAvailable } from '../../lib/trt/tensorrt';
import { runCli } from '../helpers/cli';

const missing = !tensorrtAvailable();
const BOTH = /no engine can be built here: TensorRT is not available: .*`trt-node doctor`/;
const TENSORRT_FIRST = /^trt-node: error \[ERR_TRT_NODE_TENSORRT_UNAVAILABLE\]: TensorRT is not available/;
const PROFILES_TOO = /Once TensorRT is there, the build needs profiles too: The model has dynamic inputs \(input \[batch, 1, height, width\]\)/;

describe('profiles and a missing TensorRT, said together', () => {
  it('trt-node build without --shapes: TensorRT missing first when it is (exit 2), with the profiles it will need', async () => {
    const r = await runCli(['build']);
    expect(r.code).toBe(2);
    if (missing) {
      expect(r.stderr).toMatch(TENSORRT_FIRST);
      expect(r.stderr).toMatch(PROFILES_TOO);
      expect(r.stderr).toMatch(/--shapes input:/);
    } else {
      expect(r.stderr).toMatch(/\[ERR_TRT_NODE_SHAPE\]: The model has dynamic inputs \(input \[batch, 1, height, width\]\).*--shapes input:/);
      expect(r.stderr).not.toMatch(/TensorRT is not available/);
    }
  });

  it('trt-node build --json: the error document says the same', async () => {
    const r = await runCli(['build', '--json']);
    expect(r.code).toBe(2);
    const doc = JSON.parse(r.stdout) as { error: { code: string; message: string } };
    expect(doc.error.code).toBe(missing ? 'ERR_TRT_NODE_TENSORRT_UNAVAILABLE' : 'ERR_TRT_NODE_SHAPE');
    if (missing) expect(doc.error.message).toMatch(PROFILES_TOO);
  });

  it('a wrong profile keeps its ShapeError, and says TensorRT is missing too', async () => {
    const r = await runCli(['build', '--shapes', 'input:1x1x64x64..1x1x32x32..1x1x128x128']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\[ERR_TRT_NODE_(SHAPE|INVALID_VALUE)\]/);
    if (missing) expect(r.stderr).toMatch(BOTH);
  });

  it('buildEngine(model) without profiles: TensorRTUnavailableError first where TensorRT is missing, else the ShapeError', async () => {
    const e = await buildEngine(DEFAULT_MODEL).then(
      () => undefined,
      (err: unknown) => err,
    );
    if (missing) {
      expect(e).toBeInstanceOf(TensorRTUnavailableError);
      const t = e as TensorRTUnavailableError;
      expect(t.message).toMatch(/^TensorRT is not available/);
      expect(t.message).toMatch(/profiles too: The model has dynamic inputs \(input \[batch, 1, height, width\]\).*options\.profiles/);
      expect(t.details.profiles).toMatch(/^The model has dynamic inputs/);
    } else {
      expect(e).toBeInstanceOf(ShapeError);
      expect((e as ShapeError).message).not.toMatch(/TensorRT is not available/);
    }
  });

  it('passes a value through, and any error but a ShapeError unchanged', () => {
    expect(checkProfilesSayingTensorRT(() => 42)).toBe(42);
    const other = new InvalidValueError('--shapes', 'a shape', 'x');
    expect(() =>
      checkProfilesSayingTensorRT(() => {
        throw other;
      }),
    ).toThrow(other);
  });
});
