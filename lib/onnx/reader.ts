/**
 * readModel: the typed summary of an ONNX model (lib/onnx/types.ts) from a path or bytes, without reading its
 * weights. See ./protowire.ts for how (a lazy walker that seeks past weight payloads) and why.
 */
import * as fs from 'fs';
import type { FileHandle } from 'fs/promises';
import * as path from 'path';
import { FileError, InvalidTypeError, InvalidValueError, OnnxFormatError } from '../errors';
import { DEFAULT_MAX_TENSOR_BYTES, formatByteSize } from '../io/budget';
import { readStreamed, readStreamedSync } from '../io/read-file';
import * as v from '../validate';
import { checkFiles, checkFilesSync, resolveAll } from './external-data';
import { WalkContext } from './protowire';
import { ReadStats, bytesReader, fileReaderAsync, fileReaderSync, runAsync, runSync } from './source';
import type { ExternalDataRef, ModelSummary } from './types';
import { ModelWalk, countNodes, walkModel } from './walk';

export type { ReadStats } from './source';

export interface ReadModelOptions {
  /**
   * The folder that external-data locations are relative to. Default: the model file's folder; for bytes,
   * the current directory.
   */
  baseDir?: string;
  /**
   * Check that every external-data file exists, stays inside `baseDir` after following symbolic links, and holds
   * the referenced byte range. Default: true when reading a path or when `baseDir` is given; false for bytes
   * without `baseDir` (locations are then still checked, lexically).
   */
  checkExternalData?: boolean;
  /**
   * A missing external-data file is not an error: the summary comes back with its references marked `missing`
   * (`inspect` shows the graph of a model whose weights are elsewhere). Default false: FileError.
   */
  allowMissingExternalData?: boolean;
  /** If given, receives how many bytes (and read calls) summarising took — to show that weights are skipped. */
  stats?: ReadStats;
  /**
   * Read the whole file (weights included) and keep its bytes with the summary (`modelBytesOf(summary)`), so that a
   * runtime loads exactly the bytes that were summarised and diagnosed, not what the path names a moment later (a
   * model replaced meanwhile). Default false: weights are skipped, never read.
   */
  keepBytes?: boolean;
}

/** The bytes a summary was read from (readModel with keepBytes), and what a runtime needs to load them. */
export interface ModelBytes {
  /** The model as it was named (its path as given). */
  file: string;
  bytes: Uint8Array;
  /** The folder its external-data locations resolve against. */
  baseDir: string;
}

const keptBytes = new WeakMap<ModelSummary, ModelBytes>();

/** The bytes `summary` was read from, when readModel kept them (keepBytes); undefined otherwise. */
export function modelBytesOf(summary: ModelSummary): ModelBytes | undefined {
  return keptBytes.get(summary);
}

/** Whether `value` is a ModelSummary (what readModel returns), told apart from a path or bytes by its shape. */
export function isModelSummary(value: unknown): value is ModelSummary {
  const m = value as Partial<ModelSummary> | null;
  return m !== null && typeof m === 'object' && Array.isArray(m.inputs) && Array.isArray(m.outputs) && Array.isArray(m.nodes);
}

function validateSource(source: unknown): asserts source is string | Uint8Array {
  if (typeof source === 'string') {
    if (source === '') throw new InvalidValueError('source', 'a path to an .onnx file', source);
    v.filePath(source, 'source');
    return;
  }
  if (!(source instanceof Uint8Array)) throw new InvalidTypeError('source', 'a path string or a Uint8Array', source);
}

const READ_MODEL_OPTIONS = v.optionNames<ReadModelOptions>()({ baseDir: true, checkExternalData: true, allowMissingExternalData: true, stats: true, keepBytes: true });

function validateOptions(options: unknown): ReadModelOptions {
  const o = v.options<ReadModelOptions>(options, 'options', READ_MODEL_OPTIONS);
  v.optional(v.filePath)(o.baseDir, 'options.baseDir');
  v.optional(v.boolean)(o.checkExternalData, 'options.checkExternalData');
  v.optional(v.boolean)(o.allowMissingExternalData, 'options.allowMissingExternalData');
  v.optional(v.boolean)(o.keepBytes, 'options.keepBytes');
  if (o.stats !== undefined) {
    const st = v.object(o.stats, 'options.stats', 'an object { bytesRead, reads } to fill');
    v.safeInteger(st.bytesRead, 'options.stats.bytesRead', { min: 0 });
    v.safeInteger(st.reads, 'options.stats.reads', { min: 0 });
  }
  return o;
}

/**
 * A model from a pipe or a device (`/dev/stdin`, `<(cat m.onnx)`): its stat size is 0, so it is read to its end
 * into memory, up to the memory budget, and summarised from the bytes.
 */
const STREAM_LIMIT = DEFAULT_MAX_TENSOR_BYTES;
function streamTooLarge(file: string) {
  return (bytes: number) =>
    new FileError(file, `is a pipe or device that delivered more than ${formatByteSize(STREAM_LIMIT)} (${bytes} bytes so far); save the model to a file and give its path`);
}

/** protobuf's limit on one message (INT_MAX bytes): past it protobuf itself, so onnxruntime and TensorRT, cannot parse. */
export const PROTOBUF_LIMIT = 2 ** 31 - 1;

/** A model past protobuf's limit, refused with the way out (its weights as external data) before anything is read. */
function refuseOverProtobufLimit(label: string, size: number): void {
  if (size <= PROTOBUF_LIMIT) return;
  throw new OnnxFormatError(
    label,
    `is ${formatByteSize(size)} in one protobuf file, over protobuf's 2 GiB limit: onnxruntime and TensorRT cannot load it. ` +
      'Save the weights as external data: torch.onnx.export(..., external_data=True), or onnx.save(model, path, save_as_external_data=True)',
    { bytes: size },
  );
}

function openError(file: string, err: unknown): FileError {
  const code = (err as NodeJS.ErrnoException).code;
  const what =
    code === 'ENOENT'
      ? 'no such file (expected an ONNX model, e.g. one written by torch.onnx.export)'
      : code === 'EISDIR'
        ? 'is a directory, expected an .onnx file'
        : code === 'EACCES'
          ? 'permission denied'
          : `cannot be read: ${(err as Error).message}`;
  return new FileError(file, what, { cause: err });
}

function assemble(walk: ModelWalk, file: string | null, fileBytes: number, externalData: ExternalDataRef[]): ModelSummary {
  const g = walk.graph;
  const initNames = new Set(g.initializers.map((t) => t.name));
  const dtypes: Record<string, number> = {};
  let totalBytes = 0;
  for (const t of g.initializers) {
    dtypes[t.elemType] = (dtypes[t.elemType] ?? 0) + 1;
    totalBytes += t.byteLength;
  }
  return {
    file,
    fileBytes,
    irVersion: walk.irVersion,
    producerName: walk.producerName,
    producerVersion: walk.producerVersion,
    opsets: walk.opsets,
    graphName: g.name,
    modelDomain: walk.modelDomain,
    modelVersion: walk.modelVersion,
    inputs: g.inputs.map((v) => ({ ...v, isInitializer: initNames.has(v.name) })),
    outputs: g.outputs,
    valueInfo: g.valueInfo,
    nodes: g.nodes,
    nodeCounts: countNodes(g.nodes),
    initializers: { count: g.initializers.length, totalBytes, dtypes, list: g.initializers },
    functions: walk.functions,
    externalData,
  };
}

/** The pieces both APIs share: what to read, and how to finish. */
function plan(source: string | Uint8Array, options: ReadModelOptions) {
  const isPath = typeof source === 'string';
  const file = isPath ? path.resolve(source) : null;
  const label = isPath ? source : '<bytes>';
  const baseDir = path.resolve(options.baseDir ?? (file ? path.dirname(file) : process.cwd()));
  const check = options.checkExternalData ?? (isPath || options.baseDir !== undefined);
  const stats = options.stats ?? { bytesRead: 0, reads: 0 };
  return { file, label, baseDir, check, stats, allowMissing: options.allowMissingExternalData === true, keepBytes: isPath && options.keepBytes === true };
}

/** Keeps the bytes that were walked with the summary (keepBytes), for modelBytesOf. */
function keep(summary: ModelSummary, p: ReturnType<typeof plan>, bytes: Uint8Array | undefined): ModelSummary {
  if (p.keepBytes && bytes) keptBytes.set(summary, { file: p.label, bytes, baseDir: p.baseDir });
  return summary;
}

/** The walk of a model held in memory (given as bytes, or read whole from a pipe). */
function walkBytes(bytes: Uint8Array, p: ReturnType<typeof plan>): { walk: ModelWalk; size: number } {
  refuseOverProtobufLimit(p.label, bytes.length);
  return { walk: runSync(walkModel(new WalkContext(p.label, bytes.length)), bytesReader(bytes, p.stats)), size: bytes.length };
}

/**
 * Summarises an ONNX model: IR version, producer, opsets, inputs/outputs with dims, nodes and op counts,
 * initializers (count, bytes, dtypes), external-data references, value_info shapes. Weight bytes are never read.
 *
 * @throws FileError when the file (or an external-data file) is missing or unreadable.
 * @throws OnnxFormatError when the bytes are not a well-formed ONNX model (truncated, corrupt, another format) or
 *   an external-data location is absolute or escapes the model's folder.
 */
export async function readModel(source: string | Uint8Array, options: ReadModelOptions = {}): Promise<ModelSummary> {
  validateSource(source);
  const p = plan(source, validateOptions(options));
  let walk: ModelWalk;
  let size: number;
  let bytes: Uint8Array | undefined;
  if (typeof source === 'string') {
    const handle = await fs.promises.open(source, 'r').catch((err: unknown) => {
      throw openError(source, err);
    });
    try {
      const st = await handle.stat();
      if (st.isDirectory()) throw openError(source, Object.assign(new Error('directory'), { code: 'EISDIR' }));
      if (!st.isFile()) {
        bytes = await readStreamed(handle, STREAM_LIMIT, streamTooLarge(source)).catch((err: unknown) => {
          throw err instanceof FileError ? err : openError(source, err);
        });
        ({ walk, size } = walkBytes(bytes, p));
      } else if (p.keepBytes) {
        refuseOverProtobufLimit(p.label, st.size);
        bytes = await readWhole(handle, source, st.size);
        ({ walk, size } = walkBytes(bytes, p));
      } else {
        size = st.size;
        refuseOverProtobufLimit(p.label, size);
        const ctx = new WalkContext(p.label, size);
        walk = await runAsync(walkModel(ctx), fileReaderAsync(handle, ctx, p.stats));
      }
    } finally {
      await handle.close();
    }
  } else {
    ({ walk, size } = walkBytes(source, p));
  }
  // Resolve (and check) external data first: a reference without a length takes the rest of its file.
  const externalData = resolveAll(p.label, p.baseDir, walk.externals);
  if (p.check) await checkFiles(p.label, p.baseDir, externalData, walk.externals, p.allowMissing);
  return keep(assemble(walk, p.file, size, externalData), p, bytes);
}

/** A regular file read whole (keepBytes): exactly the bytes it had when opened, or an error if it shrank meanwhile. */
async function readWhole(handle: FileHandle, file: string, size: number): Promise<Uint8Array> {
  const bytes = new Uint8Array(size);
  for (let at = 0; at < size; ) {
    const { bytesRead } = await handle.read(bytes, at, size - at, at).catch((err: unknown) => {
      throw openError(file, err);
    });
    if (bytesRead === 0) throw new FileError(file, `the file shrank while being read (${size} bytes when opened, ${at} now)`);
    at += bytesRead;
  }
  return bytes;
}

function readWholeSync(fd: number, file: string, size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let at = 0; at < size; ) {
    let bytesRead: number;
    try {
      bytesRead = fs.readSync(fd, bytes, at, size - at, at);
    } catch (err) {
      throw openError(file, err);
    }
    if (bytesRead === 0) throw new FileError(file, `the file shrank while being read (${size} bytes when opened, ${at} now)`);
    at += bytesRead;
  }
  return bytes;
}

/** readModel, synchronously (same result and errors). */
export function readModelSync(source: string | Uint8Array, options: ReadModelOptions = {}): ModelSummary {
  validateSource(source);
  const p = plan(source, validateOptions(options));
  let walk: ModelWalk;
  let size: number;
  let bytes: Uint8Array | undefined;
  if (typeof source === 'string') {
    let fd: number;
    try {
      fd = fs.openSync(source, 'r');
    } catch (err) {
      throw openError(source, err);
    }
    try {
      const st = fs.fstatSync(fd);
      if (st.isDirectory()) throw openError(source, Object.assign(new Error('directory'), { code: 'EISDIR' }));
      if (!st.isFile()) {
        try {
          bytes = readStreamedSync(fd, STREAM_LIMIT, streamTooLarge(source));
        } catch (err) {
          throw err instanceof FileError ? err : openError(source, err);
        }
        ({ walk, size } = walkBytes(bytes, p));
      } else if (p.keepBytes) {
        refuseOverProtobufLimit(p.label, st.size);
        bytes = readWholeSync(fd, source, st.size);
        ({ walk, size } = walkBytes(bytes, p));
      } else {
        size = st.size;
        refuseOverProtobufLimit(p.label, size);
        const ctx = new WalkContext(p.label, size);
        walk = runSync(walkModel(ctx), fileReaderSync(fd, ctx, p.stats));
      }
    } finally {
      fs.closeSync(fd);
    }
  } else {
    ({ walk, size } = walkBytes(source, p));
  }
  const externalData = resolveAll(p.label, p.baseDir, walk.externals);
  if (p.check) checkFilesSync(p.label, p.baseDir, externalData, walk.externals, p.allowMissing);
  return keep(assemble(walk, p.file, size, externalData), p, bytes);
}
