/**
 * What this machine has for trt-node, as data: Node, the native addon, TensorRT (found at build time or not, with
 * every place searched), the CUDA runtime and driver, and the GPUs the runtime sees right now.
 */
import { wrap } from '../util/text';
import type { NativeBuildInfo, NativeCudaDevice } from '../native/binding';
import { addonStatus } from '../native/binding';
import { REBUILD_HINT } from './tensorrt';

export interface DoctorReport {
  node: { version: string; napiVersion: string | null; platform: string; arch: string };
  addon: { loaded: boolean; path: string | null; error: string | null; build: Omit<NativeBuildInfo, 'tensorrt' | 'cuda'> | null };
  tensorrt: {
    /** The addon was built with TensorRT (headers and libraries found). */
    available: boolean;
    headerVersion: string | null;
    /** The libnvinfer loaded now (getInferLibVersion). */
    libraryVersion: string | null;
    /** Set when that libnvinfer is trt-node's test stand-in (not TensorRT): its description of itself. */
    standIn: string | null;
    /** The libnvinfer file in use. */
    libraryPath: string | null;
    includeDir: string | null;
    libraries: string[];
    searched: string[];
    reason: string | null;
    fix: string | null;
    /** TensorRT's standard plugin library (RoiAlign and DeformConv in ONNX models, plans built with plugins). */
    plugins: { loaded: boolean; path: string | null; error: string | null } | null;
    /** libnvinfer_builder_resource libraries loaded ahead of TensorRT's own lookup. */
    builderResources: string[];
    /** A builder (with a network and a config) was created and destroyed here: null, else why not. */
    builderError: string | null;
  };
  cuda: {
    /** The addon was built with the CUDA runtime. */
    compiled: boolean;
    /** e.g. "13.0" */
    runtimeVersion: string | null;
    /** The installed driver's CUDA version, null when no driver is installed. */
    driverVersion: string | null;
    deviceCount: number;
    devices: NativeCudaDevice[];
    error: string | null;
  };
  /** Engines can be built and run here: the addon has TensorRT and the CUDA runtime sees a GPU. */
  ready: boolean;
  /** Why not, one sentence each. */
  problems: string[];
}

/** 13000 -> "13.0", 12040 -> "12.4" (CUDA encodes versions as 1000 * major + 10 * minor). */
export function cudaVersionText(v: number | null): string | null {
  return v === null || v <= 0 ? null : `${Math.floor(v / 1000)}.${Math.floor((v % 1000) / 10)}`;
}

export function doctorReport(): DoctorReport {
  const status = addonStatus();
  const report: DoctorReport = {
    node: { version: process.version, napiVersion: process.versions.napi ?? null, platform: process.platform, arch: process.arch },
    addon: { loaded: status.loaded, path: status.loaded ? status.path : null, error: status.loaded ? null : status.error.message, build: null },
    tensorrt: {
      available: false,
      headerVersion: null,
      libraryVersion: null,
      standIn: null,
      libraryPath: null,
      includeDir: null,
      libraries: [],
      searched: [],
      reason: null,
      fix: null,
      plugins: null,
      builderResources: [],
      builderError: null,
    },
    cuda: { compiled: false, runtimeVersion: null, driverVersion: null, deviceCount: 0, devices: [], error: null },
    ready: false,
    problems: [],
  };
  if (!status.loaded) {
    report.problems.push('The native addon does not load (see addon.error).');
    return report;
  }
  const { addon } = status;
  const build = addon.buildInfo();
  const { tensorrt, cuda, ...rest } = build;
  report.addon.build = rest;
  const lib = tensorrt.available ? addon.tensorrtVersion() : null;
  const runtime = tensorrt.available ? addon.tensorrtRuntimeInfo() : null;
  report.tensorrt = {
    available: tensorrt.available,
    headerVersion: tensorrt.headerVersion,
    libraryVersion: lib ? `${lib.major}.${lib.minor}.${lib.patch}` : null,
    standIn: runtime?.standIn ?? null,
    libraryPath: runtime?.library ?? null,
    includeDir: tensorrt.includeDir,
    libraries: tensorrt.libraries,
    searched: tensorrt.searched,
    reason: tensorrt.reason,
    fix: tensorrt.available ? null : REBUILD_HINT,
    plugins: runtime ? runtime.plugins : null,
    builderResources: runtime ? runtime.builderResources.loaded : [],
    builderError: tensorrt.available ? addon.probeBuilder() : null,
  };
  const info = addon.cudaInfo();
  report.cuda = {
    compiled: info.compiled,
    runtimeVersion: cudaVersionText(info.runtimeVersion),
    driverVersion: cudaVersionText(info.driverVersion),
    deviceCount: info.deviceCount,
    devices: info.devices,
    error: info.error,
  };
  if (!tensorrt.available) report.problems.push(`The addon was built without TensorRT: ${tensorrt.reason ?? 'not found'}.`);
  if (!info.compiled) report.problems.push(`The addon was built without the CUDA runtime: ${cuda.reason ?? 'not found'}.`);
  else if (info.driverVersion === null) report.problems.push('No NVIDIA driver is installed (cudaDriverGetVersion reports none).');
  if (info.compiled && info.deviceCount === 0) report.problems.push(`The CUDA runtime sees no GPU${info.error ? `: ${info.error}` : ''}.`);
  if (report.tensorrt.builderError) {
    report.problems.push(
      `A TensorRT builder cannot be created: ${report.tensorrt.builderError}. If TensorRT's libraries are not on the loader's ` +
        `path (pip or tar installs), add ${runtime?.folder ?? 'their folder'} to LD_LIBRARY_PATH.`,
    );
  }
  if (lib && tensorrt.headerVersion && !tensorrt.headerVersion.startsWith(`${lib.major}.`)) {
    report.problems.push(`The addon was compiled against TensorRT ${tensorrt.headerVersion} headers but loads libnvinfer ${report.tensorrt.libraryVersion}.`);
  }
  report.ready = report.problems.length === 0;
  return report;
}

/** The report as one screen of text, long lines wrapped to `width` columns (the terminal's; default 100). */
export function formatDoctorReport(r: DoctorReport, options: { width?: number } = {}): string {
  const width = options.width ?? 100;
  const indent = '               ';
  const yes = (b: boolean) => (b ? 'yes' : 'no');
  const lines: string[] = [];
  lines.push(`Node.js        ${r.node.version} (N-API ${r.node.napiVersion ?? '?'}, ${r.node.platform}-${r.node.arch})`);
  lines.push(`addon          ${r.addon.loaded ? `loaded from ${r.addon.path}` : 'NOT loaded'}`);
  if (r.addon.build) lines.push(`               built by ${r.addon.build.buildSystem} with ${r.addon.build.compiler}`);
  if (r.addon.error) lines.push(...r.addon.error.split('\n').map((l) => `               ${l}`));
  if (r.addon.loaded) {
    lines.push(
      `TensorRT       ${r.tensorrt.available ? `yes: headers ${r.tensorrt.headerVersion}, library ${r.tensorrt.libraryVersion}` : `no: ${r.tensorrt.reason}`}`,
    );
    if (r.tensorrt.available) {
      if (r.tensorrt.standIn) lines.push(`               STAND-IN: ${r.tensorrt.standIn}`);
      lines.push(`               ${r.tensorrt.includeDir}`);
      for (const l of r.tensorrt.libraries) lines.push(`               ${l}`);
      if (r.tensorrt.libraryPath) lines.push(`               loaded: ${r.tensorrt.libraryPath}`);
      const p = r.tensorrt.plugins;
      if (p) {
        lines.push(
          `               plugins: ${p.loaded ? `loaded from ${p.path}` : `not loaded (${p.error}); ONNX RoiAlign/DeformConv and plans with plugins will fail`}`,
        );
      }
      lines.push(`               builder: ${r.tensorrt.builderError ? `cannot be created: ${r.tensorrt.builderError}` : 'can be created'}`);
    } else {
      lines.push('               searched:');
      for (const s of r.tensorrt.searched) lines.push(...wrap(s, `${indent}  `, width));
      if (r.tensorrt.fix) lines.push(...wrap(`fix: ${r.tensorrt.fix}`, indent, width));
    }
    lines.push(`CUDA runtime   ${r.cuda.compiled ? (r.cuda.runtimeVersion ?? 'unknown version') : 'not compiled in'}`);
    lines.push(`CUDA driver    ${r.cuda.driverVersion ?? 'none installed'}`);
    lines.push(`GPUs           ${r.cuda.deviceCount}${r.cuda.error ? ` (${r.cuda.error})` : ''}`);
    for (const d of r.cuda.devices) {
      lines.push(
        `               #${d.index} ${d.name ?? '?'}, compute ${d.computeCapability ?? '?'}, ` +
          `${d.totalMemoryBytes ? `${(d.totalMemoryBytes / 2 ** 30).toFixed(1)} GiB` : '?'}` +
          `${d.freeMemoryBytes !== undefined ? ` (${(d.freeMemoryBytes / 2 ** 30).toFixed(1)} GiB free)` : ''}${d.error ? ` (${d.error})` : ''}`,
      );
    }
  }
  lines.push(`ready          ${yes(r.ready)}${r.ready ? ': engines can be built and run here' : ''}`);
  for (const p of r.problems) lines.push(...wrap(`- ${p}`, '    ', width).map((l, i) => (i === 0 ? `  ${l.slice(4)}` : l)));
  // A line still too long (a CUDA error text, a long path) goes on under its column of values; the label keeps its column.
  const fitted = lines.flatMap((l) => {
    const [, label, value] = /^(.{15} *)(.*)$/.exec(l) ?? ['', '', l];
    return l.length <= width ? [l] : wrap(value, indent, width, label);
  });
  return `${fitted.join('\n')}\n`;
}
