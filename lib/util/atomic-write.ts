/**
 * Writes a file atomically: to a temporary file in the same folder, then renamed over the target, so readers never
 * see a half-written plan or timing cache (and a crash leaves the old file intact).
 */
import * as fs from 'fs';
import * as path from 'path';
import { FileError } from '../errors';

export async function writeFileAtomic(file: string, data: Uint8Array | string): Promise<void> {
  const dir = path.dirname(path.resolve(file));
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}.tmp`);
  try {
    await fs.promises.writeFile(tmp, data);
    await fs.promises.rename(tmp, file);
  } catch (err) {
    await fs.promises.rm(tmp, { force: true }).catch(() => undefined);
    throw new FileError(file, `cannot be written: ${(err as Error).message}`, { cause: err });
  }
}
