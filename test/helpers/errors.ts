/** Catching the error a call is expected to throw, for assertions on its class, code, message and details. */
import { TrtNodeError } from '../../lib/errors';

/** Runs `fn`, expecting a TrtNodeError; returns it for further assertions. */
export function caught(fn: () => unknown): TrtNodeError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(TrtNodeError);
    return err as TrtNodeError;
  }
  throw new Error('expected an error, none was thrown');
}

export async function caughtAsync(fn: () => Promise<unknown>): Promise<TrtNodeError> {
  try {
    await fn();
  } catch (err) {
    expect(err).toBeInstanceOf(TrtNodeError);
    return err as TrtNodeError;
  }
  throw new Error('expected an error, none was thrown');
}
