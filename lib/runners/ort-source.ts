/**
 * A model for onnxruntime given as the bytes trt-node read and diagnosed (readModel's keepBytes: see
 * lib/onnx/reader.ts modelBytesOf), instead of its path: onnxruntime must run the very model that was diagnosed, not
 * what the path names when it opens it again (a model replaced meanwhile was diagnosed as one model and run as another).
 *
 * From bytes onnxruntime resolves external data against the current directory and refuses locations that leave it;
 * its session option `session.model_external_initializers_file_folder_path` points it at the model's folder instead,
 * where the reader resolved and checked every location.
 */
import type { ModelBytes } from '../onnx/reader';

export interface OrtSource {
  /** What errors call the model: its path as given. */
  label: string;
  bytes: Uint8Array;
  /** Merged into the session options. */
  sessionOptions: { extra: { session: { model_external_initializers_file_folder_path: string } } };
}

/** The onnxruntime source of a ModelBytes; undefined for anything else. */
export function sourceOf(model: ModelBytes): OrtSource | undefined {
  const m = model as Partial<ModelBytes>;
  if (!(m.bytes instanceof Uint8Array) || typeof m.file !== 'string' || typeof m.baseDir !== 'string') return undefined;
  return { label: m.file, bytes: m.bytes, sessionOptions: { extra: { session: { model_external_initializers_file_folder_path: m.baseDir } } } };
}
