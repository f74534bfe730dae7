/**
 * A lazy protobuf walker over a random-access byte source.
 *
 * Why hand-written: protobufjs (like every protobuf library) decodes a *whole message held in memory*. An ONNX
 * model is one ModelProto whose GraphProto carries every weight inline (raw_data, packed float_data, ...), so
 * decoding it means reading and copying all the weights — 100 MB of weights cost 100 MB of reads and allocations
 * just to learn the input names. This walker instead steps through a message field by field, reading only the
 * field headers (tag + length), and *seeks past* payloads it does not need, recording their lengths. Small
 * messages (node headers, value infos, opset ids, tensor headers without their data) are gathered and handed to
 * protobufjs to decode with the schema in ./schema.ts.
 *
 * The walkers are generators that yield read requests ({pos, len}) and receive the bytes back. That keeps them
 * independent of where the bytes live: ./source.ts answers the requests from a Uint8Array, or from a file through a
 * small read window, synchronously or asynchronously — one walker, both APIs.
 *
 * Robustness: every length is checked against the bytes its enclosing message has left *before* anything is read
 * or allocated, every loop step advances by at least one byte (so no hang), nesting depth is bounded, and every
 * failure is an OnnxFormatError that names the file, the byte offset and the field.
 */
import type * as protobuf from 'protobufjs';
import { OnnxFormatError } from '../errors';

/**
 * A read: the bytes from `pos`, at least `len` of them. The source answers with as many as it conveniently has
 * (the rest of an in-memory buffer, the rest of a file read block); the walker keeps them and parses the next
 * field headers from them without asking again.
 */
export interface ReadRequest {
  pos: number;
  len: number;
}

/** A walk step: yields reads, receives the bytes, returns T. */
export type Walk<T> = Generator<ReadRequest, T, Uint8Array>;

export class WalkContext {
  /** The bytes the walker holds: [bufStart, bufStart + buf.length) of the source. */
  buf: Uint8Array = new Uint8Array(0);
  bufStart = 0;

  constructor(
    /** What to call the source in errors: the path as given, or '<bytes>'. */
    readonly label: string,
    /** Total bytes of the source. */
    readonly size: number,
  ) {}
}

/** Bytes [pos, pos + len) if the walker holds them already. */
function held(ctx: WalkContext, pos: number, len: number): Uint8Array | undefined {
  const off = pos - ctx.bufStart;
  return off >= 0 && off + len <= ctx.buf.length ? ctx.buf.subarray(off, off + len) : undefined;
}

/** Bytes [pos, pos + len), read from the source only when not held. Views stay valid (sources never reuse buffers). */
export function* bytesAt(ctx: WalkContext, pos: number, len: number): Walk<Uint8Array> {
  const hit = held(ctx, pos, len);
  if (hit) return hit;
  const got = yield { pos, len };
  if (got.length < len) throw formatError(ctx, `short read at byte ${pos}: wanted ${len} bytes, got ${got.length}`, pos);
  ctx.buf = got;
  ctx.bufStart = pos;
  return got.subarray(0, len);
}

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LEN = 2;
export const WIRE_FIXED32 = 5;

/** One field of a message, located but not read: [start, valueStart) is the tag (and length), [valueStart, end) the value. */
export interface FieldRef {
  no: number;
  wire: number;
  start: number;
  valueStart: number;
  end: number;
}

/** Messages nested deeper than this are rejected (subgraphs inside subgraphs...); real models nest a few levels. */
export const MAX_DEPTH = 64;

/** A tag (≤ 5 bytes) plus a length or varint value (≤ 10 bytes) always fit in this many bytes. */
const MAX_HEADER = 15;

export function formatError(ctx: WalkContext, what: string, offset?: number): OnnxFormatError {
  return new OnnxFormatError(ctx.label, what, offset === undefined ? {} : { offset });
}

/** A value that runs past `end`: at the end of the file that is truncation; inside, a corrupt length. */
function overrun(ctx: WalkContext, what: string, at: number, need: number, end: number): never {
  if (end >= ctx.size) {
    throw formatError(
      ctx,
      `truncated at byte ${ctx.size}: ${what} needs ${need} bytes from byte ${at} but the file ends ${ctx.size - at} bytes later`,
      at,
    );
  }
  throw formatError(ctx, `corrupt at byte ${at}: ${what} needs ${need} bytes but its enclosing message ends at byte ${end}`, at);
}

/** Reads a varint of at most `maxBytes` from b[i...]; returns [value, next index], or [-1, i] when b ends first. */
function varintAt(b: Uint8Array, i: number, maxBytes: number): [number, number] | undefined {
  let value = 0;
  let scale = 1;
  for (let k = 0; k < maxBytes; k++) {
    if (i >= b.length) return [-1, i];
    const byte = b[i++];
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) return [value, i];
    scale *= 128;
  }
  return undefined;
}

/**
 * Parses the tag and (for length-delimited fields) the length at `pos` from `b` (the next min(15, end - pos)
 * bytes); nothing of the value is read. Throws when the field is malformed or runs past `end`.
 */
export function parseFieldHeader(ctx: WalkContext, b: Uint8Array, pos: number, end: number, what: string): FieldRef {
  const tagV = varintAt(b, 0, 5);
  if (!tagV) throw formatError(ctx, `corrupt at byte ${pos}: ${what}: the field tag is not a valid varint`, pos);
  if (tagV[0] < 0) overrun(ctx, `${what}: field tag`, pos + tagV[1], 1, end);
  const [tag, afterTag] = tagV;
  const no = Math.floor(tag / 8);
  const wire = tag % 8;
  if (no === 0) throw formatError(ctx, `corrupt at byte ${pos}: ${what}: field number 0 is invalid protobuf`, pos);
  let valueStart = pos + afterTag;
  let valueLen: number;
  switch (wire) {
    case WIRE_VARINT: {
      const v = varintAt(b, afterTag, 10);
      if (!v) throw formatError(ctx, `corrupt at byte ${pos}: ${what}: field ${no} value is not a valid varint`, pos);
      if (v[0] < 0) overrun(ctx, `${what}: field ${no} value`, pos + v[1], 1, end);
      valueLen = v[1] - afterTag;
      break;
    }
    case WIRE_FIXED64:
      valueLen = 8;
      break;
    case WIRE_FIXED32:
      valueLen = 4;
      break;
    case WIRE_LEN: {
      const v = varintAt(b, afterTag, 10);
      if (!v) throw formatError(ctx, `corrupt at byte ${pos}: ${what}: length of field ${no} is not a valid varint`, pos);
      if (v[0] < 0) overrun(ctx, `${what}: length of field ${no}`, pos + v[1], 1, end);
      if (!Number.isSafeInteger(v[0])) {
        throw formatError(ctx, `corrupt at byte ${pos}: ${what}: field ${no} declares an impossible length`, pos);
      }
      valueLen = v[0];
      valueStart = pos + v[1];
      break;
    }
    default:
      throw formatError(
        ctx,
        `corrupt at byte ${pos}: ${what}: field ${no} has wire type ${wire}, which ONNX never uses (groups or invalid)`,
        pos,
      );
  }
  if (valueStart + valueLen > end) overrun(ctx, `${what} field ${no}`, valueStart, valueLen, end);
  return { no, wire, start: pos, valueStart, end: valueStart + valueLen };
}

/**
 * Handles a field itself (walks into it, records it in `state`); returns true to also keep its bytes for the
 * header decode. Handlers are static functions taking the message's state, not closures: walking creates no
 * functions per message.
 */
export type FieldHandler<S> = (state: S, field: FieldRef) => Walk<boolean> | boolean;
export type FieldHandlers<S> = Readonly<Record<number, FieldHandler<S>>>;

const wireTypesCache = new WeakMap<protobuf.Field, number[]>();

/** The wire types a schema field may arrive in (repeated scalars may be packed or not). */
function expectedWireTypes(field: protobuf.Field): number[] {
  let cached = wireTypesCache.get(field);
  if (!cached) wireTypesCache.set(field, (cached = computeWireTypes(field)));
  return cached;
}

function computeWireTypes(field: protobuf.Field): number[] {
  // Field types are protobufjs type names: message/enum names resolve to resolvedType.
  const scalar: Record<string, number> = {
    double: WIRE_FIXED64,
    float: WIRE_FIXED32,
    int32: WIRE_VARINT,
    uint32: WIRE_VARINT,
    sint32: WIRE_VARINT,
    int64: WIRE_VARINT,
    uint64: WIRE_VARINT,
    sint64: WIRE_VARINT,
    bool: WIRE_VARINT,
    fixed32: WIRE_FIXED32,
    sfixed32: WIRE_FIXED32,
    fixed64: WIRE_FIXED64,
    sfixed64: WIRE_FIXED64,
    string: WIRE_LEN,
    bytes: WIRE_LEN,
  };
  const w = scalar[field.type];
  if (w === undefined) return field.resolvedType && 'values' in field.resolvedType ? [WIRE_VARINT] : [WIRE_LEN];
  return field.repeated && w !== WIRE_LEN ? [w, WIRE_LEN] : [w];
}

/** The bytes of one occurrence of a message: [start, end) of the source. */
export interface Span {
  start: number;
  end: number;
}

/**
 * Walks the message in [start, end): fields with a handler go to it; other fields the schema type declares are
 * gathered (their raw bytes, tag included — a concatenation of fields is a valid message) and decoded with
 * protobufjs at the end; fields the schema does not declare are skipped unread.
 */
export function walkMessage<S>(ctx: WalkContext, start: number, end: number, ...how: HowToWalk<S>): Walk<Record<string, unknown>> {
  return walkMerged(ctx, [{ start, end }], ...how);
}

/** What walkMessage and walkMerged need besides the bytes: depth, schema type, name for errors, handlers, state. */
type HowToWalk<S> = [depth: number, type: protobuf.Type, what: string, handlers: FieldHandlers<S> | null, state: S];

/**
 * Walks several occurrences of one singular message field as the one message protobuf makes of them: a parser
 * merges a singular message field given more than once (its repeated fields concatenated, its scalars the last
 * value, its messages merged again), exactly as if it parsed the occurrences' bytes one after the other. onnxruntime
 * and TensorRT's parser do so; keeping only the last occurrence would diagnose another model than they run.
 */
export function* walkMerged<S>(ctx: WalkContext, spans: readonly Span[], ...[depth, type, what, handlers, state]: HowToWalk<S>): Walk<Record<string, unknown>> {
  const first = spans[0]?.start ?? 0;
  if (depth > MAX_DEPTH) throw tooDeep(ctx, first, what);
  // Kept fields, as views, read when met: their bytes are at hand then (header fields are interleaved with
  // skipped payloads and walked children, after which the walker holds other bytes).
  const kept: Uint8Array[] = [];
  let total = 0;
  for (const { start, end } of spans) {
    let pos = start;
    while (pos < end) {
      const avail = Math.min(MAX_HEADER, end - pos);
      const f = parseFieldHeader(ctx, held(ctx, pos, avail) ?? (yield* bytesAt(ctx, pos, avail)), pos, end, what);
      const handler = handlers?.[f.no];
      let keep: boolean;
      if (handler) {
        const r = handler(state, f);
        keep = typeof r === 'boolean' ? r : yield* r;
      } else {
        const field = type.fieldsById[f.no];
        keep = field !== undefined;
        if (field && !expectedWireTypes(field).includes(f.wire)) {
          throw formatError(
            ctx,
            `corrupt at byte ${f.start}: ${what}.${field.name} (field ${f.no}) has wire type ${f.wire}, expected ${expectedWireTypes(field).join(' or ')}`,
            f.start,
          );
        }
      }
      if (keep) {
        const len = f.end - f.start;
        kept.push(held(ctx, f.start, len) ?? (yield* bytesAt(ctx, f.start, len)));
        total += len;
      }
      pos = f.end;
    }
  }
  let buf: Uint8Array;
  if (kept.length === 1) {
    buf = kept[0];
  } else {
    buf = new Uint8Array(total);
    let at = 0;
    for (const k of kept) {
      buf.set(k, at);
      at += k.length;
    }
  }
  try {
    return type.toObject(type.decode(buf), { longs: Number, arrays: true }) as Record<string, unknown>;
  } catch (err) {
    const end = spans[spans.length - 1]?.end ?? first;
    if (/max depth exceeded/i.test((err as Error).message)) throw tooDeep(ctx, first, what);
    throw formatError(ctx, `corrupt ${what} in bytes ${first}..${end}: ${(err as Error).message}`, first);
  }
}

/**
 * Nesting past MAX_DEPTH: refused (a real model nests a few levels; a deeper one would only exhaust the stack), but
 * not called corrupt: the file may be well-formed protobuf. The path is cut to its ends (it grows with the depth).
 */
function tooDeep(ctx: WalkContext, at: number, what: string): OnnxFormatError {
  const path = what.length > 160 ? `${what.slice(0, 60)}…${what.slice(-60)}` : what;
  return formatError(ctx, `nested deeper than trt-node reads (${MAX_DEPTH} levels of messages) at byte ${at}: ${path}`, at);
}

/** A handler that walks a length-delimited field as a nested message of its own. */
export function requireLen(ctx: WalkContext, f: FieldRef, what: string): void {
  if (f.wire !== WIRE_LEN) {
    throw formatError(ctx, `corrupt at byte ${f.start}: ${what} (field ${f.no}) has wire type ${f.wire}, expected ${WIRE_LEN}`, f.start);
  }
}
