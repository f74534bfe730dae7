/**
 * Test helper: hand-made ONNX models encoded with protobufjs (the schema in lib/onnx/schema.ts), for the cases the
 * PyTorch fixtures cannot cover (external data, malformed references, every attribute kind).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { onnxType } from '../../lib/onnx/schema';

export type Obj = Record<string, unknown>;

/** A dim: a number is fixed, a string symbolic, null unknown. */
export type DimSpec = number | string | null;

export function valueInfo(name: string, dims: DimSpec[] | null, elemType = 1): Obj {
  const tensorType: Obj = { elem_type: elemType };
  if (dims) {
    tensorType.shape = {
      dim: dims.map((d) => (typeof d === 'number' ? { dim_value: d } : typeof d === 'string' ? { dim_param: d } : {})),
    };
  }
  return { name, type: { tensor_type: tensorType } };
}

export function floatTensor(name: string, dims: number[], values?: ArrayLike<number>): Obj {
  const count = dims.reduce((a, b) => a * b, 1);
  const data = new Float32Array(count);
  if (values) data.set(Array.from(values));
  else for (let i = 0; i < count; i++) data[i] = (i % 97) / 97;
  return { name, dims, data_type: 1, raw_data: new Uint8Array(data.buffer) };
}

export function externalTensor(name: string, dims: number[], location: string, offset?: number, length?: number): Obj {
  const entries: Obj[] = [{ key: 'location', value: location }];
  if (offset !== undefined) entries.push({ key: 'offset', value: String(offset) });
  if (length !== undefined) entries.push({ key: 'length', value: String(length) });
  return { name, dims, data_type: 1, data_location: 1, external_data: entries };
}

export function node(opType: string, inputs: string[], outputs: string[], extra: Obj = {}): Obj {
  return { op_type: opType, input: inputs, output: outputs, name: `${opType}_${outputs[0] ?? ''}`, ...extra };
}

export interface ModelSpec {
  irVersion?: number;
  opsets?: { domain?: string; version: number }[];
  producer?: string;
  nodes?: Obj[];
  initializers?: Obj[];
  sparseInitializers?: Obj[];
  inputs?: Obj[];
  outputs?: Obj[];
  valueInfo?: Obj[];
}

export function modelObject(spec: ModelSpec): Obj {
  return {
    ir_version: spec.irVersion ?? 8,
    producer_name: spec.producer ?? 'trt-node-tests',
    producer_version: '0',
    opset_import: spec.opsets ?? [{ domain: '', version: 17 }],
    graph: {
      name: 'g',
      node: spec.nodes ?? [],
      initializer: spec.initializers ?? [],
      sparse_initializer: spec.sparseInitializers ?? [],
      input: spec.inputs ?? [],
      output: spec.outputs ?? [],
      value_info: spec.valueInfo ?? [],
    },
  };
}

export function encode(type: Parameters<typeof onnxType>[0], obj: Obj): Uint8Array {
  const t = onnxType(type);
  return t.encode(t.fromObject(obj)).finish();
}

export function encodeModel(spec: ModelSpec): Uint8Array {
  return encode('ModelProto', modelObject(spec));
}

/** Writes the model of `spec` as `dir/name` and returns its path. */
export function writeModel(dir: string, name: string, spec: ModelSpec): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, encodeModel(spec));
  return file;
}

/** A length-delimited protobuf field by hand (tag, length, bytes): for what protobufjs will not encode (a field given twice, deep nesting). */
export function lenField(no: number, bytes: Uint8Array): Uint8Array {
  return concatBytes(lenFieldHeader(no, bytes.length), bytes);
}

/** The tag and length of a length-delimited field whose `length` bytes follow (or are not in memory at all). */
export function lenFieldHeader(no: number, length: number): Uint8Array {
  const head: number[] = [];
  const varint = (n: number) => {
    for (; n >= 0x80; n = Math.floor(n / 128)) head.push((n % 128) | 0x80);
    head.push(n);
  };
  varint(no * 8 + 2);
  varint(length);
  return new Uint8Array(head);
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A fresh temp folder; remove with removeTemp. */
export function makeTemp(prefix = 'trt-node-onnx-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function removeTemp(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}
