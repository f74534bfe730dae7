/**
 * The CUDA device option of buildEngine and Engine.load (trtexec's --device): which GPU builds an engine, and which
 * GPU a loaded engine, its execution contexts, streams and memory are on. Checked here, once, with the caller's name
 * for it; the native side sets that device on every thread that touches the engine.
 */
import { InvalidTypeError, InvalidValueError } from '../errors';
import type { NativeAddon } from '../native/binding';

/** Type and sign (what can be checked without the CUDA runtime): a whole number ≥ 0, or undefined (device 0). */
export function validateDevice(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number') throw new InvalidTypeError(name, 'a CUDA device number', value);
  if (!Number.isSafeInteger(value) || value < 0) throw new InvalidValueError(name, 'a CUDA device number (a whole number ≥ 0)', value);
  return value;
}

/** The device is one the CUDA runtime sees (0 ≤ device < cudaGetDeviceCount; counting creates no CUDA context). */
export function requireDevice(device: number, name: string, addon: NativeAddon): void {
  const { deviceCount } = addon.cudaInfo();
  if (device >= deviceCount) {
    throw new InvalidValueError(
      name,
      deviceCount === 0 ? 'a CUDA device, but the CUDA runtime sees none' : `a CUDA device number 0..${deviceCount - 1}`,
      device,
      `The CUDA runtime sees ${deviceCount} device${deviceCount === 1 ? '' : 's'} (CUDA_VISIBLE_DEVICES may hide some; \`trt-node doctor\` lists them)`,
    );
  }
}
