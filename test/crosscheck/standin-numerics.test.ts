/**
 * Numbers that can fail, on trt-node's TensorRT stand-in (test/tensorrt-standin; ASSUMPTIONS.md, "Numerics"): an engine
 * perturbed on purpose (TRT_STANDIN_PERTURB, a switch only the stand-in has) fails the cross-check naming the output.
 * Without it, every cross-check of a stand-in float32 engine compares onnxruntime with onnxruntime and cannot fail.
 * The float16/bfloat16 verdicts, which TensorRT would show too, are in tensorrt.test.ts. Runs only where the loaded
 * libnvinfer is the stand-in (`npm run test:standin`); elsewhere it is skipped with the reason printed.
 */
import { crossCheck, type CrossCheckResult } from '../../lib/crosscheck';
import { lastJson, runSnippet } from '../native/child';
import { describeWithStandIn } from '../native/gpu-gate';
import { fixture, modelOf } from './manifest';

const superRes = modelOf(fixture('super_resolution'));
const sweep = { profiles: [{ input: { min: [1, 1, 16, 16], opt: [1, 1, 24, 24], max: [1, 1, 32, 32] } }] };

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

  it('a perturbed intermediate tensor (a seeded random one) fails it too, at the output it reaches; the seed reproduces it', async () => {
    const r = await perturbedCrossCheck('tensor=random,amount=0.5,seed=7', superRes, { tensorrt: true, ...sweep });
    expect(r.firstFailure).toMatchObject({ kind: 'compare', runner: 'tensorrt', output: 'output' });
    expect(r.outputs.length).toBeGreaterThan(0);
    expect(r.outputs.every((o) => !o.pass)).toBe(true);
    // The same seed picks the same tensor: the same errors, to the last bit.
    const again = await perturbedCrossCheck('tensor=random,amount=0.5,seed=7', superRes, { tensorrt: true, ...sweep });
    expect(again.outputs.map((o) => o.maxAbsError)).toEqual(r.outputs.map((o) => o.maxAbsError));
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
});
