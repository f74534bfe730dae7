/**
 * Generated inputs respect what the ops reading them need (issue 20 item 3): indices stay within what they index
 * (Gather, GatherElements, RoiAlign's batch_indices) and shape inputs are shapes Expand and Reshape can take. Where
 * generated values still break a node (a range the caller forced), the run says the generated data is to blame,
 * not the model's dynamic axes.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { check } from '../../lib/check/run-check';
import { buildFeeds, generateFeeds } from '../../lib/data';
import { readModel } from '../../lib/onnx/reader';
import type { ModelSummary } from '../../lib/onnx/types';
import { encodeModel, floatTensor, node, valueInfo } from '../onnx/build-model';

const INT64 = 7;
const ints = (a: number) => ({ name: 'axis', type: 2, i: a });
let dir: string;

function save(name: string, spec: Parameters<typeof encodeModel>[0]): string {
  const file = path.join(dir, `${name}.onnx`);
  fs.writeFileSync(file, encodeModel(spec));
  return file;
}

const MODELS: Record<string, () => Parameters<typeof encodeModel>[0]> = {
  // y = table[idx]: an embedding lookup, 3 rows.
  gather: () => ({
    nodes: [node('Gather', ['table', 'idx'], ['y'], { attribute: [ints(0)] })],
    initializers: [floatTensor('table', [3, 4])],
    inputs: [valueInfo('idx', ['n'], INT64)],
    outputs: [valueInfo('y', ['n', 4])],
  }),
  // y = x[:, idx] through a Cast: the bound is x's axis 1 at the probe's shape.
  gather_input: () => ({
    nodes: [node('Cast', ['idx'], ['i64'], { attribute: [{ name: 'to', type: 2, i: INT64 }] }), node('Gather', ['x', 'i64'], ['y'], { attribute: [ints(-1)] })],
    inputs: [valueInfo('x', ['b', 't']), valueInfo('idx', ['k'], 6 /* int32 */)],
    outputs: [valueInfo('y', ['b', 'k'])],
  }),
  // torch.gather: GatherElements along axis 1 of a [2, 5] parameter.
  gather_elements: () => ({
    nodes: [node('GatherElements', ['p', 'idx'], ['y'], { attribute: [ints(1)] })],
    initializers: [floatTensor('p', [2, 5])],
    inputs: [valueInfo('idx', [2, 'k'], INT64)],
    outputs: [valueInfo('y', [2, 'k'])],
  }),
  // torchvision.ops.roi_align: batch_indices index the images of x.
  roi_align: () => ({
    nodes: [node('RoiAlign', ['x', 'rois', 'bi'], ['y'], { attribute: [{ name: 'output_height', type: 2, i: 2 }, { name: 'output_width', type: 2, i: 2 }] })],
    inputs: [valueInfo('x', ['n', 3, 'h', 'w']), valueInfo('rois', ['r', 4]), valueInfo('bi', ['r'], INT64)],
    outputs: [valueInfo('y', ['r', 3, 2, 2])],
  }),
  // x.expand(*shape) and x.reshape(*shape) with the shape fed as a tensor.
  expand: () => ({
    nodes: [node('Expand', ['x', 'shape'], ['y'])],
    inputs: [valueInfo('x', ['b', 4]), valueInfo('shape', [2], INT64)],
    outputs: [valueInfo('y', [null, null])],
  }),
  reshape: () => ({
    nodes: [node('Reshape', ['x', 'shape'], ['y'])],
    inputs: [valueInfo('x', ['b', 6]), valueInfo('shape', [2], INT64)],
    outputs: [valueInfo('y', [null, null])],
  }),
  reshape_rank3: () => ({
    nodes: [node('Reshape', ['x', 'shape'], ['y'])],
    inputs: [valueInfo('x', ['b', 6]), valueInfo('shape', [3], INT64)],
    outputs: [valueInfo('y', [null, null, null])],
  }),
  // Indices into a value whose size nothing records (the output of a Relu): only 0 is sure to be in range.
  gather_unknown: () => ({
    nodes: [node('Relu', ['x'], ['r']), node('Gather', ['r', 'idx'], ['y'], { attribute: [ints(0)] })],
    inputs: [valueInfo('x', [null, 4]), valueInfo('idx', ['n'], INT64)],
    outputs: [valueInfo('y', ['n', 4])],
  }),
};

const files: Record<string, string> = {};
const summaries: Record<string, ModelSummary> = {};

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trt-node-consumers-'));
  for (const [name, spec] of Object.entries(MODELS)) {
    files[name] = save(name, spec());
    summaries[name] = await readModel(files[name]);
  }
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const values = (t: { data: unknown }) => Array.from(t.data as ArrayLike<number | bigint>, Number);

describe('generated indices and shapes fit the ops that read them', () => {
  it('Gather: indices of an initializer stay below its row count, whatever the value range', () => {
    const m = summaries.gather;
    for (const seed of [0, 1, 2]) {
      const feeds = generateFeeds(m.inputs, { idx: [64] }, { seed, range: [0, 1000], model: m });
      const idx = values(feeds.idx);
      expect(Math.max(...idx)).toBeLessThan(3);
      expect(Math.min(...idx)).toBeGreaterThanOrEqual(0);
      expect(new Set(idx).size).toBe(3); // the whole valid range is used
    }
  });

  it("Gather on a graph input (through a Cast, negative axis): below that input's size at the probe", () => {
    const m = summaries.gather_input;
    const feeds = generateFeeds(m.inputs, { x: [2, 5], idx: [40] }, { range: [0, 100], model: m });
    expect(Math.max(...values(feeds.idx))).toBe(4);
  });

  it('GatherElements: below the size of the gathered axis', () => {
    const m = summaries.gather_elements;
    const feeds = generateFeeds(m.inputs, { idx: [2, 30] }, { range: [0, 100], model: m });
    expect(Math.max(...values(feeds.idx))).toBe(4);
  });

  it("RoiAlign: batch_indices below x's batch size (0 alone for one image)", () => {
    const m = summaries.roi_align;
    const one = generateFeeds(m.inputs, { x: [1, 3, 8, 8], rois: [5, 4], bi: [5] }, { model: m });
    expect(values(one.bi)).toEqual([0, 0, 0, 0, 0]);
    const two = generateFeeds(m.inputs, { x: [2, 3, 8, 8], rois: [40, 4], bi: [40] }, { range: [0, 9], model: m });
    expect(new Set(values(two.bi))).toEqual(new Set([0, 1]));
  });

  it("RoiAlign: rois are boxes with their corners in order (x1 ≤ x2, y1 ≤ y2), as onnxruntime needs", () => {
    const m = summaries.roi_align;
    const rois = values(generateFeeds(m.inputs, { x: [1, 3, 64, 64], rois: [50, 4], bi: [50] }, { range: [0, 50], model: m }).rois);
    for (let i = 0; i < rois.length; i += 4) {
      expect(rois[i]!).toBeLessThanOrEqual(rois[i + 2]!);
      expect(rois[i + 1]!).toBeLessThanOrEqual(rois[i + 3]!);
    }
  });

  it('Expand: a shape of ones (x broadcast to itself); Reshape: the data\'s own dims, or ones and a -1', () => {
    expect(values(generateFeeds(summaries.expand.inputs, { x: [3, 4], shape: [2] }, { model: summaries.expand }).shape)).toEqual([1, 1]);
    expect(values(generateFeeds(summaries.reshape.inputs, { x: [3, 6], shape: [2] }, { model: summaries.reshape }).shape)).toEqual([3, 6]);
    expect(values(generateFeeds(summaries.reshape_rank3.inputs, { x: [3, 6], shape: [3] }, { model: summaries.reshape_rank3 }).shape)).toEqual([1, 1, -1]);
  });

  it('indices into a value of unknown size are 0, the one index sure to exist', () => {
    const m = summaries.gather_unknown;
    expect(values(generateFeeds(m.inputs, { x: [2, 4], idx: [8] }, { model: m }).idx)).toEqual(new Array(8).fill(0));
  });

  it('a per-input range is applied as given; buildFeeds passes the model on by itself', async () => {
    const m = summaries.gather;
    expect(Math.min(...values(generateFeeds(m.inputs, { idx: [16] }, { ranges: { idx: [5, 9] }, model: m }).idx))).toBeGreaterThanOrEqual(5);
    const { feeds } = await buildFeeds(m, { shapes: { idx: [32] }, range: [0, 1000] });
    expect(Math.max(...values(feeds.idx))).toBeLessThan(3);
  });
});

describe('check runs models whose inputs are indices or shapes', () => {
  it.each(['gather', 'gather_input', 'gather_elements', 'roi_align', 'expand', 'reshape', 'reshape_rank3', 'gather_unknown'])(
    '%s: every run and dynamic-axes probe runs, no SHAPE_NOT_DYNAMIC',
    async (name) => {
      const r = await check(files[name]!, { valueRange: [0, 50] });
      expect(r.findings.map((f) => f.code)).not.toContain('SHAPE_NOT_DYNAMIC');
      expect(r.runs.map((x) => x.error?.message ?? 'ok')).toEqual(r.runs.map(() => 'ok'));
      expect(r.probe?.attempts.filter((a) => !a.ok)).toEqual([]);
      expect(r.pass).toBe(true);
    },
  );

  it('values the caller forced out of range: the run blames the generated data, not the model', async () => {
    const r = await check(files.gather!, { valueRanges: { idx: [5, 9] }, probe: false });
    expect(r.pass).toBe(false);
    expect(r.findings.map((f) => f.code)).toEqual([]);
    const error = r.runs[0]!.error!;
    expect(error.code).toBeUndefined();
    expect(error.message).toMatch(/^the generated values of 'idx' \(int64\) do not fit 'Gather_y' \(Gather\)/);
    expect(error.message).toMatch(/--inputs/);
    expect(error.message).toMatch(/--range idx:/);
    expect(error.message).toMatch(/indices element out of data bounds/); // onnxruntime's own words, kept
  });
});
