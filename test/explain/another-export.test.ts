/**
 * explain --model with onnxruntime's "invalid dimensions" about another export than the model given (new-user report
 * 2026-12-07, P4): the model leaves the axis dynamic, or fixes it at another size. explain used to translate the
 * error with this model anyway ("Input 'input' has fixed dims [batch, 1, height, width]: axis 2 is fixed at 960"),
 * suggesting the dynamic_axes the model already has; it now says the error came from another file (a FIXED_DIM
 * finding about the other export, as test/explain/with-model.test.ts asks of the dynamic case).
 */
import * as path from 'path';
import { explain } from '../../lib/explain';
import { readModelSync } from '../../lib/onnx/reader';

const FIXTURES = path.resolve(__dirname, '..', 'fixtures');
const ERROR = 'Got invalid dimensions for input: input for the following indices\n index: 2 Got: 3680 Expected: 960\n Please fix either the inputs/outputs or the model.';

test('a model whose axis 2 is dynamic: the error came from another export; this model is not said to fix the axis', () => {
  const e = explain(ERROR, { model: readModelSync(path.join(FIXTURES, 'super_resolution', 'model.onnx')) });
  expect(e.findings[0]).toMatchObject({ code: 'FIXED_DIM', input: 'input', axis: 2, details: { dynamicInModel: true } });
  expect(e.findings[0].message).toMatch(/in the model given here \[batch, 1, height, width\], axis 2 of input 'input' is dynamic \('height'\), so the error came from another export/);
  expect(e.findings.map((f) => f.message).join('\n')).not.toMatch(/has fixed dims \[batch, 1, height, width\]/);
});

test('a model that fixes the axis at another size: the same answer', () => {
  const model = readModelSync(path.join(FIXTURES, 'super_resolution_static', 'model.onnx'));
  const e = explain(ERROR, { model });
  expect(e.findings[0]).toMatchObject({ code: 'FIXED_DIM', details: { dynamicInModel: false } });
  expect(e.findings[0].message).toMatch(/axis 2 of input 'input' is fixed at \d+, so the error came from another export of the model \(an older one, or one exported at other sizes\)/);
  expect(e.findings[0].fix).toBe('run the failing program with this model file, or give explain the model that failed (--model)');
});

test('the model that did fail (fixed at 960 on axis 2): translated with its names, as before', () => {
  const model = readModelSync(path.join(FIXTURES, 'super_resolution_static', 'model.onnx'));
  const fixed = model.inputs[0].dims![2];
  const text = ERROR.replace('Expected: 960', `Expected: ${fixed.kind === 'fixed' ? fixed.value : 0}`);
  const e = explain(text, { model });
  expect(e.notes).toEqual([]);
  expect(e.findings[0]).toMatchObject({ code: 'FIXED_DIM', input: 'input' });
});
