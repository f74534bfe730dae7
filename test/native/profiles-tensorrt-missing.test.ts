/**
 * New-user P7: a build whose profiles are missing or wrong, on a machine without TensorRT, says both at once. The
 * profiles still come first (they are the caller's to fix on any machine), but fixing them must not be the user's
 * only way to learn that nothing can be built here. Where TensorRT is present the profile error is unchanged.
 */
import { InvalidValueError, ShapeError } from '../../lib/errors';
import { DEFAULT_MODEL } from '../../lib/cli/defaults';
import { buildEngine } from '../../lib/trt/build';
import { checkProfilesSayingTensorRT, tensorrtAvailable } from '../../lib/trt/tensorrt';
import { runCli } from '../helpers/cli';

const missing = !tensorrtAvailable();
const BOTH = /no engine can be built here: TensorRT is not available: .*`trt-node doctor`/;

describe('profiles and a missing TensorRT, said together', () => {
  it('trt-node build without --shapes: the profile error (exit 2), and TensorRT missing when it is', async () => {
    const r = await runCli(['build']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\[ERR_TRT_NODE_SHAPE\]: The model has dynamic inputs \(input \[batch, 1, height, width\]\).*--shapes input:/);
    if (missing) expect(r.stderr).toMatch(BOTH);
    else expect(r.stderr).not.toMatch(/TensorRT is not available/);
  });

  it('trt-node build --json: the error document carries both too', async () => {
    const r = await runCli(['build', '--json']);
    expect(r.code).toBe(2);
    const doc = JSON.parse(r.stdout) as { error: { code: string; message: string } };
    expect(doc.error.code).toBe('ERR_TRT_NODE_SHAPE');
    if (missing) expect(doc.error.message).toMatch(BOTH);
  });

  it('buildEngine(model) without profiles rejects with a ShapeError that says both', async () => {
    const e = await buildEngine(DEFAULT_MODEL).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(ShapeError);
    const shape = e as ShapeError;
    expect(shape.message).toMatch(/dynamic inputs \(input \[batch, 1, height, width\]\).*options\.profiles/);
    if (missing) {
      expect(shape.message).toMatch(BOTH);
      expect(shape.details.tensorrtMissing).toMatch(/^TensorRT is not available/);
    } else {
      expect(shape.message).not.toMatch(/TensorRT is not available/);
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
