/**
 * What the ops reading a graph input need its values to be, so that generated values can be run: indices within
 * what they index (Gather, GatherElements, RoiAlign's batch_indices) and shapes that Expand and Reshape take. Random
 * integers in the value range would otherwise fail those nodes, and the failure would look like the model's. Values
 * are followed through ops that keep them (Cast, Identity, Unsqueeze...). Where generated values still break a
 * node, `generatedSuspects` names the generated inputs that node reads, so the run can say the data is to blame.
 */
import type { InputSummary, ModelSummary, NodeSummary } from '../onnx/types';
import { own } from '../util/names';
import { quoted } from '../util/terminal';

/** What the values of one input must be for the ops that read it. */
export type ValueNeed =
  /** Indices into an axis: in [0, size); size undefined when nothing records it (then only 0 is sure to exist). */
  | { kind: 'index'; size: number | undefined }
  /** A shape for Expand (ones broadcast to anything) or Reshape (`target`: the data's dims, where known). */
  | { kind: 'shape'; op: 'Expand' | 'Reshape'; target?: readonly number[] }
  /** Boxes [x1, y1, x2, y2] per row, corners in order (RoiAlign's rois: a box upside down overflows its sizes). */
  | { kind: 'boxes' };

/** The input slot each op reads as indices, and the data input and axis those index. */
const INDEX_READERS: Readonly<Record<string, { slot: number; data: number; axis: (n: NodeSummary) => number }>> = {
  Gather: { slot: 1, data: 0, axis: (n) => intAttribute(n, 'axis', 0) },
  GatherElements: { slot: 1, data: 0, axis: (n) => intAttribute(n, 'axis', 0) },
  RoiAlign: { slot: 2, data: 0, axis: () => 0 },
};

/** The input slot each op reads as a shape. */
const SHAPE_READERS = { Expand: 1, Reshape: 1 } as const;
/** The input slot each op reads as boxes. */
const BOX_READERS: Readonly<Record<string, number>> = { RoiAlign: 1 };

/** Ops whose first output holds the values of their first input (in another type, rank or layout). */
const VALUE_KEEPING = new Set(['Identity', 'Cast', 'Unsqueeze', 'Squeeze', 'Flatten', 'Reshape']);
/** Of those, the ones that keep a shape (a 1-D list of sizes) or boxes (rows of 4) as they are. */
const SHAPE_KEEPING = new Set(['Identity', 'Cast']);
/** Ops through which a value still reaches a node (arithmetic on indices and shapes), for `generatedSuspects`. */
const VALUE_CARRYING = new Set([...VALUE_KEEPING, 'Concat', 'Add', 'Sub', 'Mul', 'Div', 'Mod', 'Neg', 'Abs', 'Slice', 'Clip', 'Min', 'Max']);

function intAttribute(n: NodeSummary, name: string, fallback: number): number {
  const a = own(n.attributes, name);
  return a?.type === 'int' ? a.value : fallback;
}

/** Nodes by the values they read, so that a value's readers are found without scanning the graph each time. */
function readersOf(model: ModelSummary): Map<string, { node: NodeSummary; slot: number }[]> {
  const readers = new Map<string, { node: NodeSummary; slot: number }[]>();
  for (const node of model.nodes) {
    node.inputs.forEach((value, slot) => {
      if (value === '') return;
      let list = readers.get(value);
      if (!list) readers.set(value, (list = []));
      list.push({ node, slot });
    });
  }
  return readers;
}

/**
 * The dims of a value where known: an initializer's, a graph input's at the shapes being generated, or fixed dims
 * recorded for it (value_info, graph outputs).
 */
function dimsOf(model: ModelSummary, value: string, shapes: Readonly<Record<string, readonly number[]>>): readonly number[] | undefined {
  const given = own(shapes, value);
  if (given) return given;
  const init = model.initializers.list.find((t) => t.name === value);
  if (init) return init.dims;
  const info = [...model.valueInfo, ...model.outputs].find((x) => x.name === value);
  if (!info?.dims || !info.dims.every((d) => d.kind === 'fixed')) return undefined;
  return info.dims.map((d) => (d as { value: number }).value);
}

/**
 * The needs of each input in `inputs` that an index or shape reader takes (directly or through ops that keep its
 * values), at `shapes` (the sizes being generated).
 */
export function valueNeeds(model: ModelSummary, inputs: readonly InputSummary[], shapes: Readonly<Record<string, readonly number[]>>): Map<string, ValueNeed[]> {
  const readers = readersOf(model);
  const out = new Map<string, ValueNeed[]>();
  for (const input of inputs) {
    const needs: ValueNeed[] = [];
    const seen = new Set<string>();
    // `asIs`: the value reached here unchanged in layout (only cast or copied), so it can still be a shape or boxes.
    const visit = (value: string, asIs: boolean) => {
      if (seen.has(`${value}|${asIs}`)) return;
      seen.add(`${value}|${asIs}`);
      for (const { node, slot } of readers.get(value) ?? []) {
        if (node.domain !== '') continue;
        const index = own(INDEX_READERS, node.opType);
        if (index && slot === index.slot) {
          const data = dimsOf(model, node.inputs[index.data] ?? '', shapes);
          const axis = index.axis(node);
          const size = data === undefined ? undefined : data[axis < 0 ? axis + data.length : axis];
          needs.push({ kind: 'index', size });
        }
        const op = node.opType as keyof typeof SHAPE_READERS;
        if (asIs && own(SHAPE_READERS, op) === slot) {
          const target = op === 'Reshape' ? dimsOf(model, node.inputs[0] ?? '', shapes) : undefined;
          needs.push({ kind: 'shape', op, ...(target ? { target } : {}) });
        }
        if (asIs && own(BOX_READERS, node.opType) === slot) needs.push({ kind: 'boxes' });
        if (slot === 0 && VALUE_KEEPING.has(node.opType) && node.outputs[0]) visit(node.outputs[0], asIs && SHAPE_KEEPING.has(node.opType));
      }
    };
    visit(input.name, true);
    if (needs.length) out.set(input.name, needs);
  }
  return out;
}

/**
 * The values of a shape input of `length` elements that its reader takes: ones for Expand (a shape of ones
 * broadcasts to the input's own), the data's dims for a Reshape of the same rank, else ones and a -1 (Reshape infers
 * that size from the rest); undefined when no op reads it as a shape.
 */
export function shapeValues(needs: readonly ValueNeed[], length: number): number[] | undefined {
  const need = needs.find((n) => n.kind === 'shape');
  if (need?.kind !== 'shape') return undefined;
  if (need.op === 'Expand') return new Array<number>(length).fill(1);
  if (need.target?.length === length && need.target.every((d) => d > 0)) return [...need.target];
  return Array.from({ length }, (_, i) => (i === length - 1 ? -1 : 1));
}

/** The largest index every reader takes (the smallest size less one; 0 where a size is unknown), or undefined. */
export function largestIndex(needs: readonly ValueNeed[]): number | undefined {
  const sizes = needs.flatMap((n) => (n.kind === 'index' ? [n.size ?? 1] : []));
  return sizes.length ? Math.max(0, Math.min(...sizes) - 1) : undefined;
}

/** Puts each row's corners in order: [x1, y1, x2, y2] with x1 ≤ x2 and y1 ≤ y2 (rows of 4 values, in place). */
export function orderBoxCorners(data: Float32Array | Float64Array | Uint16Array, dims: readonly number[]): void {
  if (dims[dims.length - 1] !== 4 || data instanceof Uint16Array) return; // float16 boxes: left as drawn
  for (let i = 0; i + 3 < data.length; i += 4) {
    for (const a of [i, i + 1]) {
      if (data[a] > data[a + 2]) [data[a], data[a + 2]] = [data[a + 2], data[a]];
    }
  }
}

/**
 * The generated inputs the node named `nodeName` reads, directly or through ops that carry values (casts, reshapes,
 * index arithmetic), whose values can break it: those not of a float type (indices, shapes, masks, flags), and
 * those whose values the generator shapes for their readers (boxes).
 */
export function generatedSuspects(model: ModelSummary, nodeName: string, generated: readonly InputSummary[]): InputSummary[] {
  const node = model.nodes.find((n) => n.name === nodeName);
  if (!node) return [];
  const shaped = valueNeeds(model, generated, {});
  const candidates = new Map(generated.filter((i) => !/float/.test(i.elemType) || shaped.has(i.name)).map((i) => [i.name, i]));
  const producer = new Map<string, NodeSummary>();
  for (const n of model.nodes) for (const o of n.outputs) producer.set(o, n);
  const found = new Set<InputSummary>();
  const seen = new Set<string>();
  const back = (value: string) => {
    if (seen.has(value)) return;
    seen.add(value);
    const input = candidates.get(value);
    if (input) found.add(input);
    const p = producer.get(value);
    if (p && p.domain === '' && VALUE_CARRYING.has(p.opType)) p.inputs.forEach(back);
  };
  node.inputs.forEach(back);
  return [...found];
}

/**
 * A run failure that generated values caused: which inputs' values did not fit which node, what to do instead, and
 * the runtime's own words.
 */
export function generatedDataMessage(suspects: readonly InputSummary[], node: { name: string; opType?: string }, runtimeMessage: string): string {
  const names = suspects.map((i) => `${quoted(i.name)} (${i.elemType})`).join(', ');
  const first = suspects[0]?.name ?? 'input';
  return (
    `the generated values of ${names} do not fit ${quoted(node.name)}${node.opType ? ` (${node.opType})` : ''}: the data is to blame, not the model. ` +
    `Feed real inputs (--inputs in.npz; samples) or give a range they fit (--range ${first}:lo..hi; valueRanges). Runtime: ${runtimeMessage}`
  );
}
