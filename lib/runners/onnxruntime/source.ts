/**
 * What onnxruntime loads for a model given as a path, as bytes, or as the bytes trt-node read and diagnosed
 * (readModel's keepBytes: see lib/onnx/reader.ts modelBytesOf). Those last are loaded as they are: onnxruntime must
 * run the very model that was diagnosed, not what the path names when it opens it again (a model replaced meanwhile
 * was diagnosed as one model and run as another).
 *
 * From bytes onnxruntime resolves external data against the current directory and refuses locations that leave it;
 * its session option `session.model_external_initializers_file_folder_path` points it at the folder where the reader
 * resolved and checked every location (the model's own, or `externalDataDir`). A path with an `externalDataDir` is
 * read into bytes for the same reason: next to a file, onnxruntime only looks in the file's folder.
 */
import * as fs from 'fs';
import { FileError, InvalidTypeError } from '../../errors';
import type { ModelBytes } from '../../onnx/reader';

export interface OrtSource {
  /** What errors call the model: its path as given, or '<N-byte model>'. */
  label: string;
  /** What InferenceSession.create is given. */
  model: string | Uint8Array;
  /** Merged into the session options: where external data is, for a model given as bytes. */
  sessionOptions: { extra?: { session: { model_external_initializers_file_folder_path: string } } };
}

function isUint8Array(value: unknown): value is Uint8Array {
  return ArrayBuffer.isView(value) && (value as unknown as Record<symbol, unknown>)[Symbol.toStringTag] === 'Uint8Array';
}

function isModelBytes(value: unknown): value is ModelBytes {
  const m = value as Partial<ModelBytes> | null;
  return typeof m === 'object' && m !== null && m.bytes instanceof Uint8Array && typeof m.file === 'string' && typeof m.baseDir === 'string';
}

/** The model file's bytes (a session made from bytes can take its external data from another folder). */
async function readModelFile(model: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await fs.promises.readFile(model));
  } catch (err) {
    throw new FileError(model, `cannot be read: ${(err as Error).message}`, { cause: err });
  }
}

function folderOption(folder: string | undefined): OrtSource['sessionOptions'] {
  return folder === undefined ? {} : { extra: { session: { model_external_initializers_file_folder_path: folder } } };
}

/**
 * The source of a model given as a path, bytes or ModelBytes, its external data in `externalDataDir` when given
 * (else beside the file, or in the folder the ModelBytes were read against).
 * @throws InvalidTypeError for anything else; FileError when a path to be read as bytes cannot be.
 */
export async function ortSource(model: unknown, externalDataDir: string | undefined): Promise<OrtSource> {
  if (isModelBytes(model)) return { label: model.file, model: model.bytes, sessionOptions: folderOption(externalDataDir ?? model.baseDir) };
  if (isUint8Array(model)) return { label: `<${model.byteLength}-byte model>`, model, sessionOptions: folderOption(externalDataDir) };
  if (typeof model !== 'string' || model === '') throw new InvalidTypeError('model', 'the path of an .onnx file, or its bytes', model);
  if (externalDataDir === undefined) return { label: model, model, sessionOptions: {} };
  return { label: model, model: await readModelFile(model), sessionOptions: folderOption(externalDataDir) };
}
