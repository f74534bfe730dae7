/**
 * The `device` option of buildEngine and Engine.load (trtexec's --device): its type and sign are checked before
 * anything else, with or without TensorRT; its upper bound (the devices CUDA sees) in engine-defects.test.ts.
 */
import * as path from 'path';
import { InvalidTypeError, InvalidValueError } from '../../lib/errors';
import { buildEngine } from '../../lib/trt/build';
import { Engine } from '../../lib/trt/engine';

const model = path.join(__dirname, '..', 'fixtures', 'super_resolution', 'model.onnx');
const profile = { input: { min: [1, 1, 16, 16], opt: [1, 1, 16, 16], max: [1, 1, 16, 16] } };

describe('the device option', () => {
  it.each([
    [-1, InvalidValueError, 'Expected a CUDA device number (a whole number ≥ 0) for options.device but received -1'],
    [1.5, InvalidValueError, 'Expected a CUDA device number (a whole number ≥ 0) for options.device but received 1.5'],
    ['1', InvalidTypeError, 'Expected a CUDA device number for options.device but received "1"'],
  ])('BAD CALL - device %j', async (device, cls, message) => {
    for (const attempt of [Engine.load(Buffer.from('plan'), { device: device as number }), buildEngine(model, { profiles: profile, device: device as number })]) {
      const e = await attempt.catch((err: unknown) => err);
      expect(e).toBeInstanceOf(cls);
      expect((e as Error).message).toBe(message);
    }
  });
});
