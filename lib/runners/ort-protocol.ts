/** Messages between OrtRunner (main side, ./ort-session.ts) and its worker thread (./ort-worker.ts). */

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

export type WorkerRequest =
  | { op: 'create'; model: string | Uint8Array; options: Record<string, unknown> }
  | { op: 'run'; id: number; feeds: Record<string, WireTensor>; outputNames?: string[] }
  | { op: 'release' };

export type WorkerReply =
  | { op: 'created'; inputNames: string[]; outputNames: string[]; inputs: WireValueInfo[]; outputs: WireValueInfo[]; version: string }
  | { op: 'result'; id: number; outputs: Record<string, WireTensor>; ms: number }
  /** onnxruntime's raw error text; id -1 for a failed create. */
  | { op: 'failed'; id: number; raw: string }
  | { op: 'released' };
