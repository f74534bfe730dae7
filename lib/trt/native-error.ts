/**
 * Native errors (a JS Error with `code`, and `parserErrors` / `log` / `recordedErrors` arrays set by
 * native/common/napi_error.cc) become trt-node's error classes, carrying the stack of the JS call site that started
 * the operation (the native stack is empty: the error was made in a worker's completion callback). sharp does the same
 * in lib/is.mjs `nativeError`.
 */
import {
  AbortError,
  BuildError,
  CudaError,
  DisposedError,
  EngineError,
  InvalidValueError,
  ParseError,
  ParserErrorInfo,
  ShapeError,
  TensorRTUnavailableError,
  TrtNodeError,
  UnsupportedOptionError,
} from '../errors';
import { logEntry } from './log';

interface RawNativeError extends Error {
  code?: string;
  parserErrors?: ParserErrorInfo[];
  log?: { severity: number; message: string; foreign?: boolean }[];
  recordedErrors?: { code: number; codeName: string; description: string }[];
}

/** One line per parser error: "node 3 Conv 'Conv_3': kUNSUPPORTED_NODE: <description>". */
export function formatParserError(e: ParserErrorInfo): string {
  const where = e.node >= 0 ? `node ${e.node} ${e.nodeOperator || '?'} '${e.nodeName}'` : 'model';
  return `${where}: ${e.codeName}: ${e.description}`;
}

/**
 * @param what     what was being done, e.g. 'buildEngine(model.onnx)', for AbortError
 * @param callSite an Error created at the public API's entry, whose stack is kept
 */
export function fromNativeError(err: unknown, what: string, callSite?: Error): Error {
  if (err instanceof TrtNodeError) return err;
  // Not `instanceof Error`: the addon makes its errors in the main realm, and code running in another one (a vm
  // context, jest's sandbox) has a different Error.
  if (typeof err !== 'object' || err === null || typeof (err as { message?: unknown }).message !== 'string') {
    return new EngineError(`${what} failed: ${String(err)}`);
  }
  const raw = err as RawNativeError;
  const details: Record<string, unknown> = {};
  if (raw.log?.length) details.log = raw.log.map(logEntry);
  if (raw.recordedErrors?.length) details.recordedErrors = raw.recordedErrors;
  let out: TrtNodeError;
  switch (raw.code) {
    case 'ERR_TRT_NODE_PARSE': {
      const list = raw.parserErrors ?? [];
      const message = list.length
        ? `TensorRT's ONNX parser rejected ${what} with ${list.length} error${list.length === 1 ? '' : 's'}:\n${list
            .map((e) => `  - ${formatParserError(e)}`)
            .join('\n')}`
        : raw.message;
      out = new ParseError(message, list, details);
      break;
    }
    case 'ERR_TRT_NODE_BUILD':
      out = new BuildError(raw.message, details);
      break;
    case 'ERR_TRT_NODE_CUDA':
      out = new CudaError(raw.message, details);
      break;
    case 'ERR_TRT_NODE_TENSORRT_UNAVAILABLE':
      out = new TensorRTUnavailableError(raw.message, details);
      break;
    case 'ERR_TRT_NODE_DISPOSED':
      // The native message names what is gone: this engine, this IOBinding, or an array of one.
      out = new DisposedError('this engine', raw.message);
      break;
    case 'ERR_TRT_NODE_ABORTED':
      out = new AbortError(what);
      break;
    case 'ERR_TRT_NODE_SHAPE':
      out = new ShapeError(raw.message, details);
      break;
    case 'ERR_TRT_NODE_UNSUPPORTED_OPTION':
      out = new UnsupportedOptionError('unknown', raw.message, details);
      break;
    case 'ERR_TRT_NODE_INVALID_VALUE': {
      // The native message says which value and why; it is kept as it is, with the log and the recorded errors.
      const invalid = new InvalidValueError('a native argument', 'a valid value', raw.message);
      invalid.message = raw.message;
      Object.assign(invalid.details, details);
      out = invalid;
      break;
    }
    default:
      out = new EngineError(raw.message, details);
  }
  if (callSite?.stack) {
    const frames = callSite.stack.split('\n').slice(1).join('\n');
    out.stack = `${out.name}: ${out.message}\n${frames}`;
  }
  return out;
}
