/**
 * One error hierarchy for trt-node. Every error thrown by the library is a TrtNodeError with a stable `code`
 * (safe to switch on; the message is for people and may change). Wrong types and out-of-range values use the
 * subclasses below, whose `name` reads TypeError / RangeError as sharp and onnxruntime do.
 */
import { forTerminal } from '../util/terminal';

export type ErrorCode =
  | 'ERR_TRT_NODE_INVALID_TYPE'
  | 'ERR_TRT_NODE_INVALID_VALUE'
  | 'ERR_TRT_NODE_FILE'
  | 'ERR_TRT_NODE_ONNX_FORMAT'
  | 'ERR_TRT_NODE_NPY_FORMAT'
  | 'ERR_TRT_NODE_SHAPE'
  | 'ERR_TRT_NODE_ORT'
  | 'ERR_TRT_NODE_ADDON_LOAD'
  | 'ERR_TRT_NODE_TENSORRT_UNAVAILABLE'
  | 'ERR_TRT_NODE_CUDA'
  | 'ERR_TRT_NODE_PARSE'
  | 'ERR_TRT_NODE_BUILD'
  | 'ERR_TRT_NODE_UNSUPPORTED_OPTION'
  | 'ERR_TRT_NODE_ENGINE'
  | 'ERR_TRT_NODE_DISPOSED'
  | 'ERR_TRT_NODE_ABORTED'
  | 'ERR_TRT_NODE_USAGE'
  | 'ERR_TRT_NODE_MEMORY_BUDGET'
  | 'ERR_TRT_NODE_TRITON_CONFIG'
  | 'ERR_TRT_NODE_LOCK_TIMEOUT';

export class TrtNodeError extends Error {
  readonly code: ErrorCode;
  /** Extra, JSON-able facts about the failure (file, tensor, axis, native log lines...). */
  readonly details: Record<string, unknown>;
  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TrtNodeError';
    this.code = code;
    this.details = details;
  }
  toJSON(): Record<string, unknown> {
    return { name: this.name, code: this.code, message: this.message, ...this.details };
  }
}

/** An argument or option of the wrong type: names the parameter and what was received. */
export class InvalidTypeError extends TrtNodeError {
  constructor(parameter: string, expected: string, received: unknown) {
    super('ERR_TRT_NODE_INVALID_TYPE', `Expected ${expected} for ${parameter} but received ${describe(received)}`, {
      parameter,
    });
    this.name = 'TypeError';
  }
}

/** An argument or option with a value out of range or otherwise unacceptable. */
export class InvalidValueError extends TrtNodeError {
  constructor(parameter: string, expected: string, received: unknown, hint?: string) {
    super(
      'ERR_TRT_NODE_INVALID_VALUE',
      `Expected ${expected} for ${parameter} but received ${describe(received)}${hint ? `. ${hint}` : ''}`,
      { parameter },
    );
    this.name = 'RangeError';
  }
}

/** A file that cannot be read or written (missing, unreadable, not the expected kind). */
export class FileError extends TrtNodeError {
  constructor(file: string, what: string, options?: { cause?: unknown }) {
    super('ERR_TRT_NODE_FILE', `${forTerminal(file)}: ${what}`, { file }, options);
    this.name = 'FileError';
  }
}

/** An ONNX model that is not well-formed protobuf or breaks the ONNX format's rules. */
export class OnnxFormatError extends TrtNodeError {
  constructor(file: string, what: string, details: Record<string, unknown> = {}) {
    super('ERR_TRT_NODE_ONNX_FORMAT', `${forTerminal(file)}: ${what}`, { file, ...details });
    this.name = 'OnnxFormatError';
  }
}

/** A .npy/.npz file that is malformed or holds what trt-node cannot read (objects, complex numbers, ...). */
export class NpyFormatError extends TrtNodeError {
  constructor(file: string, what: string, details: Record<string, unknown> = {}) {
    super('ERR_TRT_NODE_NPY_FORMAT', `${forTerminal(file)}: ${what}`, { file, ...details });
    this.name = 'NpyFormatError';
  }
}

/**
 * Data that would take more memory than the budget allows (lib/io/budget.ts): an .npz entry, a generated input.
 * Raised before anything is allocated; the message names the file, array or input, the bytes, the budget and the
 * option that raises it.
 */
export class MemoryBudgetError extends TrtNodeError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('ERR_TRT_NODE_MEMORY_BUDGET', message, details);
    this.name = 'MemoryBudgetError';
  }
}

/** A tensor shape that does not fit what the model, profile or engine accepts. */
export class ShapeError extends TrtNodeError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('ERR_TRT_NODE_SHAPE', message, details);
    this.name = 'ShapeError';
  }
}

/**
 * The operation was cancelled through its AbortSignal. `partial` holds what finished before (check's and
 * crossCheck's report, marked `interrupted`), where the operation keeps one.
 */
export class AbortError extends TrtNodeError {
  readonly partial?: unknown;
  constructor(what: string, partial?: unknown) {
    super('ERR_TRT_NODE_ABORTED', `${what} was aborted`);
    this.name = 'AbortError';
    if (partial !== undefined) this.partial = partial;
  }
}

/**
 * A Triton model configuration (config.pbtxt) that does not read as protobuf text format against Triton's
 * ModelConfig: the line and column are those Triton's own parser would name.
 */
export class TritonConfigError extends TrtNodeError {
  readonly line: number;
  readonly column: number;
  /** The problem alone, without the place. */
  readonly reason: string;
  constructor(file: string, line: number, column: number, reason: string) {
    super('ERR_TRT_NODE_TRITON_CONFIG', `${forTerminal(file)}:${line}:${column}: ${reason}`, { file, line, column, reason });
    this.name = 'TritonConfigError';
    this.line = line;
    this.column = column;
    this.reason = reason;
  }
}

/**
 * A short, safe description of a received value for error messages. Strings are quoted as JSON and escaped for the
 * terminal (JSON leaves C1 and bidi controls raw): a received value may come from a model or a file.
 */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return forTerminal(JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value));
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name} of length ${(value as unknown as ArrayLike<unknown>).length ?? value.byteLength}`;
  if (typeof value === 'function') return 'a function';
  return `an object (${Object.prototype.toString.call(value).slice(8, -1)})`;
}

// ---------------------------------------------------------------------------------------------------------------
// Native addon and TensorRT errors (lib/native, lib/trt). Errors raised in C++ carry the same codes; lib/native/
// native-error.ts turns them into these classes with the JS call site's stack.

/**
 * A lock file (lib/io/file-lock: the engine cache's per-entry lock) stayed held by a live process longer than the
 * wait allowed: the message names the file and its holder.
 */
export class LockTimeoutError extends TrtNodeError {
  constructor(file: string, message: string, details: Record<string, unknown> = {}) {
    super('ERR_TRT_NODE_LOCK_TIMEOUT', message, { file, ...details });
    this.name = 'LockTimeoutError';
  }
}

/** The native addon could not be loaded: names every file tried and what to do. */
export class AddonLoadError extends TrtNodeError {
  constructor(message: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super('ERR_TRT_NODE_ADDON_LOAD', message, details, options);
    this.name = 'AddonLoadError';
  }
}

/** The addon was built without TensorRT (or without CUDA): says what the build searched and how to point it at TensorRT. */
export class TensorRTUnavailableError extends TrtNodeError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('ERR_TRT_NODE_TENSORRT_UNAVAILABLE', message, details);
    this.name = 'TensorRTUnavailableError';
  }
}

/** A CUDA runtime call failed (no driver, no GPU, out of memory...): the message names the call. */
export class CudaError extends TrtNodeError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('ERR_TRT_NODE_CUDA', message, details);
    this.name = 'CudaError';
  }
}

/** One error of TensorRT's ONNX parser (nvonnxparser::IParserError). */
export interface ParserErrorInfo {
  /** nvonnxparser::ErrorCode value and name, e.g. 8 / 'kUNSUPPORTED_NODE'. */
  code: number;
  codeName: string;
  description: string;
  /** Index of the failing node in graph.node (-1 when not about a node). */
  node: number;
  nodeName: string;
  /** The node's op type, e.g. 'NonMaxSuppression'. */
  nodeOperator: string;
  /** Where in the parser's sources the error was raised. */
  file: string;
  line: number;
  function: string;
}

/** TensorRT's ONNX parser rejected the model; `parserErrors` lists every error, not just the first. */
export class ParseError extends TrtNodeError {
  readonly parserErrors: ParserErrorInfo[];
  constructor(message: string, parserErrors: ParserErrorInfo[], details: Record<string, unknown> = {}) {
    super('ERR_TRT_NODE_PARSE', message, { parserErrors, ...details });
    this.name = 'ParseError';
    this.parserErrors = parserErrors;
  }
}

/** TensorRT failed to build the engine (after parsing): the TensorRT log's errors ride in `details.log`. */
export class BuildError extends TrtNodeError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('ERR_TRT_NODE_BUILD', message, details);
    this.name = 'BuildError';
  }
}

/** Loading or running an engine failed. */
export class EngineError extends TrtNodeError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('ERR_TRT_NODE_ENGINE', message, details);
    this.name = 'EngineError';
  }
}

/** An option the linked TensorRT version cannot honour (e.g. fp16 flags with TensorRT 11). */
export class UnsupportedOptionError extends TrtNodeError {
  constructor(option: string, message: string, details: Record<string, unknown> = {}) {
    super('ERR_TRT_NODE_UNSUPPORTED_OPTION', message, { option, ...details });
    this.name = 'UnsupportedOptionError';
  }
}

/** A disposed object (e.g. an Engine after dispose()) was used. */
export class DisposedError extends TrtNodeError {
  /** @param message what the native side said instead, when it names what is gone (an IOBinding's array, say) */
  constructor(what: string, message = `${what} was disposed; create or load it again to use it`) {
    super('ERR_TRT_NODE_DISPOSED', message);
    this.name = 'DisposedError';
  }
}
