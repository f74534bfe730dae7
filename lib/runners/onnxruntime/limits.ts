/**
 * Models onnxruntime-node cannot carry, refused before a session is made, with what to do: a check would otherwise
 * fail with words that point elsewhere.
 * - A bfloat16 input or output: onnxruntime-node's JavaScript API has no bfloat16 tensor, so creating the session
 *   fails with "Unsupported data type: 16".
 * - A NUL inside an input or output name: onnxruntime-node passes names as C strings, which end at the NUL, so the
 *   feed 'x\0y' arrives as 'x' ("input 'x' is missing in 'feeds'").
 */
import { TrtNodeError } from '../../errors';
import type { ModelSummary } from '../../onnx/types';
import { quoted } from '../../util/terminal';
import { isRunner, type Runner } from '../runner';
import type { RunnerSpec } from '../specs';

/** Why onnxruntime-node cannot run `model`, or undefined. */
export function ortCannotCarry(model: ModelSummary): TrtNodeError | undefined {
  const values = [...model.inputs.map((v) => ({ v, kind: 'input' })), ...model.outputs.map((v) => ({ v, kind: 'output' }))];
  for (const { v, kind } of values) {
    if (v.name.includes('\0')) {
      return new TrtNodeError(
        'ERR_TRT_NODE_USAGE',
        `${kind} ${quoted(v.name)} has a NUL character in its name: onnxruntime-node passes names as C strings, which end at the NUL (${quoted(v.name.slice(0, v.name.indexOf('\0')))}). Rename the ${kind} (${kind}_names in torch.onnx.export)`,
        { [kind]: v.name },
      );
    }
    if (v.elemType === 'bfloat16') {
      return new TrtNodeError(
        'ERR_TRT_NODE_USAGE',
        `${kind} ${quoted(v.name)} is bfloat16: onnxruntime-node cannot carry bfloat16 tensors at all. Export the model with a float32 ${kind} (cast inside the model: .float() on the ${kind === 'input' ? 'input' : 'result'}), or run it with TensorRT only`,
        { [kind]: v.name, elemType: 'bfloat16' },
      );
    }
  }
  return undefined;
}

/** Throws ortCannotCarry's error when an onnxruntime runner is to be made from `specs`. */
export function refuseWhatOrtCannotCarry(model: ModelSummary, specs: readonly (RunnerSpec | Runner)[]): void {
  if (!specs.some((s) => !isRunner(s) && typeof s === 'object' && s !== null && s.kind === 'onnxruntime')) return;
  const refused = ortCannotCarry(model);
  if (refused) throw refused;
}
