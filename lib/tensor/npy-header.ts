/**
 * The header of a .npy file (numpy/lib/format.py): magic `\x93NUMPY`, version (1.0, 2.0 or 3.0), header length, then a
 * Python dict literal such as `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }` padded with spaces and a
 * newline so the data starts on a 64-byte boundary. Reading parses the literal with a small, strict parser (no eval);
 * writing reproduces numpy's own bytes exactly, so numpy and trt-node write identical files for the same array.
 */
import { NpyFormatError } from '../errors';
import { forTerminal } from '../util/terminal';
import { ELEMENT_SIZE, NUMERIC_TENSOR_TYPES, NumericTensorType, TensorType } from './types';

export const NPY_MAGIC = Uint8Array.of(0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59); // \x93NUMPY
/** numpy aligns the data start to this many bytes (format.ARRAY_ALIGN). */
export const NPY_ALIGN = 64;
/** Spare spaces numpy leaves in the header so the first axis can grow in place (format.GROWTH_AXIS_MAX_DIGITS). */
const GROWTH_AXIS_MAX_DIGITS = 21;

/** Where a parse error happened: the file and, inside an .npz, the array. Used to build error messages. */
export interface NpyLocation {
  file: string;
  array?: string;
}

export function npyError(at: NpyLocation, what: string, details: Record<string, unknown> = {}): NpyFormatError {
  const prefix = at.array === undefined ? '' : `array '${forTerminal(at.array)}': `;
  return new NpyFormatError(at.file, prefix + what, at.array === undefined ? details : { array: at.array, ...details });
}

/** numpy's descr (little-endian form) for each numeric tensor type trt-node reads and writes. */
export const DESCR: Readonly<Record<NumericTensorType, string>> = {
  float32: '<f4',
  float16: '<f2',
  float64: '<f8',
  int64: '<i8',
  int32: '<i4',
  int16: '<i2',
  int8: '|i1',
  uint64: '<u8',
  uint32: '<u4',
  uint16: '<u2',
  uint8: '|u1',
  bool: '|b1',
};

const SUPPORTED_LIST = [...NUMERIC_TENSOR_TYPES.map((t) => `${t} ('${DESCR[t]}')`), "string ('<U…' or '|S…')"].join(', ');

/** How string arrays are stored: numpy's str (`<U`, UTF-32 code points) or bytes (`|S`, here read as UTF-8). */
export type NpyStringKind = 'U' | 'S';

export interface NpyHeader {
  type: TensorType;
  /** numpy's descr as written, e.g. '<f4' or '<U7'. */
  descr: string;
  /** Bytes per element: the type's size, or a string array's fixed width. */
  itemSize: number;
  /** For string arrays: how their elements are stored. */
  stringKind?: NpyStringKind;
  /** True when the file stores multi-byte elements big-endian ('>f4'): the reader swaps them. */
  bigEndian: boolean;
  fortranOrder: boolean;
  dims: number[];
  /** Byte offset of the first data byte. */
  dataOffset: number;
  version: string;
}

// ---------------------------------------------------------------------------------------------------------------
// A strict parser for the Python literals numpy writes (dict, str, int, bool, None, tuple, list).

type PyValue = string | number | boolean | null | PyValue[] | { tuple: PyValue[] } | Map<string, PyValue>;

class LiteralParser {
  private pos = 0;
  constructor(
    private readonly text: string,
    private readonly fail: (what: string) => never,
  ) {}

  parseAll(): PyValue {
    const value = this.value(0);
    this.skipSpace();
    if (this.pos !== this.text.length) this.fail(`unexpected ${JSON.stringify(this.text.slice(this.pos, this.pos + 20))}`);
    return value;
  }

  private skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos])) this.pos++;
  }

  private value(depth: number): PyValue {
    if (depth > 32) this.fail('nested too deeply');
    this.skipSpace();
    const c = this.text[this.pos];
    if (c === undefined) this.fail('ends too early');
    if (c === '{') return this.dict(depth);
    if (c === '(') return { tuple: this.sequence(')', depth) };
    if (c === '[') return this.sequence(']', depth);
    if (c === "'" || c === '"') return this.string();
    const word = /^(True|False|None|[-+]?\d+L?)/.exec(this.text.slice(this.pos, this.pos + 32));
    if (!word || /[\w.]/.test(this.text[this.pos + word[0].length] ?? '')) {
      this.fail(`unexpected ${JSON.stringify(this.text.slice(this.pos, this.pos + 20))}`);
    }
    this.pos += word[0].length;
    if (word[0] === 'True') return true;
    if (word[0] === 'False') return false;
    if (word[0] === 'None') return null;
    return Number(word[0].replace(/L$/, '')); // Python 2 numpy wrote long ints as 3L
  }

  private dict(depth: number): Map<string, PyValue> {
    const out = new Map<string, PyValue>();
    this.pos++; // {
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] === '}') {
        this.pos++;
        return out;
      }
      const key = this.value(depth + 1);
      if (typeof key !== 'string') this.fail('a dict key is not a string');
      this.skipSpace();
      if (this.text[this.pos] !== ':') this.fail(`expected ':' after key '${key}'`);
      this.pos++;
      if (out.has(key)) this.fail(`key '${key}' appears twice`);
      out.set(key, this.value(depth + 1));
      this.skipSpace();
      if (this.text[this.pos] === ',') this.pos++;
      else if (this.text[this.pos] !== '}') this.fail("expected ',' or '}' in the dict");
    }
  }

  private sequence(close: string, depth: number): PyValue[] {
    const out: PyValue[] = [];
    this.pos++; // ( or [
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] === close) {
        this.pos++;
        return out;
      }
      out.push(this.value(depth + 1));
      this.skipSpace();
      if (this.text[this.pos] === ',') this.pos++;
      else if (this.text[this.pos] !== close) this.fail(`expected ',' or '${close}'`);
    }
  }

  private string(): string {
    const quote = this.text[this.pos++];
    let out = '';
    for (;;) {
      const c = this.text[this.pos++];
      if (c === undefined || c === '\n') this.fail('a string is not closed');
      if (c === quote) return out;
      if (c === '\\') {
        const e = this.text[this.pos++];
        const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '0': '\0' };
        if (e !== undefined && e in simple) out += simple[e];
        else if (e === 'x' && /^[0-9a-fA-F]{2}$/.test(this.text.slice(this.pos, this.pos + 2))) {
          out += String.fromCharCode(parseInt(this.text.slice(this.pos, this.pos + 2), 16));
          this.pos += 2;
        } else this.fail('a string has an escape sequence this reader does not know');
      } else out += c;
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// dtype descriptors

/** numpy's name for a descr such as '<c8' -> complex64, for error messages. */
function numpyDtypeName(descr: string): string {
  const m = /^[<>|=]?([a-zA-Z])(\d*)(.*)$/.exec(descr);
  if (!m) return descr;
  const [, kind, sizeText, rest] = m;
  const bits = sizeText ? Number(sizeText) * 8 : 0;
  switch (kind) {
    case 'f':
      return bits === 128 ? 'longdouble (float128)' : `float${bits}`;
    case 'i':
      return `int${bits}`;
    case 'u':
      return `uint${bits}`;
    case 'c':
      return `complex${bits}`;
    case 'b':
    case '?':
      return 'bool';
    case 'U':
      return 'str (unicode string)';
    case 'S':
    case 'a':
      return 'bytes (byte string)';
    case 'O':
      return 'object';
    case 'M':
      return `datetime64${rest}`;
    case 'm':
      return `timedelta64${rest}`;
    case 'V':
      return 'void (raw bytes)';
    default:
      return descr;
  }
}

/** What to do instead, per unsupported kind. */
function conversionHint(descr: string): string {
  const kind = /^[<>|=]?([a-zA-Z])/.exec(descr)?.[1];
  if (kind === 'c') return 'Save the real and imaginary parts as two float arrays (a.real, a.imag).';
  if (kind === 'u' || kind === 'i') return 'Convert before saving, e.g. a.astype(np.int32) or a.astype(np.int64).';
  if (kind === 'f') return 'Convert before saving, e.g. a.astype(np.float32) or a.astype(np.float64).';
  if (kind === 'M' || kind === 'm') return "Convert before saving, e.g. a.astype('int64').";
  if (kind === 'V' && /2$/.test(descr)) {
    return "If this is bfloat16 (ml_dtypes), onnxruntime-node cannot carry bfloat16 tensors: save a.astype(np.float32) and cast in the model.";
  }
  return 'Save a numeric array instead.';
}

/** The largest string width accepted: numpy allows more, but one element of 16 M code points is no tensor. */
const MAX_STRING_WIDTH = 1 << 24;

function typeOfDescr(descr: string, at: NpyLocation): { type: TensorType; bigEndian: boolean; itemSize: number; stringKind?: NpyStringKind } {
  const m = /^([<>|=])?([a-zA-Z?])(\d+)$/.exec(descr);
  if (m) {
    const [, order = '|', kind, sizeText] = m;
    const size = Number(sizeText);
    if ((kind === 'U' || kind === 'S') && size >= 1 && size <= MAX_STRING_WIDTH) {
      return { type: 'string', bigEndian: order === '>', itemSize: kind === 'U' ? size * 4 : size, stringKind: kind };
    }
    const found = NUMERIC_TENSOR_TYPES.find((t) => {
      const d = DESCR[t];
      return d[1] === (kind === '?' ? 'b' : kind) && ELEMENT_SIZE[t] === size;
    });
    // '=' is native order; numpy never writes it to files, but when it does appear the writer was little-endian
    // almost surely (every platform numpy targets today); '|' means byte order does not apply (one-byte types).
    if (found) return { type: found, bigEndian: order === '>' && size > 1, itemSize: size };
  }
  if (/^[<>|=]?O/.test(descr)) {
    throw npyError(
      at,
      "holds Python objects (dtype object, saved with allow_pickle=True); trt-node reads numeric and string arrays and never " +
        'unpickles data. Save a numeric array instead, e.g. np.save(path, np.asarray(a, dtype=np.float32)), or strings as ' +
        'a fixed-width str array: np.save(path, a.astype(str)).',
      { dtype: descr },
    );
  }
  throw npyError(
    at,
    `has dtype '${forTerminal(descr)}' (${forTerminal(numpyDtypeName(descr))}), which trt-node does not support; supported: ${SUPPORTED_LIST}. ` +
      conversionHint(descr),
    { dtype: descr },
  );
}

// ---------------------------------------------------------------------------------------------------------------

function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

function shapeText(dims: readonly number[]): string {
  return dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(', ')})`; // Python's tuple repr
}

/** Parses and validates the header; the data's size is checked by the caller. */
export function parseNpyHeader(bytes: Uint8Array, at: NpyLocation): NpyHeader {
  if (bytes.length === 0) throw npyError(at, 'is empty (0 bytes); expected a .npy file written by numpy.save');
  const magicOk = bytes.length >= NPY_MAGIC.length && NPY_MAGIC.every((b, i) => bytes[i] === b);
  if (!magicOk) {
    throw npyError(at, 'is not a .npy file (it does not start with the magic bytes \\x93NUMPY); write it with numpy.save');
  }
  if (bytes.length < 10) throw npyError(at, `is truncated: ${bytes.length} bytes, too short for a .npy header`);
  const major = bytes[6];
  const minor = bytes[7];
  const version = `${major}.${minor}`;
  if (!((major === 1 || major === 2 || major === 3) && minor === 0)) {
    throw npyError(at, `has .npy format version ${version}; trt-node reads versions 1.0, 2.0 and 3.0`, { version });
  }
  const lengthBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lengthBytes) throw npyError(at, `is truncated: ${bytes.length} bytes, too short for a .npy header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = 8 + lengthBytes;
  const dataOffset = headerStart + headerLength;
  if (dataOffset > bytes.length) {
    throw npyError(
      at,
      `is truncated: the header says it is ${headerLength} bytes long but the file has only ${bytes.length - headerStart} ` +
        'bytes after the header length field',
    );
  }
  const raw = bytes.subarray(headerStart, dataOffset);
  const text = major === 3 ? Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf8') : latin1(raw);

  const malformed = (what: string): never => {
    throw npyError(at, `has a malformed header (${forTerminal(what)}): ${forTerminal(JSON.stringify(text.length > 120 ? `${text.slice(0, 117)}...` : text))}`);
  };
  const dict = new LiteralParser(text, malformed).parseAll();
  if (!(dict instanceof Map)) return malformed('not a dict');
  const keys = [...dict.keys()].sort();
  if (keys.join() !== 'descr,fortran_order,shape') {
    return malformed(`keys must be exactly 'descr', 'fortran_order', 'shape'; found ${keys.map((k) => `'${k}'`).join(', ') || 'none'}`);
  }
  const descr = dict.get('descr');
  const fortran = dict.get('fortran_order');
  const shape = dict.get('shape');
  if (Array.isArray(descr)) {
    throw npyError(
      at,
      `holds a structured (record) array; trt-node reads plain numeric arrays only (supported: ${SUPPORTED_LIST}). ` +
        "Save each field as its own array, e.g. np.savez(path, **{n: a[n] for n in a.dtype.names}).",
      { dtype: JSON.stringify(descr) },
    );
  }
  if (typeof descr !== 'string') return malformed("'descr' is not a string");
  if (typeof fortran !== 'boolean') return malformed("'fortran_order' is not True or False");
  if (!(shape !== null && typeof shape === 'object' && 'tuple' in shape)) return malformed("'shape' is not a tuple");
  const dims = shape.tuple.map((d) => {
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) return malformed("'shape' holds something other than a non-negative integer");
    return d;
  });
  const { type, bigEndian, itemSize, stringKind } = typeOfDescr(descr, at);
  return { type, descr, itemSize, ...(stringKind ? { stringKind } : {}), bigEndian, fortranOrder: fortran, dims, dataOffset, version };
}

/**
 * The header bytes numpy writes for this descr ('<f4', '<U7'...) and shape (format._write_array_header with
 * version=None): version 1.0 unless the header needs more than 65535 bytes, then 2.0; the data then starts on a
 * 64-byte boundary.
 */
export function formatNpyHeader(descr: string, dims: readonly number[]): Uint8Array {
  let dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText(dims)}, }`;
  if (dims.length > 0) dict += ' '.repeat(GROWTH_AXIS_MAX_DIGITS - String(dims[0]).length);
  const text = Buffer.from(dict, 'latin1');
  const hlen = text.length + 1; // + the final '\n'
  for (const major of [1, 2]) {
    const prefix = major === 1 ? 10 : 12;
    // numpy's formula: a header already ending on the boundary still gets a full 64 bytes of padding.
    const padlen = NPY_ALIGN - ((prefix + hlen) % NPY_ALIGN);
    const total = hlen + padlen;
    if (major === 1 && total > 0xffff) continue;
    const out = new Uint8Array(prefix + total);
    out.set(NPY_MAGIC, 0);
    out[6] = major;
    out[7] = 0;
    const view = new DataView(out.buffer);
    if (major === 1) view.setUint16(8, total, true);
    else view.setUint32(8, total, true);
    out.set(text, prefix);
    out.fill(0x20, prefix + text.length, out.length - 1);
    out[out.length - 1] = 0x0a;
    return out;
  }
  throw new Error('unreachable: a version 2.0 header holds up to 4 GiB');
}

export { shapeText };
