/**
 * Outputs without a defined order, on a real detection post-processing model (torchvision NMS then boxes[keep],
 * exported by PyTorch): another runtime may return the kept boxes in another order (TensorRT's NMS sorts its own
 * way). Its PyTorch reference with the rows reversed stands for such a run: check says it is the same rows in
 * another order, compares them order-insensitively when asked, and counts matching rows when the sets differ.
 */
import { check, formatCheckReport } from '../../lib/check';
import { readNpz } from '../../lib/tensor/npz';
import type { NamedTensors, TensorLike } from '../../lib/tensor/types';
import { fixture, fixtureFile, modelPath } from './fixtures';

/** `t` with its rows (axis 0) taken in `order`. */
function rowsIn(t: TensorLike, order: number[]): TensorLike {
  const len = t.dims.slice(1).reduce((a, b) => a * b, 1);
  const src = t.data as Float32Array;
  const out = new Float32Array(src.length);
  order.forEach((j, i) => out.set(src.subarray(j * len, (j + 1) * len), i * len));
  return { type: t.type, dims: t.dims, data: out };
}

let inputs: string;
let reference: NamedTensors;
beforeAll(async () => {
  const sample = fixture('nms_detections').samples[0];
  inputs = fixtureFile(sample.inputs);
  reference = await readNpz(fixtureFile(sample.reference));
});

test('the export matches PyTorch in PyTorch\'s order (onnxruntime sorts NMS results by score, as torchvision does)', async () => {
  const r = await check(modelPath('nms_detections'), { samples: [{ inputs, reference }], probe: false });
  expect(r.runs[0].pass).toBe(true);
  expect(r.findings.filter((f) => f.severity !== 'info')).toEqual([]);
});

test('the same detections in another order: the report says so and how to compare; unordered passes', async () => {
  const n = reference.kept_boxes.dims[0];
  expect(n).toBeGreaterThan(5);
  const reversed = Array.from({ length: n }, (_, i) => n - 1 - i);
  const otherOrder = { kept_boxes: rowsIn(reference.kept_boxes, reversed), kept_scores: rowsIn(reference.kept_scores, reversed) };
  const ordered = await check(modelPath('nms_detections'), { samples: [{ inputs, reference: otherOrder }], probe: false });
  const boxes = ordered.runs[0].outputs.find((o) => o.name === 'kept_boxes')!;
  expect(boxes.pass).toBe(false);
  expect(boxes.compared && boxes.rows).toEqual({ expected: n, actual: n, matched: n, reordered: true });
  expect(formatCheckReport(ordered)).toContain(`the same ${n} rows in another order`);
  const unordered = await check(modelPath('nms_detections'), { samples: [{ inputs, reference: otherOrder }], probe: false, unordered: ['kept_boxes', 'kept_scores'] });
  expect(unordered.runs[0].outputs.map((o) => [o.name, o.pass, o.compared && o.order])).toEqual([
    ['kept_boxes', true, 'unordered'],
    ['kept_scores', true, 'unordered'],
  ]);
  expect(unordered.pass).toBe(true);
});

test('when the sets differ, how many rows match', async () => {
  const n = reference.kept_boxes.dims[0];
  const boxes = rowsIn(reference.kept_boxes, Array.from({ length: n }, (_, i) => n - 1 - i));
  (boxes.data as Float32Array)[0] += 50; // one detection moved
  const r = await check(modelPath('nms_detections'), { samples: [{ inputs, reference: { kept_boxes: boxes } }], probe: false, unordered: ['kept_boxes'] });
  const o = r.runs[0].outputs.find((x) => x.name === 'kept_boxes')!;
  expect(o.pass).toBe(false);
  expect(o.compared && o.rows).toMatchObject({ expected: n, matched: n - 1 });
  expect(o.compared && o.problem).toBe(`${n - 1} of ${n} expected rows have an equal row in the output, in any order`);
});
