/**
 * ONNX's own backend test corpus (1,072 models with inputs and expected outputs, Debian's libonnx-testdata, read by
 * python3-onnx) through trt-node: readModel agrees with python's onnx on every model, and check() — probing off, as
 * `trt-node check model.onnx --inputs in.npz --reference out.npz --no-probe` — passes every test, except the
 * justified ones (./justified.ts), which must fail exactly as listed. No error-severity finding but the expected
 * ones (UNSUPPORTED_OP is a claim about TensorRT's parser, which needs TensorRT to check). Skips, saying why, where
 * the packages are not installed (.ci/run installs them).
 */
import * as fs from 'fs';
import * as path from 'path';
import { locateCorpus, prepareCorpus, readTest, runTest } from '../../scripts/conformance/corpus';
import type { Corpus, Outcome } from '../../scripts/conformance/corpus';
import { EXPECTED_ERRORS, EXPECTED_WARNINGS, JUSTIFIED, TOLERANCES } from './justified';
import type { Justification } from './justified';

const where = locateCorpus();
const describeCorpus = 'skip' in where ? describe.skip : describe;
if ('skip' in where) process.stderr.write(`skipping the ONNX conformance suite: ${where.skip}\n`);

/** Whether `j` describes `o` (the outcome a justified test must have). */
function justifies(j: Justification, o: Outcome): boolean {
  return j.kind === o.kind || (j.orPass === true && o.kind === 'pass');
}

describeCorpus('ONNX backend test corpus (libonnx-testdata)', () => {
  let corpus: Corpus;
  let figures = '';
  const outcomes: Outcome[] = [];
  const structure: { id: string; diffs: string[] }[] = [];

  beforeAll(async () => {
    corpus = prepareCorpus((where as { data: string }).data);
    for (const test of corpus.tests) {
      const diffs = await readTest(test);
      if (diffs.length) structure.push({ id: test.id, diffs });
      const outcome = await runTest(test, TOLERANCES.get(test.id)?.tolerance);
      delete outcome.report;
      outcomes.push(outcome);
    }
    const pass = outcomes.filter((o) => o.kind === 'pass').length;
    const justified = outcomes.filter((o) => o.kind !== 'pass' && JUSTIFIED.has(o.id) && justifies(JUSTIFIED.get(o.id)!, o)).length;
    figures = `${pass} pass, ${justified} justified, ${outcomes.length - pass - justified} tool faults`;
    process.stderr.write(`ONNX conformance: ${outcomes.length} tests: ${figures} (${structure.length} reader disagreements)\n`);
  }, 600_000);

  test("the README's figures are today's", () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8').replace(/\s+/g, ' ');
    expect(/Conformance: ONNX's own backend tests.*? Today(?: \([^)]*\))?: ([^.]*)\./.exec(readme)?.[1]).toBe(figures);
  });

  test('the corpus is the full one: 1,072 models across node, pytorch-converted, pytorch-operator and simple', () => {
    expect(corpus.tests).toHaveLength(1072);
    const suites = new Set(corpus.tests.map((t) => t.id.split('/')[0]));
    expect([...suites].sort()).toEqual(['node', 'pytorch-converted', 'pytorch-operator', 'simple']);
  });

  test('readModel agrees with python onnx on every model (inputs, outputs, dims, opsets, nodes, initializers)', () => {
    expect(structure).toEqual([]);
  });

  test('every test passes or fails exactly as justified: no tool faults', () => {
    const faults = outcomes
      .filter((o) => o.kind !== 'pass' && !(JUSTIFIED.has(o.id) && justifies(JUSTIFIED.get(o.id)!, o)))
      .map((o) => `${o.id}: ${o.kind}${o.errorCode ? ` ${o.errorCode}` : ''}: ${o.detail.slice(0, 200)}`);
    expect(faults).toEqual([]);
  });

  test('the justified list is honest: every entry names a test that still fails that way', () => {
    const ids = new Set(corpus.tests.map((t) => t.id));
    const stale = [...JUSTIFIED.entries()]
      .filter(([id, j]) => {
        const o = outcomes.find((x) => x.id === id);
        return !ids.has(id) || !o || o.kind === 'pass' || !justifies(j, o);
      })
      .map(([id, j]) => `${id} (listed as ${j.kind}; got ${outcomes.find((x) => x.id === id)?.kind ?? 'no such test'})`);
    expect(stale).toEqual([]);
  });

  test('no false error findings: only TensorRT-import claims (UNSUPPORTED_OP) and the listed right ones', () => {
    const wrong = outcomes
      .map((o) => ({ id: o.id, codes: [...new Set(o.errorFindings.map((f) => f.split(':')[0]))].filter((c) => c !== 'UNSUPPORTED_OP') }))
      .filter((x) => JSON.stringify(x.codes) !== JSON.stringify(EXPECTED_ERRORS.get(x.id) ?? []))
      .map((x) => `${x.id}: ${x.codes.join(', ')}`);
    expect(wrong).toEqual([]);
  });

  test('no warnings crying wolf: beyond TensorRT-import claims, only the listed right ones', () => {
    const wrong = outcomes
      .map((o) => ({ id: o.id, codes: [...new Set(o.warningFindings)].filter((c) => c !== 'UNSUPPORTED_OP' && c !== 'OPSET_VERSION').sort() })) // TensorRT-import claims
      .filter((x) => JSON.stringify(x.codes) !== JSON.stringify(EXPECTED_WARNINGS.get(x.id) ?? []))
      .map((x) => `${x.id}: ${x.codes.join(', ')}`);
    expect(wrong).toEqual([]);
  });

  test('tolerance overrides are needed: each listed test fails with the defaults', async () => {
    for (const [id] of TOLERANCES) {
      const outcome = await runTest(corpus.tests.find((t) => t.id === id)!);
      expect([id, outcome.kind]).toEqual([id, 'mismatch']);
    }
  });
});
