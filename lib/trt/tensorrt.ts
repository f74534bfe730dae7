/**
 * Is TensorRT usable through this addon, and which version? Every TensorRT entry point goes through
 * requireTensorRT(), which throws TensorRTUnavailableError naming what the build searched and how to point it at
 * TensorRT.
 */
import { TensorRTUnavailableError } from '../errors';
import { NativeAddon, NativeBuildInfo, REBUILD_COMMAND, loadAddon } from '../native/binding';

export interface TensorRTVersion {
  major: number;
  minor: number;
  patch: number;
  /**
   * "10.16.0"; for trt-node's test stand-in "10.16.0 (trt-node TensorRT stand-in ...; NOT TensorRT)", so that
   * whatever prints the version names the stand-in.
   */
  text: string;
  /** The stand-in's description of itself when the loaded libnvinfer is trt-node's test stand-in, else null. */
  standIn: string | null;
}

export const REBUILD_HINT =
  `Point the build at TensorRT and rebuild the addon: TENSORRT_ROOT=/path/to/TensorRT ${REBUILD_COMMAND}. ` +
  'Instead of TENSORRT_ROOT: TENSORRT_INCLUDE_DIR=... TENSORRT_LIB_DIR=...; a pip-installed TensorRT is found through ' +
  'python3, its headers still need TENSORRT_INCLUDE_DIR. `npx trt-node doctor` shows what this machine has.';

/** The message of TensorRTUnavailableError for a build without TensorRT. */
export function unavailableMessage(info: NativeBuildInfo): string {
  const reasons = [info.tensorrt.reason ?? 'not found'];
  if (!info.cuda.available && info.cuda.reason) reasons.push(info.cuda.reason);
  const searched = info.tensorrt.searched.map((s) => `  ${s}`).join('\n');
  return (
    `TensorRT is not available: the trt-node addon was built without it (${reasons.join('; ')}).\n` +
    `The build searched:\n${searched}\n${REBUILD_HINT}`
  );
}

/** The addon, when it was built with TensorRT; otherwise throws TensorRTUnavailableError (or AddonLoadError). */
export function requireTensorRT(): { addon: NativeAddon; version: TensorRTVersion } {
  const addon = loadAddon();
  const info = addon.buildInfo();
  const v = info.tensorrt.available ? addon.tensorrtVersion() : null;
  if (!info.tensorrt.available || v === null) {
    throw new TensorRTUnavailableError(unavailableMessage(info), {
      reason: info.tensorrt.reason,
      searched: info.tensorrt.searched,
      cudaReason: info.cuda.reason,
    });
  }
  const standIn = v.standIn ?? null;
  const text = `${v.major}.${v.minor}.${v.patch}${standIn ? ` (${standIn})` : ''}`;
  return { addon, version: { major: v.major, minor: v.minor, patch: v.patch, text, standIn } };
}

/** True when the addon loads and was built with TensorRT (a GPU may still be missing: see cudaInfo()). */
export function tensorrtAvailable(): boolean {
  try {
    requireTensorRT();
    return true;
  } catch {
    return false;
  }
}

/**
 * The TensorRT version the addon runs with (`text` names a stand-in when one runs); throws TensorRTUnavailableError,
 * with the reasons and the fix, when the addon was built without TensorRT.
 */
export function tensorrtVersion(): TensorRTVersion {
  return requireTensorRT().version;
}
