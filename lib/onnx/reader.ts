/**
 * readModel: the typed summary of an ONNX model (lib/onnx/types.ts) from a path or bytes, without reading its
 * weights. See ./protowire.ts for how (a lazy walker that seeks past weight payloads) and why.
 */
import * as fs from 'fs';
import * as path from 'path';
import { FileError, InvalidTypeError, InvalidValueError } from '../errors';
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

function validateOptions(options: unknown): ReadModelOptions {
  const o = v.options<ReadModelOptions>(options);
  v.optional(v.filePath)(o.baseDir, 'options.baseDir');
  v.optional(v.boolean)(o.checkExternalData, 'options.checkExternalData');
  v.optional(v.boolean)(o.allowMissingExternalData, 'options.allowMissingExternalData');
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
  return { file, label, baseDir, check, stats, allowMissing: options.allowMissingExternalData === true };
}

/** The walk of a model held in memory (given as bytes, or read whole from a pipe). */
function walkBytes(bytes: Uint8Array, p: ReturnType<typeof plan>): { walk: ModelWalk; size: number } {
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
  if (typeof source === 'string') {
    const handle = await fs.promises.open(source, 'r').catch((err: unknown) => {
      throw openError(source, err);
    });
    try {
      const st = await handle.stat();
      if (st.isDirectory()) throw openError(source, Object.assign(new Error('directory'), { code: 'EISDIR' }));
      if (!st.isFile()) {
        const bytes = await readStreamed(handle, STREAM_LIMIT, streamTooLarge(source)).catch((err: unknown) => {
          throw err instanceof FileError ? err : openError(source, err);
        });
        ({ walk, size } = walkBytes(bytes, p));
      } else {
        size = st.size;
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
  return assemble(walk, p.file, size, externalData);
}

/** readModel, synchronously (same result and errors). */
export function readModelSync(source: string | Uint8Array, options: ReadModelOptions = {}): ModelSummary {
  validateSource(source);
  const p = plan(source, validateOptions(options));
  let walk: ModelWalk;
  let size: number;
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
        let bytes: Uint8Array;
        try {
          bytes = readStreamedSync(fd, STREAM_LIMIT, streamTooLarge(source));
        } catch (err) {
          throw err instanceof FileError ? err : openError(source, err);
        }
        ({ walk, size } = walkBytes(bytes, p));
      } else {
        size = st.size;
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
  return assemble(walk, p.file, size, externalData);
}
