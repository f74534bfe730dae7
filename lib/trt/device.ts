/**
 * The CUDA device option of buildEngine and Engine.load (trtexec's --device): which GPU builds an engine, and which
 * GPU a loaded engine, its execution contexts, streams and memory are on. Checked here, once, with the caller's name
 * for it; the native side sets that device on every thread that touches the engine.
 */
import { InvalidTypeError, InvalidValueError } from '../errors';
import type { NativeAddon } from '../native/binding';
import { arrayOf, safeInteger } from '../validate';

/** More execution contexts than this per profile is a typo: each holds the engine's activation memory on its device. */
export const MAX_CONTEXTS = 64;

/** Execution contexts per profile (Engine.load's and EnginePool.load's `contexts`): 1 .. MAX_CONTEXTS, default 1. */
export function validateContexts(value: unknown, name: string): number {
  return value === undefined ? 1 : safeInteger(value, name, { min: 1, max: MAX_CONTEXTS });
}

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

/**
 * An EnginePool's devices (bench --devices): 'all', or distinct device numbers (type and sign checked; that CUDA sees
 * them, when the pool loads). Default 'all'.
 */
export function validateDevices(value: unknown, name: string): number[] | 'all' {
  if (value === undefined || value === 'all') return 'all';
  if (!Array.isArray(value)) throw new InvalidTypeError(name, "'all' or an array of CUDA device numbers", value);
  const devices = arrayOf(value, name, (d, p) => validateDevice(d, p) as number, { nonEmpty: true });
  const repeated = devices.find((d, i) => devices.indexOf(d) !== i);
  if (repeated !== undefined) throw new InvalidValueError(name, 'each CUDA device once', value, `device ${repeated} is listed twice`);
  return devices;
}
