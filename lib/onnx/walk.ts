/**
 * The ONNX-specific walk: ModelProto → GraphProto → NodeProto / AttributeProto / TensorProto, built on the lazy
 * field walker in ./protowire.ts. Weight payloads (raw_data, packed *_data, string_data) are skipped by seeking;
 * only their lengths are recorded, and small tensors' payloads are kept to decode their values.
 */
import { ATTRIBUTE_TYPE, DATA_TYPE_BITS, dataTypeName, onnxType } from './schema';
import {
  FieldHandler,
  FieldHandlers,
  FieldRef,
  Walk,
  WalkContext,
  bytesAt,
  WIRE_FIXED32,
  WIRE_FIXED64,
  WIRE_LEN,
  WIRE_VARINT,
  formatError,
  requireLen,
  walkMerged,
  walkMessage,
  type Span,
} from './protowire';
import { MAX_DECODED_ELEMENTS, MAX_DECODED_PAYLOAD_BYTES, decodeTensorValues, shortestFloat32 } from './tensor-values';
import type { AttributeValue, Dim, NodeCount, NodeSummary, SubgraphSummary, TensorSummary, ValueSummary } from './types';
import { looksLikeText, sniffNonOnnx } from './sniff';
import { OnnxFormatError } from '../errors';
import { forTerminal } from '../util/terminal';

/** An external-data reference as written in the model, before it is resolved against a folder. */
export interface RawExternalRef {
  tensor: string;
  location: string;
  offset: number;
  length: number | null;
  /** The tensor's size from its dims and type (what onnxruntime reads); null where the type has no fixed size. */
  tensorBytes: number | null;
  /** The summary to complete (byteLength) once the file is known. */
  summary: TensorSummary;
}

export interface GraphWalk {
  name: string;
  nodes: NodeSummary[];
  initializers: TensorSummary[];
  inputs: ValueSummary[];
  outputs: ValueSummary[];
  valueInfo: ValueSummary[];
}

/** A model-local function (ModelProto.functions): called by nodes whose domain and op type are its own. */
export interface FunctionWalk {
  domain: string;
  name: string;
  nodeCount: number;
  nodeCounts: NodeCount[];
}

export interface ModelWalk {
  irVersion: number;
  producerName: string;
  producerVersion: string;
  modelDomain: string;
  modelVersion: number;
  opsets: { domain: string; version: number }[];
  graph: GraphWalk;
  functions: FunctionWalk[];
  externals: RawExternalRef[];
}

interface State {
  ctx: WalkContext;
  externals: RawExternalRef[];
}

/** The schema types (onnxType caches its lookups). */
const T = {
  get model() {
    return onnxType('ModelProto');
  },
  get graph() {
    return onnxType('GraphProto');
  },
  get node() {
    return onnxType('NodeProto');
  },
  get attribute() {
    return onnxType('AttributeProto');
  },
  get tensor() {
    return onnxType('TensorProto');
  },
  get sparse() {
    return onnxType('SparseTensorProto');
  },
  get function() {
    return onnxType('FunctionProto');
  },
  get trainingInfo() {
    return onnxType('TrainingInfoProto');
  },
};

/** '' for the default ONNX domain, however it is spelled. */
export function normaliseDomain(domain: unknown): string {
  return typeof domain === 'string' && domain !== 'ai.onnx' ? domain : '';
}

const utf8 = new TextDecoder('utf-8');
function text(value: unknown): string {
  if (typeof value === 'string') return value;
  return value instanceof Uint8Array ? utf8.decode(value) : '';
}

function num(value: unknown, fallback = 0): number {
  return typeof value === 'number' ? value : fallback;
}

function objects(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? (value as Record<string, unknown>[]) : [];
}

/** Payload fields of TensorProto and the wire types each may use (packed, or one element per field). */
const PAYLOAD_WIRE: Record<number, number[]> = {
  4: [WIRE_LEN, WIRE_FIXED32], // float_data
  5: [WIRE_LEN, WIRE_VARINT], // int32_data
  6: [WIRE_LEN], // string_data
  7: [WIRE_LEN, WIRE_VARINT], // int64_data
  9: [WIRE_LEN], // raw_data
  10: [WIRE_LEN, WIRE_FIXED64], // double_data
  11: [WIRE_LEN, WIRE_VARINT], // uint64_data
};

interface TensorState {
  st: State;
  what: string;
  rawBytes: number | null;
  typedPresent: boolean;
  stringBytes: number;
  /** Payload bytes still allowed to be kept for decoding values; -1 once a payload was skipped. */
  budget: number;
}

function onTensorPayload(s: TensorState, g: FieldRef): boolean {
  if (!PAYLOAD_WIRE[g.no].includes(g.wire)) {
    throw formatError(s.st.ctx, `corrupt at byte ${g.start}: ${s.what} data field ${g.no} has wire type ${g.wire}`, g.start);
  }
  const len = g.end - g.valueStart;
  if (g.no === 9) s.rawBytes = (s.rawBytes ?? 0) + len;
  else if (g.no === 6) s.stringBytes += len;
  else s.typedPresent = true;
  // Keep the payload only while it is small: enough to decode a small tensor's values, never a weight.
  const size = g.end - g.start;
  if (size > s.budget) {
    s.budget = -1;
    return false;
  }
  s.budget -= size;
  return true;
}

const TENSOR_HANDLERS: FieldHandlers<TensorState> = Object.fromEntries(
  Object.keys(PAYLOAD_WIRE).map((no) => [Number(no), onTensorPayload]),
);

/**
 * The spans of a singular message field, given once or more (protobuf merges the occurrences: see walkMerged), each
 * checked to be length-delimited.
 */
function spansOf(st: State, parts: FieldRef | readonly FieldRef[], what: string): Span[] {
  const all = Array.isArray(parts) ? (parts as readonly FieldRef[]) : [parts as FieldRef];
  return all.map((f) => {
    requireLen(st.ctx, f, what);
    return { start: f.valueStart, end: f.end };
  });
}

function* walkTensor(st: State, parts: FieldRef | readonly FieldRef[], depth: number, what: string): Walk<TensorSummary> {
  const spans = spansOf(st, parts, what);
  const at = spans[0].start;
  const s: TensorState = { st, what, rawBytes: null, typedPresent: false, stringBytes: 0, budget: MAX_DECODED_PAYLOAD_BYTES };
  const h = yield* walkMerged(st.ctx, spans, depth, T.tensor, what, TENSOR_HANDLERS, s);

  const name = text(h.name);
  const dataType = num(h.data_type);
  const dims = (h.dims as number[]) ?? [];
  for (const d of dims) {
    if (!Number.isSafeInteger(d) || d < 0) {
      throw formatError(st.ctx, `${what} "${forTerminal(name)}" has an invalid dimension ${d} in its shape [${dims.join(', ')}]`, at);
    }
  }
  const count = dims.reduce((a, b) => a * b, 1);
  const summary: TensorSummary = {
    name,
    elemType: dataTypeName(dataType),
    dims,
    byteLength: 0,
    dataLocation: num(h.data_location) === 1 ? 'external' : 'internal',
  };
  if (summary.dataLocation === 'external') {
    const ref = externalRef(st, name, objects(h.external_data), dims, dataType, summary);
    st.externals.push(ref);
    summary.byteLength = ref.length ?? ref.tensorBytes ?? 0; // without either: the rest of the file (once known)
  } else {
    const bits = DATA_TYPE_BITS[dataType];
    if (s.rawBytes !== null) summary.byteLength = s.rawBytes;
    else if (s.stringBytes > 0) summary.byteLength = s.stringBytes;
    else if (s.typedPresent && bits) summary.byteLength = Math.ceil((count * bits) / 8);
    if (count <= MAX_DECODED_ELEMENTS && s.budget >= 0) {
      const values = decodeTensorValues(dataType, h, count);
      if (values) summary.values = values;
    }
  }
  return summary;
}

/** The keys ONNX defines for external_data; onnxruntime refuses a model with any other ("model format error!"). */
const EXTERNAL_KEYS = new Set(['location', 'offset', 'length', 'checksum']);

/**
 * A tensor's external-data reference, refused where onnxruntime would refuse it (so that the diagnosis is of the model
 * that runs): a key ONNX does not define, 'location' twice (readers disagree on which counts), a length other than
 * the tensor's size.
 */
function externalRef(st: State, name: string, external: Record<string, unknown>[], dims: number[], dataType: number, summary: TensorSummary): RawExternalRef {
  const refuse = (what: string, location = ''): never => {
    throw new OnnxFormatError(st.ctx.label, `tensor "${forTerminal(name)}": ${what}`, { tensor: name, ...(location ? { location } : {}) });
  };
  const entries = new Map<string, string>();
  for (const e of external) {
    const key = text(e.key);
    if (!EXTERNAL_KEYS.has(key)) refuse(`external data key "${forTerminal(key)}" is not one ONNX defines (location, offset, length, checksum); onnxruntime refuses the model`);
    if (key === 'location' && entries.has(key)) refuse('external data gives "location" twice; onnxruntime refuses it, and readers disagree on which one counts');
    entries.set(key, text(e.value)); // offset or length twice: the last, as onnxruntime reads them
  }
  const location = entries.get('location') ?? '';
  if (location === '') refuse('stored as external data but no location is given');
  const bits = DATA_TYPE_BITS[dataType];
  const count = dims.reduce((a, b) => a * b, 1);
  const tensorBytes = bits && Number.isSafeInteger(count) ? Math.ceil((count * bits) / 8) : null;
  const length = externalCount(st, entries, 'length', name, location);
  if (length !== null && tensorBytes !== null && length !== tensorBytes) {
    refuse(
      `external data length ${length} does not match the tensor's ${tensorBytes} bytes (${summary.elemType} [${dims.join(', ')}]); onnxruntime refuses the model`,
      location,
    );
  }
  return { tensor: name, location, offset: externalCount(st, entries, 'offset', name, location) ?? 0, length, tensorBytes, summary };
}

/** external_data's offset or length: a decimal string, or null when absent. */
function externalCount(st: State, entries: Map<string, string>, key: string, tensor: string, location: string): number | null {
  const value = entries.get(key);
  if (value === undefined || value === '') return null;
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw new OnnxFormatError(st.ctx.label, `tensor "${forTerminal(tensor)}": external data ${key} "${forTerminal(value)}" is not a non-negative integer`, {
      tensor,
      location,
    });
  }
  return Number(value);
}

interface SparseState {
  values: FieldRef[];
  indices: FieldRef[];
}

/** Singular message fields: their occurrences are gathered, then walked as one merged message. */
const SPARSE_HANDLERS: FieldHandlers<SparseState> = {
  1: (s, g) => (s.values.push(g), false),
  2: (s, g) => (s.indices.push(g), false),
};

function* walkSparseTensor(st: State, parts: FieldRef | readonly FieldRef[], depth: number, what: string): Walk<TensorSummary> {
  const s: SparseState = { values: [], indices: [] };
  const h = yield* walkMerged(st.ctx, spansOf(st, parts, what), depth, T.sparse, what, SPARSE_HANDLERS, s);
  const values = s.values.length ? yield* walkTensor(st, s.values, depth + 1, `${what}.values`) : undefined;
  const indices = s.indices.length ? yield* walkTensor(st, s.indices, depth + 1, `${what}.indices`) : undefined;
  const external = values?.dataLocation === 'external' || indices?.dataLocation === 'external';
  return {
    name: values?.name ?? '',
    elemType: values?.elemType ?? 'undefined',
    dims: (h.dims as number[]) ?? [],
    byteLength: (values?.byteLength ?? 0) + (indices?.byteLength ?? 0),
    dataLocation: external ? 'external' : 'internal',
    sparse: true,
  };
}

function toDims(ctx: WalkContext, name: string, shape: Record<string, unknown> | undefined): Dim[] | null {
  if (!shape) return null;
  return objects(shape.dim).map((d, axis): Dim => {
    if (typeof d.dim_value === 'number' && d.dim_value >= 0) {
      // Past 2^53 a double cannot hold the dim exactly (9007199254740993 would read as ...992): refused, not shown wrong.
      if (!Number.isSafeInteger(d.dim_value)) {
        throw formatError(ctx, `"${forTerminal(name)}" declares dim ${axis} as 2^53 or more (${d.dim_value}): no tensor has that many elements, and trt-node cannot show it exactly`);
      }
      return { kind: 'fixed', value: d.dim_value };
    }
    if (typeof d.dim_param === 'string' && d.dim_param !== '') return { kind: 'symbolic', name: d.dim_param };
    return { kind: 'unknown' };
  });
}

function toValueSummary(ctx: WalkContext, v: Record<string, unknown>): ValueSummary {
  const type = (v.type ?? {}) as Record<string, unknown>;
  const tensor = (type.tensor_type ?? type.sparse_tensor_type) as Record<string, unknown> | undefined;
  const name = text(v.name);
  return {
    name,
    elemType: tensor ? dataTypeName(num(tensor.elem_type)) : 'undefined',
    dims: tensor ? toDims(ctx, name, tensor.shape as Record<string, unknown> | undefined) : null,
  };
}

export function countNodes(nodes: NodeSummary[]): NodeCount[] {
  const counts = new Map<string, NodeCount>();
  for (const n of nodes) {
    const key = `${n.domain}\u0000${n.opType}`;
    const c = counts.get(key);
    if (c) c.count++;
    else counts.set(key, { domain: n.domain, opType: n.opType, count: 1 });
  }
  return [...counts.values()];
}

function* walkSubgraph(st: State, parts: FieldRef | readonly FieldRef[], depth: number, what: string): Walk<SubgraphSummary> {
  const g = yield* walkGraph(st, spansOf(st, parts, what), depth, what);
  return { nodeCount: g.nodes.length, nodeCounts: countNodes(g.nodes) };
}

interface AttributeState {
  st: State;
  depth: number;
  what: string;
  /** Occurrences of the singular t, g and sparse_tensor: walked once the attribute is read, each merged. */
  t: FieldRef[];
  g: FieldRef[];
  sparse: FieldRef[];
  tensors: TensorSummary[];
  graphs: SubgraphSummary[];
}

const ATTRIBUTE_HANDLERS: FieldHandlers<AttributeState> = {
  5: (s, x) => (s.t.push(x), false),
  6: (s, x) => (s.g.push(x), false),
  10: function* (s, x) {
    s.tensors.push(yield* walkTensor(s.st, x, s.depth + 1, `${s.what}.tensors[${s.tensors.length}]`));
    return false;
  },
  11: function* (s, x) {
    s.graphs.push(yield* walkSubgraph(s.st, x, s.depth + 1, `${s.what}.graphs[${s.graphs.length}]`));
    return false;
  },
  22: (s, x) => (s.sparse.push(x), false),
  23: () => false,
};

function* walkAttribute(st: State, f: FieldRef, depth: number, what: string): Walk<[string, AttributeValue]> {
  requireLen(st.ctx, f, what);
  const s: AttributeState = { st, depth, what, t: [], g: [], sparse: [], tensors: [], graphs: [] };
  const h = yield* walkMessage(st.ctx, f.valueStart, f.end, depth, T.attribute, what, ATTRIBUTE_HANDLERS, s);
  const { tensors, graphs } = s;
  const t = s.t.length ? yield* walkTensor(st, s.t, depth + 1, `${what}.t`) : undefined;
  const g = s.g.length ? yield* walkSubgraph(st, s.g, depth + 1, `${what}.g`) : undefined;
  const sparse = s.sparse.length ? yield* walkSparseTensor(st, s.sparse, depth + 1, `${what}.sparse_tensor`) : undefined;
  const name = text(h.name);
  let type = num(h.type);
  if (type === ATTRIBUTE_TYPE.UNDEFINED) {
    // IR version 1 had no type field: infer it from the field that is set.
    if (h.f !== undefined) type = ATTRIBUTE_TYPE.FLOAT;
    else if (h.i !== undefined) type = ATTRIBUTE_TYPE.INT;
    else if (h.s !== undefined) type = ATTRIBUTE_TYPE.STRING;
    else if (t) type = ATTRIBUTE_TYPE.TENSOR;
    else if (g) type = ATTRIBUTE_TYPE.GRAPH;
    else if ((h.floats as unknown[]).length) type = ATTRIBUTE_TYPE.FLOATS;
    else if ((h.ints as unknown[]).length) type = ATTRIBUTE_TYPE.INTS;
    else if ((h.strings as unknown[]).length) type = ATTRIBUTE_TYPE.STRINGS;
  }
  let value: AttributeValue = { type: 'other', value: null };
  if (h.ref_attr_name === undefined || h.ref_attr_name === '') {
    switch (type) {
      case ATTRIBUTE_TYPE.FLOAT:
        value = { type: 'float', value: shortestFloat32(num(h.f)) };
        break;
      case ATTRIBUTE_TYPE.INT:
        value = { type: 'int', value: num(h.i) };
        break;
      case ATTRIBUTE_TYPE.STRING:
        value = { type: 'string', value: text(h.s) };
        break;
      case ATTRIBUTE_TYPE.FLOATS:
        value = { type: 'floats', value: (h.floats as number[]).map((x) => shortestFloat32(Number(x))) };
        break;
      case ATTRIBUTE_TYPE.INTS:
        value = { type: 'ints', value: (h.ints as number[]).map(Number) };
        break;
      case ATTRIBUTE_TYPE.STRINGS:
        value = { type: 'strings', value: (h.strings as unknown[]).map(text) };
        break;
      case ATTRIBUTE_TYPE.TENSOR:
        if (t) value = { type: 'tensor', value: t };
        break;
      case ATTRIBUTE_TYPE.GRAPH:
        if (g) value = { type: 'graph', value: g };
        break;
      case ATTRIBUTE_TYPE.TENSORS:
        value = { type: 'tensors', value: tensors };
        break;
      case ATTRIBUTE_TYPE.GRAPHS:
        value = { type: 'graphs', value: graphs };
        break;
      case ATTRIBUTE_TYPE.SPARSE_TENSOR:
        if (sparse) value = { type: 'sparse_tensor', value: sparse };
        break;
    }
  }
  return [name, value];
}

interface NodeState {
  st: State;
  depth: number;
  what: string;
  attributes: Record<string, AttributeValue>;
  attrIndex: number;
}

const NODE_HANDLERS: FieldHandlers<NodeState> = {
  5: function* (s, x) {
    const [name, value] = yield* walkAttribute(s.st, x, s.depth + 1, `${s.what}.attribute[${s.attrIndex++}]`);
    s.attributes[name] = value;
    return false;
  },
};

function* walkNode(st: State, f: FieldRef, depth: number, what: string, index: number): Walk<NodeSummary> {
  requireLen(st.ctx, f, what);
  // A null-prototype record: attribute names come from the file ("__proto__" must stay a plain key).
  const s: NodeState = { st, depth, what, attributes: Object.create(null), attrIndex: 0 };
  const h = yield* walkMessage(st.ctx, f.valueStart, f.end, depth, T.node, what, NODE_HANDLERS, s);
  return {
    index,
    name: text(h.name),
    opType: text(h.op_type),
    domain: normaliseDomain(h.domain),
    inputs: (h.input as unknown[]).map(text),
    outputs: (h.output as unknown[]).map(text),
    attributes: s.attributes,
    ...metadataOf(h.metadata_props),
  };
}

/**
 * A node's metadata_props (IR 10) as a null-prototype record, left out when there are none. PyTorch's dynamo exporter
 * writes the module each node came from there (`namespace`, `pkg.torch.onnx.name_scopes`, ...).
 */
function metadataOf(props: unknown): { metadata?: Record<string, string> } {
  const entries = objects(props);
  if (entries.length === 0) return {};
  const metadata: Record<string, string> = Object.create(null);
  for (const e of entries) metadata[text(e.key)] = text(e.value);
  return { metadata };
}

interface GraphState {
  st: State;
  depth: number;
  what: string;
  nodes: NodeSummary[];
  initializers: TensorSummary[];
}

/** A `node` field (GraphProto 1, FunctionProto 7): walked, and added to the message's nodes. */
const nodeField: FieldHandler<{ st: State; depth: number; what: string; nodes: NodeSummary[] }> = function* (s, x) {
  const i = s.nodes.length;
  s.nodes.push(yield* walkNode(s.st, x, s.depth + 1, `${s.what}.node[${i}]`, i));
  return false;
};

const GRAPH_HANDLERS: FieldHandlers<GraphState> = {
  1: nodeField,
  5: function* (s, x) {
    s.initializers.push(yield* walkTensor(s.st, x, s.depth + 1, `${s.what}.initializer[${s.initializers.length}]`));
    return false;
  },
  15: function* (s, x) {
    s.initializers.push(yield* walkSparseTensor(s.st, x, s.depth + 1, `${s.what}.sparse_initializer`));
    return false;
  },
};

function* walkGraph(st: State, spans: readonly Span[], depth: number, what: string): Walk<GraphWalk> {
  const s: GraphState = { st, depth, what, nodes: [], initializers: [] };
  const h = yield* walkMerged(st.ctx, spans, depth, T.graph, what, GRAPH_HANDLERS, s);
  return {
    name: text(h.name),
    nodes: s.nodes,
    initializers: s.initializers,
    inputs: objects(h.input).map((v) => toValueSummary(st.ctx, v)),
    outputs: objects(h.output).map((v) => toValueSummary(st.ctx, v)),
    valueInfo: objects(h.value_info).map((v) => toValueSummary(st.ctx, v)),
  };
}

interface FunctionState {
  st: State;
  depth: number;
  what: string;
  nodes: NodeSummary[];
  attributes: number;
}

/**
 * A function's nodes and attribute defaults are walked like a graph's: a Constant inside a function may carry
 * external data (`location=/etc/passwd`), and the TensorRT build path relies on this reader's guard for it.
 */
const FUNCTION_HANDLERS: FieldHandlers<FunctionState> = {
  7: nodeField,
  11: function* (s, x) {
    yield* walkAttribute(s.st, x, s.depth + 1, `${s.what}.attribute_proto[${s.attributes++}]`);
    return false;
  },
};

function* walkFunction(st: State, f: FieldRef, depth: number, what: string): Walk<FunctionWalk> {
  requireLen(st.ctx, f, what);
  const s: FunctionState = { st, depth, what, nodes: [], attributes: 0 };
  const h = yield* walkMessage(st.ctx, f.valueStart, f.end, depth, T.function, what, FUNCTION_HANDLERS, s);
  return { domain: normaliseDomain(h.domain), name: text(h.name), nodeCount: s.nodes.length, nodeCounts: countNodes(s.nodes) };
}

/** TrainingInfoProto's graphs (singular: occurrences merged), walked for their tensors' external data only. */
const TRAINING_HANDLERS: FieldHandlers<{ initialization: FieldRef[]; algorithm: FieldRef[] }> = {
  1: (s, x) => (s.initialization.push(x), false),
  2: (s, x) => (s.algorithm.push(x), false),
};

interface ModelState {
  st: State;
  /** Every occurrence of ModelProto.graph: protobuf merges them into one graph. */
  graphs: FieldRef[];
  functions: FunctionWalk[];
  trainingInfos: number;
}

const MODEL_HANDLERS: FieldHandlers<ModelState> = {
  7: (s, x) => (s.graphs.push(x), false),
  20: function* (s, x) {
    const what = `training_info[${s.trainingInfos++}]`;
    requireLen(s.st.ctx, x, what);
    const t = { initialization: [] as FieldRef[], algorithm: [] as FieldRef[] };
    yield* walkMessage(s.st.ctx, x.valueStart, x.end, 1, T.trainingInfo, what, TRAINING_HANDLERS, t);
    if (t.initialization.length) yield* walkSubgraph(s.st, t.initialization, 2, `${what}.initialization`);
    if (t.algorithm.length) yield* walkSubgraph(s.st, t.algorithm, 2, `${what}.algorithm`);
    return false;
  },
  25: function* (s, x) {
    s.functions.push(yield* walkFunction(s.st, x, 1, `functions[${s.functions.length}]`));
    return false;
  },
};

/** Walks a whole model. Throws OnnxFormatError for anything that is not a well-formed ONNX ModelProto. */
export function* walkModel(ctx: WalkContext): Walk<ModelWalk> {
  if (ctx.size === 0) throw formatError(ctx, 'empty file (0 bytes): not an ONNX model');
  const head = yield* bytesAt(ctx, 0, Math.min(512, ctx.size));
  const kind = sniffNonOnnx(head);
  if (kind) throw formatError(ctx, `not an ONNX model: this is ${kind}`);
  const headText = looksLikeText(head);

  const st: State = { ctx, externals: [] };
  const ms: ModelState = { st, graphs: [], functions: [], trainingInfos: 0 };
  let h: Record<string, unknown>;
  let graph: GraphWalk | undefined;
  try {
    h = yield* walkMessage(ctx, 0, ctx.size, 0, T.model, 'model', MODEL_HANDLERS, ms);
    if (ms.graphs.length) graph = yield* walkGraph(st, spansOf(st, ms.graphs, 'model.graph'), 1, 'graph');
  } catch (err) {
    if (err instanceof OnnxFormatError && headText) {
      throw formatError(ctx, `not an ONNX model (the file looks like text: ${forTerminal(JSON.stringify(headText))}); ${err.message.slice(ctx.label.length + 2)}`);
    }
    throw err;
  }
  if (!graph) {
    throw formatError(
      ctx,
      `not an ONNX model: no graph (ModelProto field 7) in ${ctx.size} bytes${headText ? ` (the file looks like text: ${forTerminal(JSON.stringify(headText))})` : ''}`,
    );
  }
  if (h.ir_version === undefined) {
    throw formatError(ctx, 'not an ONNX model: ir_version (ModelProto field 1) is missing');
  }
  const opsets = objects(h.opset_import).map((o) => ({ domain: normaliseDomain(o.domain), version: num(o.version) }));
  if (opsets.length === 0 && num(h.ir_version) >= 3) {
    throw formatError(ctx, 'not a complete ONNX model: no opset_import (required since IR version 3); the file may be truncated');
  }
  return {
    irVersion: num(h.ir_version),
    producerName: text(h.producer_name),
    producerVersion: text(h.producer_version),
    modelDomain: text(h.domain),
    modelVersion: num(h.model_version),
    opsets,
    graph,
    functions: ms.functions,
    externals: st.externals,
  };
}
