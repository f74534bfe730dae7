/**
 * Every onnxruntime failure text that `check` prints, fed to `explain` (issue 20 item 3): a user who copies a line of
 * check's output into `explain` gets an answer, not "not recognised". The texts come from check() itself, run on the
 * PyTorch fixtures at sizes they cannot take and on hand-made models that fail in onnxruntime at load or at run time
 * (those check refuses before onnxruntime, from onnxruntime-node directly).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { check, type CheckOptions } from '../../lib/check/run-check';
import { explain } from '../../lib/explain';
import { OrtRunner } from '../../lib/runners/onnxruntime/ort-runner';
import { encodeModel, floatTensor, node, valueInfo, type ModelSpec } from '../onnx/build-model';
import { modelPath } from '../check/fixtures';

const INT32 = 6;
const INT64 = 7;
const BF16 = 16;

/** Hand-made models onnxruntime refuses or fails on, each the way a user's export could. */
const HAND_MADE: Record<string, { spec: ModelSpec; options?: CheckOptions }> = {
  // A type the op has no kernel for: refused at load ("Type Error: Type 'tensor(int32)' of input parameter ...").
  type_error: { spec: { nodes: [node('Tanh', ['x'], ['y'])], inputs: [valueInfo('x', [2, 3], INT32)], outputs: [valueInfo('y', [2, 3], INT32)] } },
  // An IR version and an opset newer than onnxruntime knows.
  ir_too_new: { spec: { irVersion: 99, nodes: [node('Relu', ['x'], ['y'])], inputs: [valueInfo('x', [2, 3])], outputs: [valueInfo('y', [2, 3])] } },
  opset_too_new: { spec: { opsets: [{ version: 99 }], nodes: [node('Relu', ['x'], ['y'])], inputs: [valueInfo('x', [2, 3])], outputs: [valueInfo('y', [2, 3])] } },
  // An op name no opset defines, in the default domain.
  unknown_op: { spec: { nodes: [node('FooBar', ['x'], ['y'])], inputs: [valueInfo('x', [2, 3])], outputs: [valueInfo('y', [2, 3])] } },
  // A MatMul whose inner size is declared dynamic but tied to a weight: fails at other sizes.
  matmul_fixed_k: {
    spec: { nodes: [node('MatMul', ['x', 'w'], ['y'])], initializers: [floatTensor('w', [4, 3])], inputs: [valueInfo('x', ['n', 'k'])], outputs: [valueInfo('y', ['n', 3])] },
  },
  // A Concat of an input with a constant along axis 1 whose other axis is declared dynamic.
  concat_fixed: {
    spec: {
      nodes: [node('Concat', ['x', 'c'], ['y'], { attribute: [{ name: 'axis', type: 2, i: 1 }] })],
      initializers: [floatTensor('c', [2, 3])],
      inputs: [valueInfo('x', ['n', 3])],
      outputs: [valueInfo('y', ['n', 6])],
    },
  },
  // A Conv whose channel count is declared dynamic.
  conv_channels: {
    spec: {
      nodes: [node('Conv', ['x', 'w'], ['y'])],
      initializers: [floatTensor('w', [2, 3, 1, 1])],
      inputs: [valueInfo('x', [1, 'c', 8, 8])],
      outputs: [valueInfo('y', [1, 2, 8, 8])],
    },
  },
  // Indices the caller forced out of range: the run blames the generated data, onnxruntime's words quoted.
  gather_forced_range: {
    spec: {
      nodes: [node('Gather', ['t', 'idx'], ['y'])],
      initializers: [floatTensor('t', [3, 4])],
      inputs: [valueInfo('idx', ['n'], INT64)],
      outputs: [valueInfo('y', ['n', 4])],
    },
    options: { valueRanges: { idx: [5, 9] } },
  },
};

/**
 * Models check refuses before onnxruntime sees them, saying why (lib/runners/onnxruntime/limits.ts); onnxruntime's
 * own words for them, as a direct caller of onnxruntime-node meets them, still belong to the corpus.
 */
const REFUSED_BY_CHECK: Record<string, ModelSpec> = {
  // A bfloat16 output onnxruntime-node cannot hand back.
  bfloat16_output: { nodes: [node('Cast', ['x'], ['y'], { attribute: [{ name: 'to', type: 2, i: BF16 }] })], inputs: [valueInfo('x', [2, 3])], outputs: [valueInfo('y', [2, 3], BF16)] },
};

/** PyTorch fixtures swept over sizes they cannot take, and one onnxruntime cannot load. (A size a fixed dim refuses never reaches onnxruntime: check refuses it first.) */
const FIXTURES: Record<string, CheckOptions> = {
  traced_reshape: { sweep: true },
  pos_embedding: { sweep: true },
  flatten_linear: { sweep: true },
  dynamo_pos_embedding: { sweep: true },
  custom_op: {},
};

/** The onnxruntime failure texts a check report holds, as check prints them (run lines, cross-check rows, runners). */
function ortFailureTexts(report: Awaited<ReturnType<typeof check>>): string[] {
  const ort = new Set((report.crossCheck?.runners ?? []).filter((r) => r.kind === 'onnxruntime').map((r) => r.name));
  const texts = [
    ...report.runs.filter((r) => r.backend.startsWith('onnxruntime') && r.error && !/^not run\b/.test(r.error.message)).map((r) => r.error!.message),
    ...(report.crossCheck?.probes ?? []).flatMap((p) =>
      p.runs.filter((r) => ort.has(r.runner) && r.reason && (r.status === 'failed' || /cannot load the model/.test(r.reason))).map((r) => r.reason!),
    ),
  ];
  return [...new Set(texts)];
}

let dir: string;
const collected: { source: string; text: string }[] = [];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trt-node-check-failures-'));
  for (const [name, { spec, options }] of Object.entries(HAND_MADE)) {
    const file = path.join(dir, `${name}.onnx`);
    fs.writeFileSync(file, encodeModel(spec));
    const report = await check(file, { sweep: true, ...options });
    for (const text of ortFailureTexts(report)) collected.push({ source: name, text });
  }
  for (const [name, spec] of Object.entries(REFUSED_BY_CHECK)) {
    const file = path.join(dir, `${name}.onnx`);
    fs.writeFileSync(file, encodeModel(spec));
    await expect(check(file, { sweep: true })).rejects.toMatchObject({ code: 'ERR_TRT_NODE_USAGE' });
    const failed = await OrtRunner.create(file).then(
      (runner) => runner.dispose().then(() => undefined),
      (err: unknown) => err as Error,
    );
    if (failed) collected.push({ source: name, text: failed.message });
  }
  for (const [name, options] of Object.entries(FIXTURES)) {
    const report = await check(modelPath(name), options);
    for (const text of ortFailureTexts(report)) collected.push({ source: name, text });
  }
}, 600_000);

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test('the corpus holds onnxruntime failures from every case, at load and at run time', () => {
  const sources = new Set(collected.map((c) => c.source));
  expect([...Object.keys(HAND_MADE), ...Object.keys(REFUSED_BY_CHECK), ...Object.keys(FIXTURES)].filter((s) => !sources.has(s))).toEqual([]);
  expect(collected.some((c) => /cannot load the model/.test(c.text))).toBe(true);
  expect(collected.length).toBeGreaterThan(20);
});

test('explain recognises every onnxruntime failure text check printed', () => {
  const unrecognised = collected.filter((c) => !explain(c.text).recognized);
  expect(unrecognised).toEqual([]);
});

test('a generated-data failure is explained as such, not as a model pitfall', () => {
  const text = collected.find((c) => c.source === 'gather_forced_range')!.text;
  const e = explain(text);
  expect(e.findings).toEqual([]);
  expect(e.notes.map((n) => n.message).join(' ')).toMatch(/generated/);
});
