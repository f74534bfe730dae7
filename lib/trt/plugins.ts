/**
 * The ONNX operators TensorRT's parser builds from plugins of its standard plugin library, and whether that library
 * is loaded here. `trt-node check` calls an operator supported when onnx-tensorrt's matrix says so; for these
 * operators that holds only where the plugin library loads (the addon loads it next to libnvinfer; `doctor` says
 * whether it did).
 */
import { addonStatus } from '../native/binding';

/** Operator → the plugin creator onnx-tensorrt's importer asks the registry for (onnxOpImporters.cpp, 10.1-GA). */
export const PLUGIN_BACKED_OPERATORS: Readonly<Record<string, string>> = {
  RoiAlign: 'ROIAlign_TRT (version 2)',
  DeformConv: 'ModulatedDeformConv2d',
};

export interface TensorRTPluginStatus {
  loaded: boolean;
  /** The plugin library tried (libnvinfer_plugin.so.<major> next to libnvinfer). */
  path: string | null;
  /** Why it is not loaded, or null. */
  error: string | null;
}

/** The plugin library's status, or null where there is no TensorRT (no addon, or an addon built without it). */
export function tensorrtPluginStatus(): TensorRTPluginStatus | null {
  const status = addonStatus();
  if (!status.loaded) return null;
  return status.addon.tensorrtRuntimeInfo()?.plugins ?? null;
}
