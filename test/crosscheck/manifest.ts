/** Test helper: the PyTorch-exported fixtures of test/fixtures/manifest.json, as crossCheck() samples. */
import * as fs from 'fs';
import * as path from 'path';
import type { Sample } from '../../lib/crosscheck';

export const FIXTURES = path.resolve(__dirname, '..', 'fixtures');

export interface ManifestFixture {
  name: string;
  model: string | null;
  export_error?: string;
  expect_findings: string[];
  samples: { shape: number[]; inputs: string; reference: string; output_shapes: Record<string, number[]> }[];
}

export const MANIFEST: { fixtures: ManifestFixture[] } = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'manifest.json'), 'utf8'));

/** Fixtures whose export produced a model. */
export const MODELS = MANIFEST.fixtures.filter((f) => f.model !== null);

/**
 * Exported models whose ONNX semantics differ from what PyTorch computed: onnxruntime runs them faithfully and
 * disagrees with the reference. Catching that silent disagreement is the point of comparing with PyTorch.
 */
export const EXPECTED_TO_DISAGREE = new Set(['bilinear_upsample_opset10', 'bilinear_upsample_opset9', 'batchnorm_dropout_training']);

/** Models onnxruntime cannot load (custom op). */
export const NOT_RUNNABLE = new Set(['custom_op']);

export function fixture(name: string): ManifestFixture {
  const f = MANIFEST.fixtures.find((x) => x.name === name);
  if (!f) throw new Error(`no fixture ${name} in manifest.json`);
  return f;
}

export function modelOf(f: ManifestFixture): string {
  return path.join(FIXTURES, f.model!);
}

export function samplesOf(f: ManifestFixture): Sample[] {
  return f.samples.map((s) => ({ inputs: path.join(FIXTURES, s.inputs), reference: path.join(FIXTURES, s.reference) }));
}
