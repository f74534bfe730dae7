/**
 * The Triton config lint on configs generated for real PyTorch exports (the bundled example, and two_input_bias
 * with two inputs and two profiles), then seeded with the mismatches Triton reports only at load time: each is
 * found with its code at the line to change, and the generated configs pass.
 */
import { tritonConfigFor } from '../../lib/triton/generate';
import { lintTritonConfigText } from '../../lib/triton/lint';
import type { EngineIO } from '../../lib/triton/engine-io';
import { exampleIO, twoInputIO } from './helpers';
import { EXAMPLE_SEEDS, lineOf, replaceAt, TWO_INPUT_SEEDS } from './seeds';

let example: { io: EngineIO; text: string };
let two: { io: EngineIO; text: string };

beforeAll(async () => {
  const exIO = await exampleIO();
  example = { io: exIO, text: tritonConfigFor(exIO, { name: 'super_resolution', dynamicBatching: true }).text };
  const twoIO = await twoInputIO();
  two = { io: twoIO, text: tritonConfigFor(twoIO, { name: 'two_input_bias', instances: 2, gpus: [0, 1] }).text };
});

describe('Triton config lint', () => {
  it('passes the configs trt-node generates, with nothing to report', () => {
    for (const { io, text } of [example, two]) {
      const report = lintTritonConfigText(text, io);
      expect(report.findings).toEqual([]);
      expect(report.pass).toBe(true);
    }
  });

  const seeded = [
    ...EXAMPLE_SEEDS.map((seed) => ['the example', seed.what, seed, () => example] as const),
    ...TWO_INPUT_SEEDS.map((seed) => ['two_input_bias', seed.what, seed, () => two] as const),
  ];
  it.each(seeded)('finds the seeded mismatch in %s: %s', (_model, _what, seed, base) => {
    const { io, text: original } = base();
    const text = seed.edit(original);
    expect(text).not.toBe(original);
    const report = lintTritonConfigText(text, io);
    const found = report.findings.find((f) => f.code === seed.code);
    expect(found).toBeDefined();
    expect(found!.line).toBe(lineOf(text, seed.at[0], seed.at[1] ?? 0));
    expect(found!.severity).toBe('error');
    expect(found!.fix.length).toBeGreaterThan(0);
    expect(report.pass).toBe(false);
  });

  it('gives the config line to change, with the replacement and what Triton would log', () => {
    const text = replaceAt(example.text, 'dims: [ 1, -1, -1 ]', 'dims: [ 3, -1, -1 ]');
    const [f] = lintTritonConfigText(text, example.io).findings;
    expect(f).toMatchObject({ code: 'TRITON_DIMS_MISMATCH', path: 'input[0].dims[0]', tensor: 'input', fix: 'dims: [ 1, -1, -1 ]' });
    expect(f.message).toBe('input "input": axis 1 is 1 in the engine, 3 in the config (engine [-1,1,-1,-1])');
    expect(f.tritonError).toMatch(/the model expects 4 dimensions \(shape \[-1,1,-1,-1\]\)/);
  });

  it('leaves the outputs to Triton when none is listed (auto-complete fills them), with a warning', () => {
    const report = lintTritonConfigText(example.text.replace(/output \[\n[\s\S]*?\n\]\n/, ''), example.io);
    expect(report.findings.map((f) => [f.code, f.severity, f.line])).toEqual([['TRITON_OUTPUT_MISSING', 'warning', lineOf(example.text, 'input [')]]);
    expect(report.findings[0].fix).toBe('add output { name: "output" data_type: TYPE_FP32 dims: [ 1, -1, -1 ] }');
    expect(report.pass).toBe(true);
  });

  it('warns when the instance groups leave profiles unused (Triton takes profile 0 only)', () => {
    const report = lintTritonConfigText(two.text.replace(/\n\s*profile: \[ "0", "1" \]/, ''), two.io);
    expect(report.findings.map((f) => [f.code, f.severity])).toEqual([['TRITON_PROFILE_UNUSED', 'warning']]);
    expect(report.pass).toBe(true);
  });

  it("checks the model's folder in a repository: the name, and the plan under a version folder", () => {
    const directory = { name: 'sr', versions: [{ version: '1', files: [] }] };
    const report = lintTritonConfigText(example.text, example.io, { directory });
    expect(report.findings.map((f) => [f.code, f.line])).toEqual([
      ['TRITON_NAME', lineOf(example.text, 'name: "super_resolution"')],
      ['TRITON_PLAN_MISSING', lineOf(example.text, 'name: "super_resolution"')],
    ]);
    const inPlace = lintTritonConfigText(example.text, example.io, { directory: { name: 'super_resolution', versions: [{ version: '1', files: ['model.plan'] }] } });
    expect(inPlace.findings).toEqual([]);
  });

  it('leaves IO to Triton when none is configured, and says what it does not check', () => {
    const report = lintTritonConfigText('platform: "tensorrt_plan"\nsequence_batching { }\n', example.io);
    expect(report.findings.map((f) => f.code).sort()).toEqual(['TRITON_IO_FROM_PLAN', 'TRITON_NOT_CHECKED']);
    expect(report.pass).toBe(true);
  });
});
