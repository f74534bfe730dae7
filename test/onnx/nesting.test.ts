/**
 * Nesting beyond what trt-node reads (64 messages: about 21 nested If levels; protobufjs's own limit for the parts
 * it decodes) is refused as such, not called "corrupt": the file may be well-formed (issue 20 item 6, D22). The
 * message names the depth and a shortened path (it used to print a 1,300-character one).
 */
import { readModelSync } from '../../lib/onnx/reader';
import { OnnxFormatError } from '../../lib/errors';
import { caught } from '../helpers/errors';
import { concatBytes, encode, encodeModel, lenField, node, valueInfo } from './build-model';
import type { Obj } from './build-model';

/** An If whose then-branch holds an If ..., `levels` deep. */
function nestedIf(levels: number): Obj {
  const branch = (inner: Obj | null): Obj => ({ name: 'b', node: inner ? [inner] : [node('Identity', ['x'], ['y'])], output: [valueInfo('y', [1])] });
  let n: Obj | null = null;
  for (let i = 0; i < levels; i++) n = node('If', ['c'], ['y'], { attribute: [{ name: 'then_branch', type: 5, g: branch(n) }, { name: 'else_branch', type: 5, g: branch(null) }] });
  return n!;
}

test('an If nested 25 levels deep: "nested deeper than trt-node reads (64 levels ...)", not corrupt, a short path', () => {
  const bytes = encodeModel({ nodes: [nestedIf(25)], inputs: [valueInfo('c', [], 9), valueInfo('x', [1])], outputs: [valueInfo('y', [1])] });
  const err = caught(() => readModelSync(bytes));
  expect(err).toBeInstanceOf(OnnxFormatError);
  expect(err.message).toMatch(/nested deeper than trt-node reads \(64 levels of messages\)/);
  expect(err.message).not.toMatch(/corrupt/);
  expect(err.message.length).toBeLessThan(400);
});

test('an If nested 20 levels deep is read', () => {
  const bytes = encodeModel({ nodes: [nestedIf(20)], inputs: [valueInfo('c', [], 9), valueInfo('x', [1])], outputs: [valueInfo('y', [1])] });
  expect(readModelSync(bytes).nodes[0].opType).toBe('If');
});

test("a TypeProto nested 150 deep (decoded by protobufjs, whose limit is 100): refused as too deep, not corrupt", () => {
  // sequence(sequence(...(tensor float)...)): TypeProto.sequence_type (4) → Sequence.elem_type (1) → TypeProto ...
  // Encoded by hand: protobufjs refuses to encode it too.
  let t = encode('TypeProto', { tensor_type: { elem_type: 1 } });
  for (let i = 0; i < 150; i++) t = lenField(4, lenField(1, t));
  const input = concatBytes(encode('ValueInfoProto', { name: 'x' }), lenField(2, t));
  const graph = concatBytes(encode('GraphProto', { name: 'g', node: [node('Identity', ['x'], ['y'])], output: [valueInfo('y', [1])] }), lenField(11, input));
  const bytes = concatBytes(encode('ModelProto', { ir_version: 8, opset_import: [{ domain: '', version: 17 }] }), lenField(7, graph));
  const err = caught(() => readModelSync(bytes));
  expect(err.message).toMatch(/nested deeper than trt-node reads/);
  expect(err.message).not.toMatch(/corrupt|max depth exceeded/);
});
