/**
 * IOBinding: feeds and outputs bound once (Engine.bind), for runs in place. Each run reads the input arrays as they
 * are when it starts and writes the output arrays before it settles; nothing is validated, staged or allocated per
 * run, so a run costs little more than the copies to and from the GPU.
 */
import { DisposedError, EngineError } from '../errors';
import type { NamedTensors } from '../tensor/types';
import type { RunResult } from './engine';
import { unpackExecution } from './run-execution';
import { unpackTimings } from './run-timings';

/** What a binding needs of its Engine (which keeps the native handle). */
export interface BoundRunner {
  /** One run of the binding: its timings if timed. Rejects with DisposedError once the engine is disposed. */
  run(timed: boolean): Promise<Float64Array | undefined>;
  /** Releases the binding's native memory once its runs in flight have settled. */
  release(): void;
}

export class IOBinding {
  /** The profile every run of this binding uses. */
  readonly profile: number;
  /**
   * The bound feeds, by input name: the arrays given to Engine.bind. Write new values into them between runs (not
   * while a run is in flight); their shapes are fixed.
   */
  readonly inputs: NamedTensors;
  /** The outputs by name, in arrays that each run overwrites. Copy what you keep before the next run. */
  readonly outputs: NamedTensors;
  /**
   * Per input and output name: whether CUDA page-locked its array (cudaHostRegister), so that runs copy straight
   * between it and the GPU. CUDA refuses memory on a page that is page-locked already (the same array bound twice,
   * or a small array sharing a page with a bound one); CUDA copies such an array through staging memory of its own, which
   * costs a host copy per run and changes nothing else.
   */
  readonly pageLocked: Readonly<Record<string, boolean>>;
  #runner: BoundRunner | null;
  #running = false;

  /** @internal Made by Engine.bind. */
  constructor(profile: number, inputs: NamedTensors, outputs: NamedTensors, pageLocked: Record<string, boolean>, runner: BoundRunner) {
    this.profile = profile;
    this.inputs = inputs;
    this.outputs = outputs;
    this.pageLocked = pageLocked;
    this.#runner = runner;
  }

  get disposed(): boolean {
    return this.#runner === null;
  }

  /** Runs the engine on the bound inputs; resolves to `outputs` once they hold this run's results. */
  async run(): Promise<NamedTensors> {
    await this.#run(false);
    return this.outputs;
  }

  /**
   * Like run(), with the profile, CUDA-event timings and where it ran (as Engine.runWithTimings gives them; a refused
   * CUDA graph capture's reason comes with Engine.runWithTimings only).
   */
  async runWithTimings(): Promise<RunResult> {
    const meta = (await this.#run(true)) as Float64Array;
    return { outputs: this.outputs, profile: this.profile, timings: unpackTimings(meta), execution: unpackExecution(meta, undefined) };
  }

  async #run(timed: boolean): Promise<Float64Array | undefined> {
    const runner = this.#runner;
    if (runner === null) throw new DisposedError('This IOBinding');
    // Runs of one binding share its output arrays: a second one in flight would overwrite what the first returns.
    if (this.#running) {
      throw new EngineError('IOBinding.run() was called while a run of this binding is in flight: await it first (its runs share the output arrays)');
    }
    this.#running = true;
    try {
      return await runner.run(timed);
    } finally {
      this.#running = false;
    }
  }

  /**
   * Releases the binding: its arrays are no longer page-locked or held by trt-node (after runs in flight settle).
   * The arrays stay usable as plain JS memory. Calling it twice is harmless; a binding that is only dropped is
   * released when it is garbage-collected.
   */
  dispose(): void {
    const runner = this.#runner;
    if (runner === null) return;
    this.#runner = null;
    runner.release();
  }
}
