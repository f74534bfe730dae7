/**
 * Numbers that can fail, on trt-node's TensorRT stand-in (test/tensorrt-standin; ASSUMPTIONS.md, "Numerics"): an engine
 * perturbed on purpose (TRT_STANDIN_PERTURB) fails the cross-check naming the output, and a float16 engine fails it
 * exactly when the model's activations leave float16's range. Without these, every cross-check of a stand-in engine
 * compares onnxruntime with onnxruntime and cannot fail. Runs only where the loaded libnvinfer is the stand-in
 * (`npm run test:standin`); elsewhere it is skipped with the reason printed.
 */
import * as path from 'path';
import { crossCheck, type CrossCheckResult } from '../../lib/crosscheck';
import { requireTensorRT } from '../../lib/trt/tensorrt';
import { lastJson, runSnippet } from '../native/child';
import { describeWithStandIn, standInSkipReason } from '../native/gpu-gate';
import { fixture, modelOf } from './manifest';

const superRes = modelOf(fixture('super_resolution'));
const overflow = path.join(__dirname, '..', 'fixtures', 'fp16_overflow', 'model.onnx');
const inRange = path.join(__dirname, '..', 'fixtures', 'fp16_in_range', 'model.onnx');
const sweep = { profiles: [{ input: { min: [1, 1, 16, 16], opt: [1, 1, 24, 24], max: [1, 1, 32, 32] } }] };
// float16's own tolerances (lib/compare/tolerances.ts): a float16 engine's float32 outputs are compared as float32
// (1e-4, 1e-3) unless told otherwise, which rounding alone already exceeds.
const halfTolerance = { tolerance: { atol: 1e-2, rtol: 1e-2 } };

interface Verdict {
  pass: boolean;
  firstFailure: CrossCheckResult['firstFailure'];
  outputs: ReturnType<typeof tensorrtOutputs>;
}

/**
 * crossCheck in a process of its own whose environment has TRT_STANDIN_PERTURB (the stand-in reads it when an engine
 * is deserialized; jest's process.env does not reach native code).
 */
async function perturbedCrossCheck(setting: string, model: string, options: object): Promise<Verdict> {
  const result = await runSnippet(
    `
    import { crossCheck } from 'ROOT/lib/crosscheck';
    (async () => {
      const r = await crossCheck(${JSON.stringify(model)}, ${JSON.stringify(options)});
      const outputs = r.probes.flatMap((p) => p.comparisons.filter((c) => c.actual === 'tensorrt').flatMap((c) => c.outputs));
      process.stdout.write(JSON.stringify({ pass: r.pass, firstFailure: r.firstFailure, outputs }) + '\\n');
    })();
  `,
    { TRT_STANDIN_PERTURB: setting },
  );
  return lastJson<Verdict>(result);
}

/** TensorRT's comparisons: every probe's, with onnxruntime as the expected side. */
function tensorrtOutputs(r: CrossCheckResult) {
  return r.probes.flatMap((p) => p.comparisons.filter((c) => c.actual === 'tensorrt').flatMap((c) => c.outputs));
}

function tensorrtMajor(): number | null {
  return standInSkipReason() ? null : requireTensorRT().version.major;
}

describeWithStandIn('numbers that can fail on the TensorRT stand-in', () => {
  jest.setTimeout(240_000);

  it('an unperturbed float32 engine passes (the control of the tests below)', async () => {
    const r = await crossCheck(superRes, { tensorrt: true, ...sweep });
    expect(r.pass).toBe(true);
    expect(tensorrtOutputs(r).length).toBeGreaterThan(0);
  });

  it('an engine whose output is perturbed fails the cross-check, naming the output', async () => {
    const r = await perturbedCrossCheck('tensor=output,amount=0.01', superRes, { tensorrt: true, ...sweep });
    expect(r.pass).toBe(false);
    expect(r.firstFailure).toMatchObject({ kind: 'compare', runner: 'tensorrt', output: 'output' });
    expect(r.outputs.length).toBeGreaterThan(0);
    for (const o of r.outputs) expect(o.maxAbsError).toBeCloseTo(0.01, 5);
  });

  it('a perturbed intermediate tensor (a seeded random one) fails it too, at the output it reaches', async () => {
    const r = await perturbedCrossCheck('tensor=random,amount=0.5,seed=7', superRes, { tensorrt: true, ...sweep });
    expect(r.firstFailure).toMatchObject({ kind: 'compare', runner: 'tensorrt', output: 'output' });
    expect(r.outputs.length).toBeGreaterThan(0);
    expect(r.outputs.every((o) => !o.pass)).toBe(true);
  });

  it('a perturbation that names no float32 tensor the engine computes fails loudly when the engine loads', async () => {
    const result = await runSnippet(
      `
      import { buildEngine } from 'ROOT/lib/trt/build';
      import { Engine } from 'ROOT/lib/trt/engine';
      (async () => {
        const built = await buildEngine(${JSON.stringify(superRes)}, { profiles: ${JSON.stringify(sweep.profiles)} });
        const message = await Engine.load(built.plan).then((e) => (e.dispose(), 'loaded'), (e: Error) => \`\${e.name}: \${e.message}\`);
        process.stdout.write(JSON.stringify({ message }) + '\\n');
      })();
    `,
      { TRT_STANDIN_PERTURB: 'tensor=input,amount=1' },
    );
    const { message } = lastJson<{ message: string }>(result);
    expect(message).toMatch(/^EngineError: .*TRT_STANDIN_PERTURB: "input" is not a float32 tensor that a node computes from the network inputs/);
  });

  // TensorRT 11 has no precision flags (trt-node refuses fp16/bf16 there): its engines compute in the model's own
  // types, as onnxruntime does, so there is nothing to emulate.
  const major = tensorrtMajor();
  if (major === null || major < 11) {
    it('a float16 engine of a model whose activations exceed 65504 fails the cross-check; its float32 engine passes', async () => {
      const fp32 = await crossCheck(overflow, { tensorrt: true });
      expect(fp32.pass).toBe(true);
      const fp16 = await crossCheck(overflow, { tensorrt: { build: { fp16: true } }, ...halfTolerance });
      expect(fp16.pass).toBe(false);
      expect(fp16.firstFailure).toMatchObject({ kind: 'compare', runner: 'tensorrt', output: 'y' });
      // The activations became +inf in float16, and the outputs NaN: not a rounding difference.
      expect(tensorrtOutputs(fp16).every((o) => (o.histogram?.nonFinite ?? 0) > 0)).toBe(true);
    });

    it('a float16 engine of a model that stays in range passes at float16 tolerances, rounded but close', async () => {
      const r = await crossCheck(inRange, { tensorrt: { build: { fp16: true } }, ...halfTolerance });
      expect(r.pass).toBe(true);
      const outputs = tensorrtOutputs(r);
      expect(outputs.length).toBeGreaterThan(0);
      // Rounded (not onnxruntime's float32 result), yet within float16's tolerance.
      expect(outputs.every((o) => o.maxAbsError! > 0 && o.maxAbsError! < 1e-2)).toBe(true);
    });

    it('a bfloat16 engine keeps float32\'s range: the same overflowing model stays finite, only rounded', async () => {
      const r = await crossCheck(overflow, { tensorrt: { build: { bf16: true } }, tolerance: { atol: 0.5, rtol: 0.05 } });
      expect(r.pass).toBe(true);
      const outputs = tensorrtOutputs(r);
      expect(outputs.every((o) => (o.histogram?.nonFinite ?? 0) === 0 && o.maxAbsError! > 0)).toBe(true);
    });
  }
});
