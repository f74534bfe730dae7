/**
 * Engine IO for the Triton tests, from the real PyTorch exports in test/fixtures (no TensorRT needed): the bundled
 * super-resolution example (one input, dynamic batch, height and width) and two_input_bias (a second input, `bias`,
 * whose first axis is fixed at 1, so Triton cannot batch it), with the profiles a plan would be built with.
 */
import * as path from 'path';
import { readModel } from '../../lib/onnx/reader';
import { engineIOFromModel, type EngineIO } from '../../lib/triton/engine-io';

export const EXAMPLE_MODEL = path.resolve(__dirname, '../../example/super_resolution/model.onnx');
export const TWO_INPUT_MODEL = path.resolve(__dirname, '../fixtures/two_input_bias/model.onnx');

export const EXAMPLE_PROFILES = [{ input: { min: [1, 1, 64, 64], opt: [4, 1, 256, 256], max: [8, 1, 1024, 1024] } }];
export const TWO_INPUT_PROFILES = [
  { input: { min: [1, 3, 16, 16], opt: [2, 3, 24, 24], max: [4, 3, 64, 64] } },
  { input: { min: [1, 3, 64, 64], opt: [2, 3, 128, 128], max: [4, 3, 256, 256] } },
];

export async function exampleIO(): Promise<EngineIO> {
  return engineIOFromModel(await readModel(EXAMPLE_MODEL), EXAMPLE_PROFILES);
}

export async function twoInputIO(): Promise<EngineIO> {
  return engineIOFromModel(await readModel(TWO_INPUT_MODEL), TWO_INPUT_PROFILES);
}
