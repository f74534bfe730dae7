/**
 * What Triton needs to know of a TensorRT engine: its inputs and outputs (names, types, dims with -1 per dynamic
 * axis), each input's min/opt/max per optimization profile, and so whether and how far the first axis batches.
 * It comes from a loaded Engine (TensorRT, or trt-node's stand-in in tests) or, where TensorRT is missing, from the
 * ONNX model and the profiles the plan will be built with: the IO TensorRT gives an engine built from them.
 */
import { ShapeError } from '../errors';
import type { ModelSummary } from '../onnx/types';
import { modelInputs, type InputRange, type OptimizationProfile } from '../shapes/profiles';
import type { EngineInputInfo, EngineTensorInfo } from '../trt/engine';
import { own } from '../util/names';

export interface EngineIO {
  inputs: readonly EngineInputInfo[];
  outputs: readonly EngineTensorInfo[];
  profileCount: number;
  /** 'engine': read from a plan; 'onnx': derived from the ONNX model and profiles (no plan was read). */
  source: 'engine' | 'onnx';
}

/** The IO of a loaded engine (an Engine, or anything shaped like one). */
export function engineIOOf(engine: { inputs: readonly EngineInputInfo[]; outputs: readonly EngineTensorInfo[]; profileCount: number }): EngineIO {
  return { inputs: engine.inputs, outputs: engine.outputs, profileCount: engine.profileCount, source: 'engine' };
}

function fixedDims(name: string, dims: ModelSummary['outputs'][number]['dims'], what: string): number[] {
  if (dims === null) {
    throw new ShapeError(`${what} "${name}" has no recorded shape in the ONNX model: its Triton dims cannot be written without the plan. Build the plan and export from it (--engine), or export the model with shapes (torch.onnx.export records them)`, { tensor: name });
  }
  return dims.map((d) => (d.kind === 'fixed' ? d.value : -1));
}

/**
 * The IO an engine built from `model` with `profiles` (already checked: lib/shapes/profiles validateProfiles) will
 * have. Dims are the ONNX dims (-1 where symbolic or unknown); TensorRT may fix an output axis the model leaves
 * symbolic, which Triton accepts either way (-1 in the config matches any engine size). A model without dynamic
 * inputs and no profile gets TensorRT's one implicit profile.
 */
export function engineIOFromModel(model: ModelSummary, profiles: readonly OptimizationProfile[]): EngineIO {
  const count = Math.max(1, profiles.length);
  const inputs = modelInputs(model).map((input): EngineInputInfo => {
    const dims = fixedDims(input.name, input.dims, 'Input');
    const ranges = Array.from({ length: count }, (_, p): InputRange => {
      const range = profiles[p] ? own(profiles[p], input.name) : undefined;
      if (range) return range;
      if (dims.includes(-1)) throw new ShapeError(`Input "${input.name}" is dynamic ${JSON.stringify(dims)} but profile ${p} gives it no range`, { input: input.name, profile: p });
      return { min: dims, opt: dims, max: dims };
    });
    return { name: input.name, type: input.elemType, dims, profiles: ranges.map((r) => ({ min: [...r.min], opt: [...r.opt], max: [...r.max] })) };
  });
  const outputs = model.outputs.map((o): EngineTensorInfo => ({ name: o.name, type: o.elemType, dims: fixedDims(o.name, o.dims, 'Output') }));
  return { inputs, outputs, profileCount: count, source: 'onnx' };
}

export interface BatchSupport {
  /** Every input and output has a dynamic first axis, along which Triton can stack requests. */
  batchable: boolean;
  /** Why not, naming the tensor (when not batchable). */
  reason?: string;
  /** The tensor that stops batching, and its first axis (when not batchable). */
  blocker?: { tensor: string; kind: 'input' | 'output'; firstAxis: number | null };
  /**
   * The largest batch the engine takes over `profiles`: per profile the smallest max[0] of its inputs, then the
   * largest over the profiles (the TensorRT backend's GetMaxSupportedBatchSize).
   */
  maxBatch: number;
  /** The smallest batch the engine takes over `profiles` (per profile the largest min[0] of its inputs). */
  minBatch: number;
}

/** Whether the engine batches along its first axis, and how far, over the given profiles (default: all). */
export function batchSupport(io: EngineIO, profiles: readonly number[] = Array.from({ length: io.profileCount }, (_, i) => i)): BatchSupport {
  const perProfile = profiles
    .filter((p) => p >= 0 && p < io.profileCount)
    .map((p) => ({
      max: Math.min(...io.inputs.map((i) => i.profiles[p]?.max[0] ?? i.dims[0] ?? 0)),
      min: Math.max(...io.inputs.map((i) => i.profiles[p]?.min[0] ?? i.dims[0] ?? 0)),
    }));
  const maxBatch = perProfile.length && io.inputs.length ? Math.max(0, ...perProfile.map((p) => p.max)) : 0;
  const minBatch = perProfile.length && io.inputs.length ? Math.min(...perProfile.map((p) => p.min)) : 0;
  const tensors = [...io.inputs.map((t) => ({ t, kind: 'input' as const })), ...io.outputs.map((t) => ({ t, kind: 'output' as const }))];
  const blocking = tensors.find(({ t }) => t.dims.length === 0 || t.dims[0] !== -1);
  if (!blocking) return { batchable: io.inputs.length > 0, maxBatch, minBatch, ...(io.inputs.length ? {} : { reason: 'the engine has no inputs' }) };
  const { t, kind } = blocking;
  const firstAxis = t.dims.length ? t.dims[0] : null;
  return {
    batchable: false,
    reason: firstAxis === null ? `${kind} "${t.name}" is a scalar (no axis to batch along)` : `the first axis of ${kind} "${t.name}" is fixed at ${firstAxis} ${JSON.stringify(t.dims)}`,
    blocker: { tensor: t.name, kind, firstAxis },
    maxBatch,
    minBatch,
  };
}
