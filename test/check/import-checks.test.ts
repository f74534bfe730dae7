/**
 * onnx-tensorrt's import checks as trt-node's static rules apply them: one table
 * (lib/diagnostics/data/onnx-tensorrt-import-checks.ts) read by the UNSUPPORTED_OP rule and, generated, by the TensorRT
 * stand-in's parser. The same models are refused by the stand-in in test/native/standin-strict.test.ts.
 */
import { diagnoseStatic, OPERATOR_SUPPORT } from '../../lib/diagnostics';
import { IMPORT_CHECKS, IO_TYPES } from '../../lib/diagnostics/data/onnx-tensorrt-import-checks';
import { readModel } from '../../lib/onnx/reader';
import { CUBIC_RESIZE, REFUSED } from '../native/strict-models';

describe('the import-check table', () => {
  test('names only operators the matrix supports, each check with its source, message and way out', () => {
    for (const c of IMPORT_CHECKS) {
      expect([c.op, OPERATOR_SUPPORT[c.op]?.supported]).toEqual([c.op, true]);
      expect(c.message.length).toBeGreaterThan(10);
      expect(c.fix.length).toBeGreaterThan(10);
      expect(['checker', 'importer', 'docs']).toContain(c.source);
    }
    // Static checks come first: the parser runs them on a node before its importer.
    const firstImporter = IMPORT_CHECKS.findIndex((c) => c.stage === 'importer');
    expect(IMPORT_CHECKS.slice(firstImporter).every((c) => c.stage === 'importer')).toBe(true);
    expect(IO_TYPES.castDown).toEqual({ float64: 'float32' });
  });
});

describe('UNSUPPORTED_OP / TRAINING_MODE flag what onnx-tensorrt refuses', () => {
  test.each(REFUSED.filter((m) => m.rule).map((m) => [m.what, m] as const))('%s', async (_what, m) => {
    const findings = diagnoseStatic(await readModel(m.bytes)).filter((f) => f.code === m.rule && f.severity === 'error' && f.node);
    expect(findings.map((f) => f.node!.index)).toEqual([m.node]);
    if (m.rule === 'UNSUPPORTED_OP') expect(findings[0].message).toContain(`"${m.message}"`);
  });

  test("a Resize in cubic mode is not flagged: onnx-tensorrt's checker and importer take it", async () => {
    const findings = diagnoseStatic(await readModel(CUBIC_RESIZE)).filter((f) => f.code === 'UNSUPPORTED_OP');
    expect(findings).toEqual([]);
  });
});
