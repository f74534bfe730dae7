/**
 * A reader of protobuf text format (the language of Triton's config.pbtxt), written against protobuf's Text Format
 * Language Specification and read the way Triton reads a config: google::protobuf::TextFormat::ParseFromString into
 * inference.ModelConfig (triton core, filesystem/api.cc ReadTextProto). So, as there: a field the message does not
 * have, an enum value name the enum does not have, a scalar without ':', list syntax on a non-repeated field, an
 * integer out of its type's range, a string that is not UTF-8, a non-repeated field given twice (proto3: once it
 * holds a non-default value) and two members of one oneof are all errors, reported at their line and column.
 *
 * Why by hand: the one npm package that reads text format (protobuf-textformat) has a single release, depends on a
 * git fork of ProtoBuf.js 3 and lodash 2, and is unmaintained; protobufjs and @bufbuild/protobuf read binary and
 * JSON only. The reader is schema-driven (lib/triton/schema.ts, or a schema built from the fetched
 * model_config.proto in the checks) and keeps the position of every field it reads, so that findings name the line
 * to change. Messages the schema names but does not describe are read for syntax only.
 */
import { TritonConfigError } from '../errors';
import type { FieldSchema, MessageSchema, ScalarType, TextFormatSchema } from './schema';

export interface SourceLocation {
  /** 1-based. */
  line: number;
  /** 1-based, in UTF-16 code units. */
  column: number;
}

/** A parsed message: field name → value (scalars, enum value names, arrays for repeated fields, records for maps). */
export type TextMessage = Record<string, unknown>;

export interface ParsedText {
  value: TextMessage;
  /**
   * Where each field was written, by path: 'max_batch_size', 'input[1]', 'input[1].dims', 'input[1].dims[2]',
   * 'parameters["key"]'. A repeated field given several times keeps its first position under the field's own path.
   */
  locations: Map<string, SourceLocation>;
}

type TokenKind = 'ident' | 'int' | 'float' | 'string' | 'symbol' | 'end';

interface Token {
  kind: TokenKind;
  text: string;
  line: number;
  column: number;
  /** For strings: the decoded bytes. */
  bytes?: Uint8Array;
}

const WHITESPACE = new Set([' ', '\n', '\t', '\v', '\f', '\r']);
const SYMBOLS = new Set(['{', '}', '<', '>', '[', ']', ':', ',', ';', '-', '/', '.']);
const isLetter = (c: string) => /^[A-Za-z_]$/.test(c);
const isDigit = (c: string) => c >= '0' && c <= '9';

const SIMPLE_ESCAPES: Readonly<Record<string, number>> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '?': 63, '\\': 92, "'": 39, '"': 34 };

class Tokenizer {
  private pos = 0;
  private line = 1;
  private lineStart = 0;
  private peeked: Token | null = null;

  constructor(private readonly text: string, private readonly file: string) {}

  fail(at: { line: number; column: number }, what: string): never {
    throw new TritonConfigError(this.file, at.line, at.column, what);
  }

  peek(): Token {
    if (this.peeked === null) this.peeked = this.read();
    return this.peeked;
  }

  next(): Token {
    const t = this.peek();
    this.peeked = null;
    return t;
  }

  tryConsume(symbol: string): boolean {
    const t = this.peek();
    if (t.kind === 'symbol' && t.text === symbol) {
      this.next();
      return true;
    }
    return false;
  }

  expect(symbol: string): Token {
    const t = this.peek();
    if (t.kind !== 'symbol' || t.text !== symbol) this.fail(t, `Expected "${symbol}", found ${describeToken(t)}.`);
    return this.next();
  }

  private here(): { line: number; column: number } {
    return { line: this.line, column: this.pos - this.lineStart + 1 };
  }

  private skipSpaceAndComments(): void {
    const s = this.text;
    while (this.pos < s.length) {
      const c = s[this.pos];
      if (c === '\n') {
        this.pos++;
        this.line++;
        this.lineStart = this.pos;
      } else if (WHITESPACE.has(c)) {
        this.pos++;
      } else if (c === '#') {
        while (this.pos < s.length && s[this.pos] !== '\n') this.pos++;
      } else {
        return;
      }
    }
  }

  private read(): Token {
    this.skipSpaceAndComments();
    const at = this.here();
    const s = this.text;
    if (this.pos >= s.length) return { kind: 'end', text: '', ...at };
    const c = s[this.pos];
    if (c === '\0') this.fail(at, 'NUL characters are not allowed in text format.');
    if (isLetter(c)) {
      const start = this.pos;
      while (this.pos < s.length && (isLetter(s[this.pos]) || isDigit(s[this.pos]))) this.pos++;
      return { kind: 'ident', text: s.slice(start, this.pos), ...at };
    }
    if (isDigit(c) || (c === '.' && isDigit(s[this.pos + 1] ?? ''))) return this.readNumber(at);
    if (c === '"' || c === "'") return this.readString(at);
    if (SYMBOLS.has(c)) {
      this.pos++;
      return { kind: 'symbol', text: c, ...at };
    }
    return this.fail(at, `Unexpected character ${JSON.stringify(c)}.`);
  }

  private readNumber(at: { line: number; column: number }): Token {
    const rest = this.text.slice(this.pos);
    // The longest match wins (FLOAT over DEC_INT for '10f'); a number may not run into an identifier ('10bar').
    const hex = /^0[xX][0-9A-Fa-f]+/.exec(rest);
    const float = /^(?:\.[0-9]+(?:[eE][+-]?[0-9]+)?|(?:0|[1-9][0-9]*)(?:\.[0-9]*(?:[eE][+-]?[0-9]+)?|[eE][+-]?[0-9]+))[fF]?|^(?:0|[1-9][0-9]*)[fF]/.exec(rest);
    const oct = /^0[0-7]+/.exec(rest);
    const dec = /^(?:0|[1-9][0-9]*)/.exec(rest);
    let token: Token;
    if (hex) token = { kind: 'int', text: hex[0], ...at };
    else if (float && (!dec || float[0].length > dec[0].length)) token = { kind: 'float', text: float[0], ...at };
    else if (oct) token = { kind: 'int', text: oct[0], ...at };
    else token = { kind: 'int', text: dec![0], ...at };
    this.pos += token.text.length;
    const after = this.text[this.pos] ?? '';
    if (isLetter(after) || isDigit(after)) this.fail(this.here(), `Expected space or a separator after the number "${token.text}", found "${after}".`);
    return token;
  }

  private readString(at: { line: number; column: number }): Token {
    const s = this.text;
    const start = this.pos;
    const quote = s[this.pos++];
    const bytes: number[] = [];
    const utf8 = new TextEncoder();
    while (true) {
      if (this.pos >= s.length || s[this.pos] === '\n') this.fail(at, 'Unterminated string: a string ends on the line it starts.');
      const c = s[this.pos];
      if (c === quote) {
        this.pos++;
        break;
      }
      if (c !== '\\') {
        const cp = s.codePointAt(this.pos)!;
        const ch = String.fromCodePoint(cp);
        bytes.push(...utf8.encode(ch));
        this.pos += ch.length;
        continue;
      }
      const escapeAt = this.here();
      const e = s[this.pos + 1] ?? '';
      this.pos += 2;
      if (e in SIMPLE_ESCAPES) {
        bytes.push(SIMPLE_ESCAPES[e]);
      } else if (/[0-7]/.test(e)) {
        let digits = e;
        while (digits.length < 3 && /[0-7]/.test(s[this.pos] ?? '')) digits += s[this.pos++];
        bytes.push(parseInt(digits, 8) & 0xff);
      } else if (e === 'x' || e === 'X') {
        let digits = '';
        while (digits.length < 2 && /[0-9A-Fa-f]/.test(s[this.pos] ?? '')) digits += s[this.pos++];
        if (!digits) this.fail(escapeAt, 'Invalid escape sequence in string literal: \\x needs a hexadecimal digit.');
        bytes.push(parseInt(digits, 16));
      } else if (e === 'u' || e === 'U') {
        const n = e === 'u' ? 4 : 8;
        const digits = s.slice(this.pos, this.pos + n);
        const cp = /^[0-9A-Fa-f]+$/.test(digits) && digits.length === n ? parseInt(digits, 16) : NaN;
        if (!(cp <= 0x10ffff) || (cp >= 0xd800 && cp <= 0xdfff)) this.fail(escapeAt, `Invalid escape sequence in string literal: \\${e}${digits}.`);
        this.pos += n;
        bytes.push(...utf8.encode(String.fromCodePoint(cp)));
      } else {
        this.fail(escapeAt, `Invalid escape sequence in string literal: \\${e}.`);
      }
    }
    return { kind: 'string', text: s.slice(start, this.pos), ...at, bytes: Uint8Array.from(bytes) };
  }
}

function describeToken(t: Token): string {
  return t.kind === 'end' ? 'end of input' : `"${t.text}"`;
}

const INTEGER_RANGES: Readonly<Record<'int32' | 'int64' | 'uint32' | 'uint64', readonly [bigint, bigint]>> = {
  int32: [-(2n ** 31n), 2n ** 31n - 1n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
  uint32: [0n, 2n ** 32n - 1n],
  uint64: [0n, 2n ** 64n - 1n],
};

function integerValue(text: string): bigint {
  if (/^0[xX]/.test(text)) return BigInt(text);
  if (/^0[0-7]+$/.test(text)) return BigInt(`0o${text.slice(1)}`);
  return BigInt(text);
}

class Parser {
  readonly locations = new Map<string, SourceLocation>();
  /** Inside a map entry: its key and value are located by the entry (`parameters["key"]`), not by their own paths. */
  private inMapEntry = 0;

  constructor(private readonly tokens: Tokenizer, private readonly schema: TextFormatSchema) {}

  /** Reads fields until `end` (a closing symbol, or the end of input for the top-level message). */
  message(type: MessageSchema | undefined, end: string | null, path: string): TextMessage {
    const out: TextMessage = Object.create(null);
    while (true) {
      const t = this.tokens.peek();
      if (end === null && t.kind === 'end') return out;
      if (end !== null && t.kind === 'symbol' && t.text === end) {
        this.tokens.next();
        return out;
      }
      if (t.kind === 'end') this.tokens.fail(t, `Expected "${end}", found end of input.`);
      this.field(type, out, path);
    }
  }

  private field(type: MessageSchema | undefined, out: TextMessage, path: string): void {
    const nameToken = this.tokens.next();
    if (nameToken.kind === 'symbol' && nameToken.text === '[') {
      const name = this.qualifiedName();
      this.tokens.fail(nameToken, `Extension "${name}" is not defined or is not an extension of "${type?.name ?? 'this message'}".`);
    }
    if (nameToken.kind !== 'ident') this.tokens.fail(nameToken, `Expected identifier, found ${describeToken(nameToken)}.`);
    if (type === undefined) {
      // A message trt-node does not describe: read for syntax only.
      this.skipFieldValue();
      this.tokens.tryConsume(';') || this.tokens.tryConsume(',');
      return;
    }
    const field = type.fields.find((f) => f.name === nameToken.text);
    if (!field) this.tokens.fail(nameToken, `Message type "${type.name}" has no field named "${nameToken.text}".`);
    const fieldPath = path ? `${path}.${field.name}` : field.name;
    this.refuseOverwrite(type, field, out, nameToken);
    this.locate(fieldPath, nameToken, false);
    const isMessage = field.type === 'message' || field.mapKey !== undefined;
    const colon = this.tokens.tryConsume(':');
    if (!isMessage && !colon) this.tokens.fail(this.tokens.peek(), `Expected ":", found ${describeToken(this.tokens.peek())}.`);
    if (this.tokens.tryConsume('[')) {
      if (!field.repeated && field.mapKey === undefined) this.tokens.fail(nameToken, `Non-repeated field "${field.name}" cannot be given as a list ([...]).`);
      if (!this.tokens.tryConsume(']')) {
        do this.value(field, out, fieldPath);
        while (this.tokens.tryConsume(','));
        this.tokens.expect(']');
      }
    } else {
      this.value(field, out, fieldPath);
    }
    this.tokens.tryConsume(';') || this.tokens.tryConsume(',');
  }

  /** TextFormat::Parser's FORBID_SINGULAR_OVERWRITES (what ParseFromString uses), with proto3's presence rules. */
  private refuseOverwrite(type: MessageSchema, field: FieldSchema, out: TextMessage, at: Token): void {
    if (field.repeated || field.mapKey !== undefined) return;
    if (this.isPresent(field, out[field.name])) this.tokens.fail(at, `Non-repeated field "${field.name}" is specified multiple times.`);
    if (field.oneof === undefined) return;
    const other = type.fields.find((f) => f !== field && f.oneof === field.oneof && this.isPresent(f, out[f.name]));
    if (other) this.tokens.fail(at, `Field "${field.name}" is specified along with field "${other.name}", another member of oneof "${field.oneof}".`);
  }

  private locate(path: string, at: SourceLocation, replace: boolean): void {
    if (this.inMapEntry === 0 && (replace || !this.locations.has(path))) this.locations.set(path, { line: at.line, column: at.column });
  }

  /** proto3 presence (reflection's HasField): a message once given, a scalar or enum once it holds a non-default value. */
  private isPresent(field: FieldSchema, value: unknown): boolean {
    if (value === undefined) return false;
    if (field.type === 'message') return true;
    if (field.type === 'enum') return value !== 0 && (typeof value !== 'string' || this.schema.enums[field.typeName!]?.[value] !== 0);
    if (value instanceof Uint8Array) return value.length > 0;
    return value !== defaultOf(field.type);
  }

  /** One value of `field` (one element when repeated), stored into `out`. */
  private value(field: FieldSchema, out: TextMessage, fieldPath: string): void {
    const start = this.tokens.peek();
    const at = { line: start.line, column: start.column };
    if (field.mapKey !== undefined) {
      const entry = this.mapEntry(field);
      const record = (out[field.name] ??= Object.create(null)) as Record<string, unknown>;
      const key = String(entry.key);
      record[key] = entry.value; // a repeated key: the last one wins, as in a parsed map
      this.locate(`${fieldPath}[${JSON.stringify(key)}]`, at, true);
      return;
    }
    let v: unknown;
    if (field.type === 'message') {
      const open = this.tokens.next();
      if (open.kind !== 'symbol' || (open.text !== '{' && open.text !== '<')) this.tokens.fail(open, `Expected "{", found ${describeToken(open)}.`);
      const index = field.repeated ? ((out[field.name] as unknown[] | undefined)?.length ?? 0) : -1;
      const elementPath = index >= 0 ? `${fieldPath}[${index}]` : fieldPath;
      v = this.message(this.schema.messages[field.typeName!], open.text === '{' ? '}' : '>', elementPath);
    } else {
      v = this.scalar(field, field.type);
    }
    if (field.repeated) {
      const list = (out[field.name] ??= []) as unknown[];
      this.locate(`${fieldPath}[${list.length}]`, at, true);
      list.push(v);
    } else {
      out[field.name] = v;
    }
  }

  /** A map entry { key: K value: V }, both optional (defaults when absent). */
  private mapEntry(field: FieldSchema): { key: unknown; value: unknown } {
    const open = this.tokens.next();
    if (open.kind !== 'symbol' || (open.text !== '{' && open.text !== '<')) this.tokens.fail(open, `Expected "{", found ${describeToken(open)}.`);
    const valueField: FieldSchema = { name: 'value', number: 2, type: field.type, ...(field.typeName ? { typeName: field.typeName } : {}) };
    const entryType: MessageSchema = {
      name: `${field.name}Entry`,
      fields: [{ name: 'key', number: 1, type: field.mapKey! }, valueField],
    };
    this.inMapEntry++;
    const entry = this.message(entryType, open.text === '{' ? '}' : '>', '');
    this.inMapEntry--;
    return { key: entry.key ?? defaultOf(field.mapKey!), value: entry.value ?? (field.type === 'message' ? Object.create(null) : defaultOf(field.type as ScalarType)) };
  }

  private scalar(field: FieldSchema, type: FieldSchema['type']): unknown {
    if (type === 'string' || type === 'bytes') {
      const first = this.tokens.next();
      if (first.kind !== 'string') this.tokens.fail(first, `Expected string, found ${describeToken(first)}.`);
      const parts = [first.bytes!];
      while (this.tokens.peek().kind === 'string') parts.push(this.tokens.next().bytes!);
      const bytes = Uint8Array.from(parts.flatMap((p) => [...p]));
      if (type === 'bytes') return bytes;
      try {
        return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
      } catch {
        return this.tokens.fail(first, `String field "${field.name}" contains invalid UTF-8 data.`);
      }
    }
    const negative = this.tokens.tryConsume('-');
    const t = this.tokens.next();
    if (type === 'bool') {
      if (!negative && t.kind === 'ident' && ['true', 'True', 't'].includes(t.text)) return true;
      if (!negative && t.kind === 'ident' && ['false', 'False', 'f'].includes(t.text)) return false;
      if (!negative && t.kind === 'int' && (integerValue(t.text) === 0n || integerValue(t.text) === 1n)) return integerValue(t.text) === 1n;
      return this.tokens.fail(t, `Invalid value for boolean field "${field.name}". Value: "${negative ? '-' : ''}${t.text}".`);
    }
    if (type === 'enum') {
      const values = this.schema.enums[field.typeName!] ?? {};
      if (!negative && t.kind === 'ident') {
        if (!Object.prototype.hasOwnProperty.call(values, t.text)) this.tokens.fail(t, `Unknown enumeration value of "${t.text}" for field "${field.name}".`);
        return t.text;
      }
      if (t.kind === 'int') {
        const n = (negative ? -1n : 1n) * integerValue(t.text);
        if (n < INTEGER_RANGES.int32[0] || n > INTEGER_RANGES.int32[1]) this.tokens.fail(t, `Integer out of range (${negative ? '-' : ''}${t.text}) for enum field "${field.name}".`);
        // proto3 enums are open: a number the enum does not name is kept as the number.
        return Object.keys(values).find((k) => BigInt(values[k]) === n) ?? Number(n);
      }
      return this.tokens.fail(t, `Expected an enum value name or number for field "${field.name}", found ${describeToken(t)}.`);
    }
    if (type === 'float' || type === 'double') {
      if (t.kind === 'ident' && /^(inf|infinity|nan)$/i.test(t.text)) return /^nan$/i.test(t.text) ? NaN : negative ? -Infinity : Infinity;
      if (t.kind === 'float' || (t.kind === 'int' && /^(0|[1-9][0-9]*)$/.test(t.text))) {
        const n = Number(t.text.replace(/[fF]$/, ''));
        return negative ? -n : n;
      }
      return this.tokens.fail(t, `Expected double, got: ${negative ? '-' : ''}${t.text}`);
    }
    if (type === 'message') return this.tokens.fail(t, `Expected "{", found ${describeToken(t)}.`);
    if (t.kind !== 'int') return this.tokens.fail(t, `Expected integer, got: ${negative ? '-' : ''}${t.text}`);
    const range = INTEGER_RANGES[type as keyof typeof INTEGER_RANGES];
    const n = (negative ? -1n : 1n) * integerValue(t.text);
    if (negative && type.startsWith('uint')) this.tokens.fail(t, `Expected integer, got: -${t.text} (field "${field.name}" is ${type})`);
    if (n < range[0] || n > range[1]) this.tokens.fail(t, `Integer out of range (${negative ? '-' : ''}${t.text}) for ${type} field "${field.name}".`);
    if (n < BigInt(Number.MIN_SAFE_INTEGER) || n > BigInt(Number.MAX_SAFE_INTEGER)) {
      this.tokens.fail(t, `trt-node reads integers up to 2^53 - 1 in magnitude; "${field.name}" is ${negative ? '-' : ''}${t.text}.`);
    }
    return Number(n);
  }

  private qualifiedName(): string {
    const parts: string[] = [];
    while (true) {
      const t = this.tokens.next();
      if (t.kind === 'symbol' && t.text === ']') return parts.join('');
      if (t.kind === 'end') this.tokens.fail(t, 'Expected "]", found end of input.');
      parts.push(t.text);
    }
  }

  /** Skips one field's value (after its name): `: scalar`, `: [list]`, `[:] { ... }`, `[:] [ {..}, ... ]`. */
  private skipFieldValue(): void {
    const colon = this.tokens.tryConsume(':');
    const t = this.tokens.peek();
    if (t.kind === 'symbol' && (t.text === '{' || t.text === '<')) {
      this.tokens.next();
      this.message(undefined, t.text === '{' ? '}' : '>', '');
    } else if (t.kind === 'symbol' && t.text === '[') {
      this.tokens.next();
      if (this.tokens.tryConsume(']')) return;
      do this.skipListElement();
      while (this.tokens.tryConsume(','));
      this.tokens.expect(']');
    } else if (colon) {
      this.skipScalar();
    } else {
      this.tokens.fail(t, `Expected ":", found ${describeToken(t)}.`);
    }
  }

  private skipListElement(): void {
    const t = this.tokens.peek();
    if (t.kind === 'symbol' && (t.text === '{' || t.text === '<')) {
      this.tokens.next();
      this.message(undefined, t.text === '{' ? '}' : '>', '');
    } else {
      this.skipScalar();
    }
  }

  private skipScalar(): void {
    this.tokens.tryConsume('-');
    const t = this.tokens.next();
    if (t.kind === 'string') {
      while (this.tokens.peek().kind === 'string') this.tokens.next();
      return;
    }
    if (t.kind !== 'ident' && t.kind !== 'int' && t.kind !== 'float') this.tokens.fail(t, `Expected a value, found ${describeToken(t)}.`);
  }
}

function defaultOf(type: ScalarType): unknown {
  if (type === 'string') return '';
  if (type === 'bytes') return new Uint8Array(0);
  if (type === 'bool') return false;
  return 0;
}

/**
 * Reads `text` as a message of type `root` of `schema`. Throws TritonConfigError (ERR_TRT_NODE_TRITON_CONFIG) with
 * the line and column of the first problem, as Triton's parser would stop there.
 */
export function parseTextFormat(text: string, schema: TextFormatSchema, root: string, file = 'config.pbtxt'): ParsedText {
  const type = schema.messages[root];
  if (!type) throw new TypeError(`parseTextFormat: the schema has no message ${root}`);
  const parser = new Parser(new Tokenizer(text, file), schema);
  return { value: parser.message(type, null, ''), locations: parser.locations };
}
