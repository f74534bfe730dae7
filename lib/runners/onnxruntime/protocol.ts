/** Messages between OrtRunner (main side, ./session.ts) and its worker thread (./worker.ts). */
import type * as ortTypes from 'onnxruntime-node';

/** A tensor on the wire: numeric data as a typed array (its buffer transferred where it can be), strings as an array. */
export interface WireTensor {
  type: string;
  dims: number[];
  data: ArrayBufferView | string[];
}

export interface WireValueInfo {
  name: string;
  type: string | null;
  dims: (number | string)[];
}

/** What a loaded session tells about itself, on either thread. */
export interface SessionInfo {
  inputNames: string[];
  outputNames: string[];
  inputs: WireValueInfo[];
  outputs: WireValueInfo[];
  /** onnxruntime-node's version. */
  version: string;
}

export function sessionInfo(ort: typeof ortTypes, session: ortTypes.InferenceSession): SessionInfo {
  const meta = (m: ortTypes.InferenceSession.ValueMetadata): WireValueInfo =>
    m.isTensor ? { name: m.name, type: m.type as string, dims: [...m.shape] } : { name: m.name, type: null, dims: [] };
  return {
    inputNames: [...session.inputNames],
    outputNames: [...session.outputNames],
    inputs: session.inputMetadata.map(meta),
    outputs: session.outputMetadata.map(meta),
    version: (ort.env as { versions?: { node?: string } }).versions?.node ?? '',
  };
}

export type WorkerRequest =
  | { op: 'create'; model: string | Uint8Array; options: Record<string, unknown> }
  | { op: 'run'; id: number; feeds: Record<string, WireTensor>; outputNames?: string[] }
  | { op: 'release' };

export type WorkerReply =
  | ({ op: 'created' } & SessionInfo)
  | { op: 'result'; id: number; outputs: Record<string, WireTensor>; ms: number }
  /** onnxruntime's raw error text; id -1 for a failed create. */
  | { op: 'failed'; id: number; raw: string }
  | { op: 'released' };
