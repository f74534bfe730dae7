/**
 * Files the CLI falls back to when none is given: the bundled super-resolution example in example/ (exported by
 * PyTorch, see test/fixtures/manifest.json, whose super_resolution folder links here) and its sample inputs with
 * PyTorch's reference outputs. Resolved against the package root, so `npx trt-node inspect` works from any directory.
 * It lives outside test/ because the package ships it and ships no tests.
 */
import * as path from 'path';

export const PACKAGE_ROOT = path.resolve(__dirname, '..', '..');

export const EXAMPLE_DIR = path.join(PACKAGE_ROOT, 'example', 'super_resolution');

/** The model `inspect`, `check`, `build`... use when no model argument is given. */
export const DEFAULT_MODEL = path.join(EXAMPLE_DIR, 'model.onnx');

export interface ReferenceSample {
  /** Input shape, NCHW. */
  shape: readonly number[];
  /** .npz with the model inputs (by input name). */
  inputs: string;
  /** .npz with PyTorch's outputs for those inputs (by output name). */
  reference: string;
}

function sample(shape: number[]): ReferenceSample {
  const tag = shape.join('x');
  return {
    shape,
    inputs: path.join(EXAMPLE_DIR, `inputs_${tag}.npz`),
    reference: path.join(EXAMPLE_DIR, `reference_${tag}.npz`),
  };
}

/** PyTorch reference samples of DEFAULT_MODEL (the dynamic h/w export), one per exported shape. */
export const DEFAULT_SAMPLES: readonly ReferenceSample[] = [sample([1, 1, 64, 64]), sample([1, 1, 96, 80]), sample([2, 1, 37, 53])];
