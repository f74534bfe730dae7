/**
 * fromNativeError: the addon's errors (code, message, log, recorded errors) become trt-node's error classes without
 * losing what the native side said (review 2026-12-07, defect 13: every ERR_TRT_NODE_DISPOSED said "this engine", and
 * ERR_TRT_NODE_INVALID_VALUE dropped its message, log and recorded errors).
 */
import { DisposedError, InvalidValueError } from '../../lib/errors';
import { fromNativeError } from '../../lib/trt/native-error';

function nativeError(code: string, message: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { code }, extra);
}

describe('fromNativeError', () => {
  it('keeps what a DisposedError says was disposed: an IOBinding is not "this engine"', () => {
    const e = fromNativeError(nativeError('ERR_TRT_NODE_DISPOSED', 'this IOBinding was disposed; bind again to use it'), 'IOBinding.run');
    expect(e).toBeInstanceOf(DisposedError);
    expect(e.message).toBe('this IOBinding was disposed; bind again to use it');
    const engine = fromNativeError(nativeError('ERR_TRT_NODE_DISPOSED', 'this engine was disposed; load it again to use it'), 'Engine.run');
    expect(engine.message).toBe('this engine was disposed; load it again to use it');
  });

  it("keeps an invalid value's native message, log and recorded errors", () => {
    const log = [{ severity: 1, message: 'IExecutionContext::setOptimizationProfileAsync: profile 7 is out of range' }];
    const recordedErrors = [{ code: 3, codeName: 'kINVALID_ARGUMENT', description: 'profile 7 is out of range' }];
    const e = fromNativeError(
      nativeError('ERR_TRT_NODE_INVALID_VALUE', 'optimization profile 7 does not exist; this engine has 2', { log, recordedErrors }),
      'Engine.run',
    ) as InvalidValueError;
    expect(e).toBeInstanceOf(InvalidValueError);
    expect(e.code).toBe('ERR_TRT_NODE_INVALID_VALUE');
    expect(e.message).toBe('optimization profile 7 does not exist; this engine has 2');
    expect(e.details.recordedErrors).toEqual(recordedErrors);
    expect(e.details.log).toEqual([{ severity: 'error', message: log[0].message }]);
  });
});
