/**
 * DATA_DEPENDENT_SHAPE: a tensor whose size is computed from the *values* of a graph input, with nothing bounding
 * it — a Range whose length, a ConstantOfShape/Expand/Tile whose shape, a Resize whose sizes, a Pad whose pads or a
 * OneHot whose depth come from the data (not from the input's shape, which the optimization profile bounds).
 * TensorRT builds every such size as a data-dependent dimension and needs an upper bound for it to plan memory
 * (onnx-tensorrt gives NonZero, NonMaxSuppression and friends one from their input's volume; a value-derived Range
 * length has none), so the engine build may fail where onnxruntime runs. A warning: whether it fails depends on
 * what TensorRT can infer.
 */
import type { InputSummary, NodeSummary } from '../../onnx/types';
import { describeNode, findUpstream, nodeRef, type GraphIndex } from '../graph';
import type { Finding } from '../findings';
import type { RuleContext } from './context';

/** Op type → the input slots that decide an output size, unbounded by the other inputs' sizes. */
const SIZE_SLOTS: Readonly<Record<string, readonly number[]>> = {
  Range: [0, 1, 2],
  ConstantOfShape: [0],
  Expand: [1],
  Tile: [1],
  Resize: [2, 3],
  Upsample: [1],
  Pad: [1],
  OneHot: [1],
};

/** Ops whose outputs carry shapes, not values: a size computed from them is bounded by the profile. */
const SHAPE_OPS = new Set(['Shape', 'Size']);

/**
 * An input TensorRT can take as a shape tensor: int32/int64, rank 0 or 1, fixed dims. Its values are then bounded
 * by the optimization profile (IOptimizationProfile::setShapeValues), so sizes computed from it are not unbounded.
 */
function shapeTensorLike(input: InputSummary): boolean {
  return (input.elemType === 'int64' || input.elemType === 'int32') && !!input.dims && input.dims.length <= 1 && input.dims.every((d) => d.kind === 'fixed');
}

/** The data input whose values `value` is computed from (not through Shape/Size), or undefined. */
export function valueSource(g: GraphIndex, value: string): string | undefined {
  const data = new Set(g.model.inputs.filter((i) => !i.isInitializer && !shapeTensorLike(i)).map((i) => i.name));
  return findUpstream(g, value, (name, node) => (data.has(name) ? name : node && node.domain === '' && SHAPE_OPS.has(node.opType) ? 'skip' : undefined));
}

export function checkDataDependentShapes(ctx: RuleContext): Finding[] {
  const { g } = ctx;
  const findings: Finding[] = [];
  for (const node of g.model.nodes) {
    const slots = node.domain === '' ? SIZE_SLOTS[node.opType] : undefined;
    if (!slots) continue;
    // A size fed straight from a graph input is a run-time parameter (a shape tensor where TensorRT can take one);
    // the pitfall is a size *computed* from data values (x.max().item(), int(lengths[0])).
    const computed = (name: string | undefined) => !!name && g.producer.has(name) && valueSource(g, name) !== undefined;
    const hit = slots.map((slot) => ({ slot, input: node.inputs[slot] })).find((s) => computed(s.input));
    if (!hit) continue;
    findings.push(finding(node, hit.input!, valueSource(g, hit.input!)!));
  }
  return findings;
}

function finding(node: NodeSummary, value: string, source: string): Finding {
  const fix =
    "compute sizes from tensor shapes (x.shape[i], x.size(i)) rather than from tensor values (x.max().item(), int(x[0])), or clamp the value-derived size to a fixed maximum and slice";
  return {
    code: 'DATA_DEPENDENT_SHAPE',
    severity: 'warning',
    message:
      `The size of ${describeNode(node)}'s output comes from the values of input '${source}' (through '${value}'), not from ` +
      "its shape: nothing bounds it. TensorRT builds it as a data-dependent dimension and needs an upper bound for it, " +
      'so the engine build may fail ("no upper bound" / could not find an implementation) although onnxruntime runs it. ' +
      `Way out: ${fix}.`,
    fix,
    node: nodeRef(node),
    details: { op: node.opType, value, input: source },
  };
}
