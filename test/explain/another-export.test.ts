/**
 * explain --model with onnxruntime's "invalid dimensions" about another export than the model given (new-user report
 * 2026-12-07, P4): the model leaves the axis dynamic, or fixes it at another size. explain used to translate the
 * error with this model anyway ("Input 'input' has fixed dims [batch, 1, height, width]: axis 2 is fixed at 960"),
 * suggesting the dynamic_axes the model already has; it now says the error came from another file.
 */
import * as path from 'path';
import { explain } from '../../lib/explain';
import { readModelSync } from '../../lib/onnx/reader';

const FIXTURES = path.resolve(__dirname, '..', 'fixtures');
const ERROR = 'Got invalid dimensions for input: input for the following indices\n index: 2 Got: 3680 Expected: 960\n Please fix either the inputs/outputs or the model.';

test('a model whose axis 2 is dynamic: a note that the error came from another export, no FIXED_DIM about this model', () => {
  const e = explain(ERROR, { model: readModelSync(path.join(FIXTURES, 'super_resolution', 'model.onnx')) });
  expect(e.notes.map((n) => n.message)).toEqual([
    "The model given is not the one that failed: its input 'input' is [batch, 1, height, width] (axis 2: the failing model expected 960 (it was fed 3680), this one leaves it dynamic ('height')). The error came from another export of the model (an older file?).",
  ]);
  expect(e.findings.map((f) => f.message).join('\n')).not.toMatch(/has fixed dims \[batch, 1, height, width\]/);
});

test('a model that fixes the axis at another size: the same note', () => {
  const model = readModelSync(path.join(FIXTURES, 'super_resolution_static', 'model.onnx'));
  const e = explain(ERROR, { model });
  expect(e.notes[0]?.message).toMatch(/axis 2: the failing model expected 960 \(it was fed 3680\), this one fixes it at \d+\)/);
});

test('the model that did fail (fixed at 960 on axis 2): translated with its names, as before', () => {
  const model = readModelSync(path.join(FIXTURES, 'super_resolution_static', 'model.onnx'));
  const fixed = model.inputs[0].dims![2];
  const text = ERROR.replace('Expected: 960', `Expected: ${fixed.kind === 'fixed' ? fixed.value : 0}`);
  const e = explain(text, { model });
  expect(e.notes).toEqual([]);
  expect(e.findings[0]).toMatchObject({ code: 'FIXED_DIM', input: 'input' });
});
