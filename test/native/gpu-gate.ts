/**
 * Whether the TensorRT + GPU tests can run here, and why not. They live in the same suites as the CPU tests and
 * skip with this printed reason (CI has neither TensorRT nor a GPU). `npm run test:standin` sets
 * TRT_NODE_REQUIRE_TENSORRT=1: there a missing TensorRT fails the suites instead of skipping them.
 */
import { addonStatus, type NativeAddon } from '../../lib/native/binding';

export function gpuSkipReason(): string | null {
  const status = addonStatus();
  if (!status.loaded) return `the native addon does not load: ${status.error.message.split('\n')[0]}`;
  const build = status.addon.buildInfo();
  if (!build.tensorrt.available) return `the addon was built without TensorRT (${build.tensorrt.reason})`;
  const cuda = status.addon.cudaInfo();
  if (cuda.deviceCount === 0) return `no GPU visible to the CUDA runtime (${cuda.error ?? 'device count 0'})`;
  return null;
}

/** The loaded addon; only call where gpuSkipReason() is null. */
export function addon(): NativeAddon {
  const status = addonStatus();
  if (!status.loaded) throw status.error;
  return status.addon;
}

/**
 * Why the stand-in's own tests cannot run here, or null. They assert what only trt-node's TensorRT stand-in
 * (test/tensorrt-standin) does: its plan and timing-cache formats, its seeded choices, its contract checks.
 */
export function standInSkipReason(): string | null {
  const reason = gpuSkipReason();
  if (reason) return reason;
  if (!addon().tensorrtRuntimeInfo()?.standIn) {
    return "the loaded libnvinfer is TensorRT, not trt-node's stand-in (these tests check the stand-in's own behaviour)";
  }
  return null;
}

/** True when the CUDA runtime is the stand-in's host-memory one (no GPU): its test settings apply. */
export function hostCudaStandIn(): boolean {
  const cuda = addon().cudaInfo();
  return cuda.devices.some((d) => (d.name ?? '').includes('CUDA stand-in'));
}

/**
 * Prints why tests are skipped. Straight to stderr, not console.log: jest drops the console output of a file whose
 * tests are all skipped, which would hide the reason exactly where it matters.
 */
export function printSkip(what: string, reason: string): void {
  process.stderr.write(`skipping ${what}: ${reason}\n`);
}

function gated(name: string, reason: string | null, body: () => void): void {
  if (!reason) {
    describe(name, body);
  } else if (process.env.TRT_NODE_REQUIRE_TENSORRT === '1') {
    describe(name, () => {
      it('can run here (TRT_NODE_REQUIRE_TENSORRT=1)', () => {
        throw new Error(`"${name}" cannot run: ${reason}`);
      });
    });
  } else {
    printSkip(`"${name}"`, reason);
    describe.skip(name, body);
  }
}

/** `describe` when TensorRT and a GPU are present, else `describe.skip` after printing why. */
export function describeWithGpu(name: string, body: () => void): void {
  gated(name, gpuSkipReason(), body);
}

/** `describe` when the loaded TensorRT is trt-node's stand-in (with a GPU or its host-memory CUDA), else skipped. */
export function describeWithStandIn(name: string, body: () => void): void {
  gated(name, standInSkipReason(), body);
}
