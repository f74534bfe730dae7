/**
 * onnxruntime's error texts, recognised. onnxruntime reports the export pitfalls trt-node diagnoses in its own terms
 * ("Got invalid dimensions for input: ... index: 2 Got: 3680 Expected: 960", "input 'conv1.weight' is missing in
 * 'feeds'."); `classifyOrtError` turns such a text into data that lib/check maps to findings (FIXED_DIM,
 * WEIGHTS_AS_INPUTS, UNSUPPORTED_OP, SHAPE_NOT_DYNAMIC). The patterns were taken from onnxruntime-node 1.30 running
 * the PyTorch fixtures (test/runners/ort-errors.test.ts produces each message live), plus the Python and older C++
 * wordings users paste from elsewhere ("Model requires 552 inputs. Input Feed contains 1").
 */

export interface DimMismatch {
  axis: number;
  got: number;
  expected: number;
}

interface Common {
  /** onnxruntime's message made readable: one line, without its source-file prefixes. */
  message: string;
  /** onnxruntime's text as thrown. */
  raw: string;
  /** The node onnxruntime names, where it names one. */
  nodeName?: string;
  opType?: string;
}

/** A dim fixed in the model differs from the fed one. `axis/got/expected` are the first mismatch, `dims` all. */
export interface FixedDimError extends Common {
  kind: 'fixed-dim';
  input: string;
  axis: number;
  got: number;
  expected: number;
  dims: DimMismatch[];
}

/** A fed tensor has another rank than the model's input. */
export interface InvalidRankError extends Common {
  kind: 'invalid-rank';
  input: string;
  got: number;
  expected: number;
}

/** Graph inputs without a feed (in practice: weights exported as inputs with export_params=False). */
export interface MissingInputsError extends Common {
  kind: 'missing-inputs';
  /** The inputs named as missing (onnxruntime-node names the first only). */
  missing: string[];
  /** "Model requires N inputs. Input Feed contains M" (older onnxruntime builds) gives the counts. */
  required?: number;
  given?: number;
}

/** A fed tensor has another element type than the model's input. Types in trt-node's names ('float32'). */
export interface WrongTypeError extends Common {
  kind: 'wrong-type';
  actual: string;
  expected: string;
}

/**
 * An op onnxruntime cannot run: not registered in its domain (custom domains, ATen fallbacks, unknown names), no
 * kernel for its opset/types, or a domain the model does not import.
 */
export interface UnsupportedOpError extends Common {
  kind: 'unsupported-op';
  op: string;
  /** '' for the default ONNX domain (onnxruntime writes it 'ai.onnx'). */
  domain: string;
  /** The opset version onnxruntime names (-1 or absent when it names none). */
  opset?: number;
  reason: 'not-registered' | 'no-kernel' | 'no-opset-import';
}

/** A Reshape whose target shape (typically a size traced at export) does not fit its input. */
export interface ReshapeError extends Common {
  kind: 'reshape';
  inputShape?: number[];
  requestedShape?: number[];
}

/** The model is malformed or beyond this onnxruntime (type errors, IR/opset too new, not protobuf). */
export interface InvalidModelError extends Common {
  kind: 'invalid-model';
  /** For "Unsupported model IR version" and "Opset N is under development". */
  irVersion?: number;
  opset?: number;
  /**
   * "Node input 'conv_in.weight' is not a graph input, initializer, or output of a previous node": a value nothing in
   * the model provides (torch.onnx.export(..., dynamo=True, export_params=False) leaves the weights out that way).
   */
  danglingValue?: string;
}

/** The execution provider's libraries could not be loaded or initialised. */
export interface ProviderUnavailableError extends Common {
  kind: 'provider-unavailable';
  provider?: string;
}

/** The model file does not exist. */
export interface FileMissingError extends Common {
  kind: 'file-missing';
}

/** Any other failure (a kernel failing at run time, out of memory...). */
export interface OtherOrtError extends Common {
  kind: 'other';
}

export type OrtErrorInfo =
  | FixedDimError
  | InvalidRankError
  | MissingInputsError
  | WrongTypeError
  | UnsupportedOpError
  | ReshapeError
  | InvalidModelError
  | ProviderUnavailableError
  | FileMissingError
  | OtherOrtError;

export type OrtErrorKind = OrtErrorInfo['kind'];

/**
 * onnxruntime's own text of an error: OrtRunner's TrtNodeError carries it in `details.ortMessage`; an error
 * straight from onnxruntime carries it as its message (plus its cause's, where it wraps one).
 */
export function ortErrorText(err: unknown): string {
  const details = (err as { details?: { ortMessage?: unknown } } | null | undefined)?.details;
  if (details && typeof details.ortMessage === 'string') return details.ortMessage;
  // Duck-typed, not `instanceof Error`: onnxruntime's errors may come from another realm (jest's sandbox, vm).
  if (isErrorLike(err)) {
    const cause = (err as { cause?: unknown }).cause;
    return isErrorLike(cause) && cause.message && !err.message.includes(cause.message) ? `${err.message}\n${cause.message}` : err.message;
  }
  return String(err);
}

function isErrorLike(v: unknown): v is { message: string } {
  return typeof v === 'object' && v !== null && typeof (v as { message?: unknown }).message === 'string';
}

/** tensor(float) -> float32 etc.: onnxruntime's type names as trt-node (and onnxruntime-node's Tensor) spell them. */
const ORT_TYPE_NAMES: Readonly<Record<string, string>> = {
  float: 'float32',
  double: 'float64',
  float16: 'float16',
  bfloat16: 'bfloat16',
  int64: 'int64',
  int32: 'int32',
  int16: 'int16',
  int8: 'int8',
  uint64: 'uint64',
  uint32: 'uint32',
  uint16: 'uint16',
  uint8: 'uint8',
  bool: 'bool',
  string: 'string',
};

function typeName(ortType: string): string {
  const inner = /^tensor\((\w+)\)$/.exec(ortType.trim())?.[1] ?? ortType.trim();
  return ORT_TYPE_NAMES[inner] ?? inner;
}

function parseShape(text: string): number[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(Number);
}

/** The readable part of a raw message: source-file prefixes and the "running X node" preamble dropped, one line. */
export function cleanOrtMessage(raw: string): string {
  let m = raw
    // "/onnxruntime_src/.../reshape_helper.h:91 onnxruntime::ReshapeHelper::ReshapeHelper(...) cond was false. "
    .replace(/\/onnxruntime_src\/\S+:\d+ .*? was false\. /s, '')
    // "/onnxruntime_src/.../model.cc:202 onnxruntime::Model::Model(...) Unsupported model IR version"
    .replace(/\/onnxruntime_src\/\S+:\d+ (?:[\w:~<>*&]+ )*[\w:~<>]+\((?:[^()]|\([^()]*\))*\) /s, '')
    .replace(/^Non-zero status code returned while running \S+ node\. Name:'[^']*' Status Message: /, '')
    .replace(/^Load model from .+? failed:\s*/, '');
  // One line: the whitespace around each line break becomes one space (line by line: a regex /\s*\n\s*/ would try
  // every space of a long run of them, quadratic).
  m = m
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .join(' ');
  return m.length > 400 ? `${m.slice(0, 397)}...` : m;
}

/** One kind of onnxruntime message: the texts that identify it, and the facts it carries. */
interface OrtErrorPattern {
  kind: OrtErrorKind;
  /** The row applies when any of these matches (the first match is handed to `extract`). */
  patterns: readonly RegExp[];
  /** The facts of the message, or undefined when, read closer, it is not this kind after all. */
  extract(match: RegExpExecArray, raw: string, common: Common): OrtErrorInfo | undefined;
}

/** '' for the default ONNX domain, which onnxruntime writes 'ai.onnx'. */
function domainOf(written: string | undefined): string {
  return written === 'ai.onnx' ? '' : (written ?? '');
}

/** Every name listed by `pattern` (global) in `text`, from its first group. */
function allNamed(text: string, pattern: RegExp): string[] {
  return [...text.matchAll(pattern)].map((m) => m[1]);
}

/**
 * onnxruntime's messages, most specific first: the first row whose pattern matches (and whose extract accepts it)
 * says what the message is. Quoted above each row is the wording it was taken from.
 */
const ORT_ERROR_PATTERNS: readonly OrtErrorPattern[] = [
  {
    // "Got invalid dimensions for input: input for the following indices\n index: 2 Got: 128 Expected: 96\n ..."
    kind: 'fixed-dim',
    patterns: [/Got invalid dimensions for input: (.+?) for the following indices/s],
    extract: ([, input], raw, common) => {
      const dims = [...raw.matchAll(/index: (\d+) Got: (-?\d+) Expected: (-?\d+)/g)].map((m) => ({ axis: Number(m[1]), got: Number(m[2]), expected: Number(m[3]) }));
      const first = dims[0] ?? { axis: -1, got: -1, expected: -1 };
      return { ...common, kind: 'fixed-dim', input, ...first, dims };
    },
  },
  {
    // "Invalid rank for input: input Got: 3 Expected: 4 Please fix either the inputs/outputs or the model."
    kind: 'invalid-rank',
    patterns: [/Invalid rank for input: (.+?) Got: (\d+) Expected: (\d+)/s],
    extract: ([, input, got, expected], _raw, common) => ({ ...common, kind: 'invalid-rank', input, got: Number(got), expected: Number(expected) }),
  },
  {
    // onnxruntime-node: "input 'conv1.weight' is missing in 'feeds'."; C++: "Missing Input: conv1.weight";
    // older C++: "Model requires 552 inputs. Input Feed contains 1"; Python: "Required inputs (['a', 'b']) are missing".
    kind: 'missing-inputs',
    patterns: [/Model requires (\d+) inputs?\. Input Feed contains (\d+)/, /input '[^']+' is missing in 'feeds'/, /Missing Input: \S+/, /Required inputs \(\[[^\]]*\]\) are missing/],
    extract: (_match, raw, common) => {
      const counts = /Model requires (\d+) inputs?\. Input Feed contains (\d+)/.exec(raw);
      const missing = [
        ...allNamed(raw, /input '([^']+)' is missing in 'feeds'/g),
        ...allNamed(raw, /Missing Input: (\S+)/g),
        ...allNamed(/Required inputs \(\[([^\]]*)\]\) are missing/.exec(raw)?.[1] ?? '', /'([^']+)'/g),
      ];
      if (!counts && missing.length === 0) return undefined; // "Required inputs ([]) are missing" names none
      return { ...common, kind: 'missing-inputs', missing: [...new Set(missing)], ...(counts ? { required: Number(counts[1]), given: Number(counts[2]) } : {}) };
    },
  },
  {
    // "Unexpected input data type. Actual: (tensor(double)) , expected: (tensor(float))"
    kind: 'wrong-type',
    patterns: [/Unexpected input data type\. Actual: \((tensor\(\w+\))\)\s*,\s*expected: \((tensor\(\w+\))\)/],
    extract: ([, actual, expected], _raw, common) => ({ ...common, kind: 'wrong-type', actual: typeName(actual), expected: typeName(expected) }),
  },
  {
    // "Fatal error: com.example:FastGelu(-1) is not a registered function/op" (ai.onnx for the default domain)
    kind: 'unsupported-op',
    // The name starts a word (the lookbehind), so a long word is tried once, not from each of its characters.
    patterns: [/(?<![\w.:-])(?:([\w.-]+):)?(\w+)\((-?\d+)\) is not a registered function\/op/],
    extract: ([, domain, op, opset], _raw, common) => ({ ...common, kind: 'unsupported-op', op, domain: domainOf(domain), opset: Number(opset), reason: 'not-registered' }),
  },
  {
    // "In Node, ("FooBar_y", FooBar, "", -1) : ... , Error No Op registered for FooBar with domain_version of 13"
    kind: 'unsupported-op',
    patterns: [/In Node, \("([^"]*)", (\w+), "([^"]*)", (-?\d+)\)/],
    extract: ([, nodeName, op, domain], raw, common) => {
      if (!/No Op registered for|No opset import for domain/.test(raw)) return undefined;
      const version = /with domain_version of (\d+)/.exec(raw);
      return {
        ...common,
        kind: 'unsupported-op',
        nodeName,
        opType: op,
        op,
        domain: domainOf(domain),
        ...(version ? { opset: Number(version[1]) } : {}),
        reason: /No opset import for domain/.test(raw) ? 'no-opset-import' : 'not-registered',
      };
    },
  },
  {
    // "Could not find an implementation for Abs(13) node with name 'Abs_y'"
    kind: 'unsupported-op',
    patterns: [/Could not find an implementation for (?:([\w.-]+):)?(\w+)\((\d+)\) node with name '([^']*)'/],
    extract: ([, domain, op, opset, nodeName], _raw, common) => ({ ...common, kind: 'unsupported-op', op, opType: op, domain: domainOf(domain), opset: Number(opset), nodeName, reason: 'no-kernel' }),
  },
  {
    // "... running Reshape node. Name:'/Reshape' ... The input tensor cannot be reshaped to the requested shape.
    //  Input shape:{1,4,32,32}, requested shape:{1,4,576}"
    kind: 'reshape',
    patterns: [/cannot be reshaped to the requested shape/, /requested shape/],
    extract: (match, raw, common) => {
      if (!/cannot be reshaped/.test(match[0]) && common.opType !== 'Reshape') return undefined;
      const shapes = /Input shape:\{([\d,\s-]*)\},\s*requested shape:\{([\d,\s-]*)\}/.exec(raw);
      return { ...common, kind: 'reshape', ...(shapes ? { inputShape: parseShape(shapes[1]), requestedShape: parseShape(shapes[2]) } : {}) };
    },
  },
  {
    // "OrtSessionOptionsAppendExecutionProvider_Cuda: Failed to load shared library", "Failed to get a WebGPU adapter"
    kind: 'provider-unavailable',
    patterns: [/AppendExecutionProvider_(\w+)/, /libonnxruntime_providers_(\w+)\.so/, /Failed to get a WebGPU adapter/, /\[(\w+)\] backend not found/, /backend not found/],
    extract: (match, raw, common) => {
      // A library names the provider in its own case; a missing backend is named as written.
      const fromLibrary = /AppendExecutionProvider_|libonnxruntime_providers_/.test(match[0]);
      const name = fromLibrary ? match[1].toLowerCase() : /WebGPU/.test(raw) ? 'webgpu' : match[1];
      return { ...common, kind: 'provider-unavailable', ...(name && name !== 'shared' ? { provider: name } : {}) };
    },
  },
  {
    kind: 'file-missing',
    patterns: [/File doesn't exist|No such file or directory/],
    extract: (_match, _raw, common) => ({ ...common, kind: 'file-missing' }),
  },
  {
    // "Unsupported model IR version: 11", "Opset 23 is under development", "Node input 'conv_in.weight' is not a
    // graph input, initializer, or output of a previous node", "This is an invalid model. ...", protobuf failures
    kind: 'invalid-model',
    patterns: [
      /Unsupported model IR version: (\d+)/,
      /Opset (\d+) is under development/,
      /Node input '([^']+)' is not a graph input, initializer, or output of a previous node/,
      /This is an invalid model|Invalid model\.|protobuf parsing failed|Failed to load model/,
    ],
    extract: (_match, raw, common) => {
      const ir = /Unsupported model IR version: (\d+)/.exec(raw);
      const opset = /Opset (\d+) is under development/.exec(raw);
      const dangling = /Node input '([^']+)' is not a graph input, initializer, or output of a previous node/.exec(raw);
      // "Type Error: Type 'tensor(int32)' of input parameter (x) of operator (Tanh) in node (Tanh_y) is invalid."
      const typeError = /of operator \((\w+)\) in node \(([^)]*)\)/.test(raw)
        ? { opType: /of operator \((\w+)\)/.exec(raw)![1], nodeName: /in node \(([^)]*)\)/.exec(raw)![1] }
        : undefined;
      return {
        ...common,
        kind: 'invalid-model',
        ...(ir ? { irVersion: Number(ir[1]) } : {}),
        ...(opset ? { opset: Number(opset[1]) } : {}),
        ...(dangling ? { danglingValue: dangling[1] } : {}),
        ...typeError,
      };
    },
  },
];

/** The first row of ORT_ERROR_PATTERNS that recognises `raw`. */
function recognise(raw: string, common: Common): OrtErrorInfo | undefined {
  for (const row of ORT_ERROR_PATTERNS) {
    for (const pattern of row.patterns) {
      const match = pattern.exec(raw);
      if (!match) continue;
      const info = row.extract(match, raw, common);
      if (info) return info;
      break; // read closer, not this kind: the next row
    }
  }
  return undefined;
}

/**
 * Recognises onnxruntime's error text (a raw message, or an error whose text `ortErrorText` finds). Never throws;
 * what it does not recognise comes back as kind 'other' with the cleaned message.
 */
export function classifyOrtError(errOrMessage: unknown): OrtErrorInfo {
  const raw = typeof errOrMessage === 'string' ? errOrMessage : ortErrorText(errOrMessage);
  const common: Common = { message: cleanOrtMessage(raw), raw };
  const node = /running (\S+) node\. Name:'([^']*)'/.exec(raw);
  if (node) {
    common.opType = node[1];
    common.nodeName = node[2];
  }
  return recognise(raw, common) ?? { ...common, kind: 'other' };
}
