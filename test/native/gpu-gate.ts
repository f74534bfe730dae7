/**
 * Whether the TensorRT + GPU tests can run here, and why not. They live in the same suites as the CPU tests and
 * skip with this printed reason (CI has neither TensorRT nor a GPU).
 */
import { addonStatus } from '../../lib/native/binding';

export function gpuSkipReason(): string | null {
  const status = addonStatus();
  if (!status.loaded) return `the native addon does not load: ${status.error.message.split('\n')[0]}`;
  const build = status.addon.buildInfo();
  if (!build.tensorrt.available) return `the addon was built without TensorRT (${build.tensorrt.reason})`;
  const cuda = status.addon.cudaInfo();
  if (cuda.deviceCount === 0) return `no GPU visible to the CUDA runtime (${cuda.error ?? 'device count 0'})`;
  return null;
}

/**
 * Prints why tests are skipped. Straight to stderr, not console.log: jest drops the console output of a file whose
 * tests are all skipped, which would hide the reason exactly where it matters.
 */
export function printSkip(what: string, reason: string): void {
  process.stderr.write(`skipping ${what}: ${reason}\n`);
}

/** `describe` when TensorRT and a GPU are present, else `describe.skip` after printing why. */
export function describeWithGpu(name: string, body: () => void): void {
  const reason = gpuSkipReason();
  if (reason) {
    printSkip(`"${name}"`, reason);
    describe.skip(name, body);
  } else {
    describe(name, body);
  }
}
