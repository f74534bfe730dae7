/**
 * EnginePool: one plan loaded on several GPUs of a host (one Engine per device), each run dispatched to the device
 * with the fewest runs in flight. Each engine keeps its own execution contexts per profile (`contexts`), so the pool
 * runs up to devices × contexts runs at once per profile. The engines share nothing: a plan is deserialized on each
 * device (TensorRT binds an engine to the device current when it is deserialized).
 */
import * as fs from 'fs';
import { FileError, InvalidTypeError, InvalidValueError } from '../errors';
import { knownKeys, optionNames } from '../validate';
import type { NamedTensors } from '../tensor/types';
import { requireDevice, validateContexts, validateDevices } from './device';
import { Engine, type EngineLoadOptions, type EngineRunOptions, type RunResult } from './engine';
import { LeastBusy } from './least-busy';
import { requireTensorRT } from './tensorrt';

export interface EnginePoolLoadOptions extends Omit<EngineLoadOptions, 'device'> {
  /**
   * The CUDA devices to load the plan on: device numbers (each once), or 'all' for every device the CUDA runtime sees
   * (CUDA_VISIBLE_DEVICES decides which). The plan must suit each (a plan runs on the GPU kind that built it).
   * Default: 'all'.
   */
  devices?: readonly number[] | 'all';
}

const POOL_OPTIONS = optionNames<EnginePoolLoadOptions>()({
  devices: true,
  onLog: true,
  logLevel: true,
  allowHostCode: true,
  contexts: true,
  cudaGraph: true,
  pollWhileRunning: true,
  model: true,
});

/** What every engine of a pool has alike (one plan, loaded with one set of options): the pool shows the first's. */
const SHARED = ['inputs', 'outputs', 'profileCount', 'library', 'contexts', 'cudaGraph'] as const;

// The pool's IO, profiles, library and run settings: Engine's, documented there.
export interface EnginePool extends Readonly<Pick<Engine, (typeof SHARED)[number]>> {}

export class EnginePool {
  /** One engine per device, in `devices` order. */
  readonly engines: readonly Engine[];
  readonly devices: readonly number[];
  readonly #dispatch: LeastBusy<Engine>;

  private constructor(engines: Engine[]) {
    this.engines = engines;
    this.devices = engines.map((e) => e.device);
    for (const key of SHARED) Object.defineProperty(this, key, { value: engines[0][key], enumerable: true });
    this.#dispatch = new LeastBusy(engines);
  }

  /** Loads `plan` (bytes, or a path to a .plan file) on each device; a failure on one disposes the others. */
  static async load(plan: Uint8Array | string, options: EnginePoolLoadOptions = {}): Promise<EnginePool> {
    if (typeof options !== 'object' || options === null) throw new InvalidTypeError('options', 'an object', options);
    knownKeys(options as Record<string, unknown>, 'options', POOL_OPTIONS);
    const { devices: given, ...engineOptions } = options;
    const chosen = validateDevices(given, 'options.devices');
    // Checked here too (Engine.load checks it again), so that a bad value is named before TensorRT is looked for.
    validateContexts(engineOptions.contexts, 'options.contexts');
    const { addon } = requireTensorRT();
    const count = addon.cudaInfo().deviceCount;
    const devices = chosen === 'all' ? Array.from({ length: count }, (_, i) => i) : chosen;
    if (devices.length === 0) throw new InvalidValueError('options.devices', "a CUDA device, but the CUDA runtime sees none ('all')", given);
    devices.forEach((d, i) => requireDevice(d, chosen === 'all' ? 'options.devices' : `options.devices[${i}]`, addon));
    let bytes: Uint8Array | string = plan;
    if (typeof plan === 'string') {
      // Read once, deserialized on each device.
      try {
        bytes = await fs.promises.readFile(plan);
      } catch (err) {
        throw new FileError(plan, `cannot read the engine plan: ${(err as Error).message}`, { cause: err });
      }
    }
    const loads = await Promise.allSettled(devices.map((device) => Engine.load(bytes, { ...engineOptions, device })));
    const engines = loads.flatMap((l) => (l.status === 'fulfilled' ? [l.value] : []));
    const failed = loads.find((l): l is PromiseRejectedResult => l.status === 'rejected');
    if (failed) {
      for (const engine of engines) engine.dispose();
      throw failed.reason;
    }
    return new EnginePool(engines);
  }

  /** Runs on the device with the fewest runs in flight (Engine.run). */
  run(feeds: Record<string, unknown>, options: EngineRunOptions = {}): Promise<NamedTensors> {
    return this.#dispatch.dispatch((engine) => engine.run(feeds, options));
  }

  /** Like run(), with the timings and where it ran (`execution.device`). */
  runWithTimings(feeds: Record<string, unknown>, options: EngineRunOptions = {}): Promise<RunResult> {
    return this.#dispatch.dispatch((engine) => engine.runWithTimings(feeds, options));
  }

  /** Runs in flight per device, in `devices` order. */
  inFlight(): number[] {
    return this.#dispatch.inFlight();
  }

  /** Runs dispatched to each device so far, in `devices` order. */
  dispatched(): number[] {
    return this.#dispatch.dispatched();
  }

  get disposed(): boolean {
    return this.engines.every((e) => e.disposed);
  }

  /** Disposes every engine (runs in flight finish first, as Engine.dispose says). */
  dispose(): void {
    for (const engine of this.engines) engine.dispose();
  }
}
