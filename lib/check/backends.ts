/**
 * What `check` runs models with. A RunBackend takes feeds and returns outputs; check() runs every requested sample
 * on each backend it is given and compares each with the reference. onnxruntime-node is the default; the TensorRT
 * cross-check adds an engine backend through CheckOptions.backends without changing check().
 */
import type { NamedTensors } from '../tensor/types';

export interface RunBackend {
  /** Shown in reports: 'onnxruntime', 'tensorrt'... */
  readonly name: string;
  run(feeds: NamedTensors): Promise<NamedTensors>;
  dispose(): Promise<void>;
}

/** Creates a backend for a model file; may throw (e.g. onnxruntime cannot load a custom op). */
export type BackendFactory = (modelPath: string) => Promise<RunBackend>;
