/**
 * Is TensorRT usable through this addon, and which version? Every TensorRT entry point goes through
 * requireTensorRT(), which throws TensorRTUnavailableError naming what the build searched and how to point it at
 * TensorRT.
 */
import { ShapeError, TensorRTUnavailableError, TrtNodeError } from '../errors';
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

/** How to point the build at TensorRT (doctor's fix; the error adds where to look further). */
export const REBUILD_HINT =
  `Point the build at TensorRT and rebuild the addon: TENSORRT_ROOT=/path/to/TensorRT ${REBUILD_COMMAND}. ` +
  'Instead of TENSORRT_ROOT: TENSORRT_INCLUDE_DIR=... TENSORRT_LIB_DIR=...; a pip-installed TensorRT is found through ' +
  'python3, its headers still need TENSORRT_INCLUDE_DIR.';

/** Searched places the error names (the environment variables first); `trt-node doctor` lists them all. */
const SEARCHED_SHOWN = 3;

/** The first line of the TensorRTUnavailableError message: what is missing and why. */
export function unavailableReason(info: NativeBuildInfo): string {
  const reasons = [info.tensorrt.reason ?? 'not found'];
  if (!info.cuda.available && info.cuda.reason) reasons.push(info.cuda.reason);
  return `TensorRT is not available: the trt-node addon was built without it (${reasons.join('; ')}).`;
}

/** The message of TensorRTUnavailableError for a build without TensorRT: a few lines; doctor has the whole list. */
export function unavailableMessage(info: NativeBuildInfo): string {
  const all = info.tensorrt.searched;
  const shown = all.slice(0, SEARCHED_SHOWN).join('; ');
  const more = all.length > SEARCHED_SHOWN ? ` and ${all.length - SEARCHED_SHOWN} more places (\`npx trt-node doctor\` lists them all)` : '';
  return `${unavailableReason(info)}\nThe build searched ${shown || 'nothing'}${more}.\n${REBUILD_HINT}`;
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

/**
 * How figures measured through this addon must be labelled: null with TensorRT itself; with trt-node's test stand-in
 * "TensorRT stand-in, host CUDA — not TensorRT" (or "real CUDA" where the stand-in runs on a GPU's CUDA runtime).
 * Throws TensorRTUnavailableError when the addon has no TensorRT.
 */
export function standInLabel(): string | null {
  const { addon, version } = requireTensorRT();
  if (version.standIn === null) return null;
  const hostCuda = addon.cudaInfo().devices.some((d) => /CUDA stand-in/.test(d.name ?? ''));
  return `TensorRT stand-in, ${hostCuda ? 'host CUDA' : 'real CUDA'} — not TensorRT`;
}

/** The error requireTensorRT() throws here (TensorRT missing, the addon not loading), or undefined when TensorRT is usable. */
function tensorrtUnavailable(): TrtNodeError | undefined {
  try {
    requireTensorRT();
    return undefined;
  } catch (err) {
    return err instanceof TrtNodeError ? err : undefined;
  }
}

/**
 * Runs a check of the build's profiles, where TensorRT is missing telling first what blocks first (new-user P7): a
 * build that gives no profile at all gets TensorRTUnavailableError (nothing can be built here, whatever the
 * profiles), with the profiles it will need once TensorRT is there; a wrong profile keeps its ShapeError (the
 * caller's to fix on any machine) and adds that TensorRT is missing too. Anything else passes through unchanged.
 */
export function checkProfilesSayingTensorRT<T>(check: () => T): T {
  try {
    return check();
  } catch (err) {
    const unavailable = err instanceof ShapeError ? tensorrtUnavailable() : undefined;
    if (!(err instanceof ShapeError) || unavailable === undefined) throw err;
    if (err.details.missingProfile === true) {
      throw new TensorRTUnavailableError(`${unavailable.message}\nOnce TensorRT is there, the build needs profiles too: ${err.message}`, {
        ...unavailable.details,
        profiles: err.message,
      });
    }
    const missing = unavailable.message.split('\n')[0] ?? unavailable.message;
    const doctor = '`trt-node doctor` says what this machine lacks and how to rebuild the addon with TensorRT.';
    throw new ShapeError(`${err.message}\nEven with profiles, no engine can be built here: ${missing} ${doctor}`, { ...err.details, tensorrtMissing: missing });
  }
}
