/**
 * A model with some of its intermediate tensors made graph outputs: what onnxruntime runs for a layer-wise
 * comparison (every selected tensor comes back from one run).
 *
 * The additions are a ModelProto holding only `graph.output` entries, encoded by protobufjs from the ONNX schema
 * (./schema.ts), and appended to the model's own bytes. Protobuf defines the concatenation of two encoded messages as
 * their merge, and merging the singular `graph` field appends to its repeated fields (the reader walks it so: see
 * walkMerged in ./protowire.ts), so the result is the model with more outputs. The weights are neither decoded nor
 * re-encoded (a 1.9 GB model costs one copy), and external-data references stay exactly as they were: the new model
 * loads its data from the same folder.
 */
import { DATA_TYPE_CODES, onnxType } from './schema';
import type { ModelSummary } from './types';

/** A tensor to make a graph output; `elemType` ('float32'...) when known, else onnxruntime infers it. */
export interface AddedOutput {
  name: string;
  elemType?: string;
}

/**
 * The outputs to add for `names`: each typed from the model's value_info when the export recorded it (the dynamo
 * exporter does; the classic one does for few intermediates), untyped otherwise (onnxruntime infers the type of an
 * untyped graph output from the node that makes it). Names already graph outputs are left out.
 */
export function outputsToAdd(model: Pick<ModelSummary, 'outputs' | 'valueInfo'>, names: readonly string[]): AddedOutput[] {
  const present = new Set(model.outputs.map((o) => o.name));
  const types = new Map(model.valueInfo.filter((v) => v.elemType !== 'undefined').map((v) => [v.name, v.elemType]));
  return [...new Set(names)].filter((n) => !present.has(n)).map((name) => ({ name, ...(types.has(name) ? { elemType: types.get(name)! } : {}) }));
}

/** The model `bytes` with `outputs` appended to its graph's outputs (see the file's comment for how). */
export function withGraphOutputs(bytes: Uint8Array, outputs: readonly AddedOutput[]): Uint8Array {
  if (outputs.length === 0) return bytes;
  const output = outputs.map((o) => {
    const code = o.elemType !== undefined ? DATA_TYPE_CODES[o.elemType] : undefined;
    return code !== undefined ? { name: o.name, type: { tensor_type: { elem_type: code } } } : { name: o.name };
  });
  const model = onnxType('ModelProto');
  const tail = model.encode(model.fromObject({ graph: { output } })).finish();
  const out = new Uint8Array(bytes.length + tail.length);
  out.set(bytes, 0);
  out.set(tail, bytes.length);
  return out;
}
