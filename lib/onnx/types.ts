/**
 * The typed summary of an ONNX model that the reader (lib/onnx/reader.ts) produces. JSON-able: `inspect --json`
 * prints it as is (minus nothing), and the diagnostics in lib/check read it instead of the protobuf.
 */

/** One dimension of a value's shape: a fixed size, a symbolic name (dim_param, e.g. "height"), or unknown. */
export type Dim = { kind: 'fixed'; value: number } | { kind: 'symbolic'; name: string } | { kind: 'unknown' };

/** ONNX TensorProto.DataType names, lower-case as onnxruntime spells them ('float32', 'int64', ...). */
export type ElemType = string;

export interface ValueSummary {
  name: string;
  /** e.g. 'float32'; 'undefined' when the type is not a tensor type or not given. */
  elemType: ElemType;
  /** The shape's dims; null when the rank itself is unknown (no shape recorded). */
  dims: Dim[] | null;
}

export interface InputSummary extends ValueSummary {
  /** The input has an initializer of the same name: a default value, in practice a weight (export_params=False leaves none). */
  isInitializer: boolean;
}

/** A decoded attribute. Tensors are summarised; their values are decoded only when small (≤ 64 elements). */
export type AttributeValue =
  | { type: 'float'; value: number }
  | { type: 'int'; value: number }
  | { type: 'string'; value: string }
  | { type: 'floats'; value: number[] }
  | { type: 'ints'; value: number[] }
  | { type: 'strings'; value: string[] }
  | { type: 'tensor'; value: TensorSummary }
  | { type: 'graph'; value: { nodeCount: number } }
  | { type: 'other'; value: null };

export interface NodeSummary {
  /** Position in graph.node (the index TensorRT's parser reports). */
  index: number;
  name: string;
  opType: string;
  /** '' for the default ONNX domain (also when written as 'ai.onnx'). */
  domain: string;
  inputs: string[];
  outputs: string[];
  attributes: Record<string, AttributeValue>;
}

export interface TensorSummary {
  name: string;
  elemType: ElemType;
  dims: number[];
  /** Bytes of payload (raw_data or typed fields, or the external length). */
  byteLength: number;
  dataLocation: 'internal' | 'external';
  /** For small tensors (≤ 64 elements), the values (bigint-free: int64 as number). */
  values?: number[];
}

export interface ExternalDataRef {
  tensor: string;
  /** `location` exactly as written in the model. */
  location: string;
  /** Absolute path, resolved against the model's folder. */
  path: string;
  offset: number;
  /** null when the model does not give a length (the rest of the file). */
  length: number | null;
}

export interface OpsetImport {
  /** '' for the default ONNX domain. */
  domain: string;
  version: number;
}

export interface ModelSummary {
  /** The file read, or null when read from bytes. */
  file: string | null;
  fileBytes: number;
  irVersion: number;
  producerName: string;
  producerVersion: string;
  opsets: OpsetImport[];
  graphName: string;
  /** Every graph input, initializer-backed or not, in graph order. */
  inputs: InputSummary[];
  outputs: ValueSummary[];
  valueInfo: ValueSummary[];
  nodes: NodeSummary[];
  nodeCounts: { domain: string; opType: string; count: number }[];
  initializers: {
    count: number;
    totalBytes: number;
    /** elemType -> count */
    dtypes: Record<string, number>;
    list: TensorSummary[];
  };
  externalData: ExternalDataRef[];
}
