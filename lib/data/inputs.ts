/** The inputs argument of lib/data's functions, checked once where a caller hands it in. */
import type { InputSummary } from '../onnx/types';
import * as v from '../validate';

/** Input summaries with at least a name and an element type (InputSummary of readModel), or a usage error naming `parameter`. */
export function validateInputs(inputs: unknown, parameter = 'inputs'): InputSummary[] {
  return v.arrayOf(inputs, parameter, (x, p) => {
    const o = v.object(x, p, 'an input {name, elemType} (an InputSummary of readModel)');
    v.string(o.name, `${p}.name`);
    v.string(o.elemType, `${p}.elemType`);
    return o as unknown as InputSummary;
  });
}
