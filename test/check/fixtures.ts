/** Test helper: the PyTorch-exported fixtures as manifest.json describes them. */
import * as fs from 'fs';
import * as path from 'path';

export const FIXTURES = path.resolve(__dirname, '..', 'fixtures');

export interface Sample {
  shape: number[];
  /** Per input, for models with several. */
  shapes?: Record<string, number[]>;
  inputs: string;
  reference: string;
  output_shapes: Record<string, number[]>;
}

export interface FixtureEntry {
  name: string;
  model: string | null;
  export: {
    opset_version: number;
    input_names: string[];
    output_names: string[];
    dynamic_axes: Record<string, Record<string, string>> | null;
    example_shape: number[];
    /** 'dynamo' for torch.onnx.export(..., dynamo=True); absent for the classic exporter. */
    exporter?: 'dynamo';
  };
  expect_findings: string[];
  samples: Sample[];
}

export const MANIFEST: { fixtures: FixtureEntry[] } = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'manifest.json'), 'utf8'));

/** Fixtures that have a model file. */
export const MODELS = MANIFEST.fixtures.filter((f) => f.model !== null);

export function fixture(name: string): FixtureEntry {
  const f = MANIFEST.fixtures.find((x) => x.name === name);
  if (!f) throw new Error(`no fixture ${name} in manifest.json`);
  return f;
}

export function modelPath(name: string): string {
  return path.join(FIXTURES, fixture(name).model!);
}

export function fixtureFile(rel: string): string {
  return path.join(FIXTURES, rel);
}
