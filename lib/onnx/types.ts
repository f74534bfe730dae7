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
  | { type: 'graph'; value: SubgraphSummary }
  | { type: 'tensors'; value: TensorSummary[] }
  | { type: 'graphs'; value: SubgraphSummary[] }
  | { type: 'sparse_tensor'; value: TensorSummary }
  /** Type protos, sparse tensor lists, references to a function's attributes (ref_attr_name), undefined types. */
  | { type: 'other'; value: null };

/** A subgraph held by an attribute (If branches, Loop/Scan bodies). */
export interface SubgraphSummary {
  nodeCount: number;
  /** Op counts of the subgraph's own nodes (deeper subgraphs are in their nodes' attributes). */
  nodeCounts: NodeCount[];
}

export interface NodeCount {
  /** '' for the default ONNX domain. */
  domain: string;
  opType: string;
  count: number;
}

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
  /**
   * NodeProto.metadata_props (IR 10), when the node has any: PyTorch's dynamo exporter records the module a node came
   * from there (`namespace`, `pkg.torch.onnx.name_scopes`, `pkg.torch.onnx.class_hierarchy`).
   */
  metadata?: Record<string, string>;
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
  /** Set for sparse initializers (SparseTensorProto): dims are the dense shape, byteLength counts values + indices. */
  sparse?: true;
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
  /** Size of the external file; absent when the file was not checked (bytes read without a baseDir). */
  fileBytes?: number;
  /** The file does not exist (set only when readModel was told to allow that: `allowMissingExternalData`). */
  missing?: true;
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
  /** ModelProto.domain and model_version as written ('' and 0 when absent). */
  modelDomain: string;
  modelVersion: number;
  /** Every graph input, initializer-backed or not, in graph order. */
  inputs: InputSummary[];
  outputs: ValueSummary[];
  valueInfo: ValueSummary[];
  nodes: NodeSummary[];
  /** Op counts of the main graph's nodes, in order of first appearance (subgraphs: see their 'graph' attributes). */
  nodeCounts: NodeCount[];
  initializers: {
    count: number;
    totalBytes: number;
    /** elemType -> count */
    dtypes: Record<string, number>;
    list: TensorSummary[];
  };
  /**
   * Model-local functions (ModelProto.functions, IR ≥ 8): nodes whose domain and op type match one call it. Their
   * nodes are not in `nodes`; their op counts are here.
   */
  functions: FunctionSummary[];
  /** Every tensor (initializers, Constant values, subgraphs, functions, training info) whose data lives in another file. */
  externalData: ExternalDataRef[];
}

export interface FunctionSummary {
  /** '' for the default ONNX domain. */
  domain: string;
  name: string;
  nodeCount: number;
  nodeCounts: NodeCount[];
}
