/**
 * SHAPE_NOT_DYNAMIC's fix matches its cause. Real exports where the architecture fixes a "dynamic" axis — a tiny ViT
 * whose learned position embedding holds 64 tokens (classic and dynamo=True exports), a CNN whose Linear takes the
 * flattened 8x8x8 map — against the traced-Python-int case (traced_reshape), through onnxruntime-node.
 */
import { check } from '../../lib/check';
import { fixedSizeParameterCause } from '../../lib/diagnostics/rules/shape-not-dynamic';
import { readModel } from '../../lib/onnx/reader';
import { classifyOrtError } from '../../lib/diagnostics/ort-errors';
import { fixture, fixtureFile, modelPath } from './fixtures';

function samplesOf(name: string) {
  return fixture(name).samples.map((s) => ({ inputs: fixtureFile(s.inputs), reference: fixtureFile(s.reference) }));
}

const finding = (r: Awaited<ReturnType<typeof check>>) => r.findings.find((f) => f.code === 'SHAPE_NOT_DYNAMIC');

describe('the architecture fixes the axis', () => {
  test('position embedding (classic export): the Add with pos, the options are a static axis or interpolating it', async () => {
    const r = await check(modelPath('pos_embedding'), { samples: samplesOf('pos_embedding') });
    expect(r.runs.every((x) => x.pass)).toBe(true); // PyTorch agrees at the export size
    const f = finding(r)!;
    expect(f.severity).toBe('error');
    expect(f.node).toMatchObject({ opType: 'Add' });
    expect(f.details!.cause).toEqual({ kind: 'broadcast', parameter: 'pos', parameterDims: [1, 64, 16] });
    expect(f.message).toContain("the parameter 'pos' of fixed shape [1, 64, 16]");
    expect(f.message).toContain('no export option can make it vary');
    expect(f.message).toContain('out of dynamic_axes');
    expect(f.fix).toMatch(/declare .* static.*; or interpolate 'pos'/);
    // Not the traced-int story.
    expect(f.message).not.toContain('Python ints');
  });

  test('the same ViT exported with dynamo=True (torch.export accepted the dynamic height/width): the dynamo wording', async () => {
    const r = await check(modelPath('dynamo_pos_embedding'), { shapes: [{ x: [1, 3, 32, 32] }] });
    expect(r.runs[0].ok).toBe(true);
    const f = finding(r)!;
    expect(f.severity).toBe('error');
    expect((f.details!.cause as { kind: string; parameter: string }).kind).toBe('broadcast');
    expect((f.details!.cause as { parameter: string }).parameter).toBe('pos');
    expect(f.message).toContain('torch.export.Dim from dynamic_shapes');
    expect(f.message).not.toContain('dynamic_axes');
  });

  test('Linear over a flattened feature map: the Gemm weight [10, 512], pooling to a fixed grid as the other option', async () => {
    const r = await check(modelPath('flatten_linear'), { samples: samplesOf('flatten_linear') });
    const f = finding(r)!;
    expect(f.node).toMatchObject({ opType: 'Gemm' });
    expect(f.details!.cause).toEqual({ kind: 'linear', parameter: 'fc.weight', parameterDims: [10, 512] });
    expect(f.message).toContain('takes exactly 512 features');
    expect(f.message).toContain('nn.AdaptiveAvgPool2d');
  });

  test('with no size that runs (no --shapes, no sample): only the flattened axes are blamed, and --shapes is asked for', async () => {
    // Default sizes fail at the Gemm before any probe can show which axes matter. Flatten(axis=1) keeps the batch out
    // of the 512 features, so 'batch' is not in question (new-user P3: the advice took batching away).
    const r = await check(modelPath('flatten_linear'));
    const f = finding(r)!;
    expect(f.severity).toBe('error');
    expect(f.details!.cause).toMatchObject({ kind: 'linear', parameter: 'fc.weight' });
    expect((f.details!.axes as { symbol: string }[]).map((a) => a.symbol).sort()).toEqual(['height', 'width']);
    expect(f.fix).not.toContain("'batch'");
    expect(f.message).toContain("'batch' (input axis 0) is not in question");
    expect(f.message).toContain('Pass --shapes (or --inputs) with the size the model was exported at');
  });

  test('a run at a requested size that fails there is translated to the same cause', async () => {
    const r = await check(modelPath('pos_embedding'), { shapes: [{ input: [1, 3, 64, 64] }], probe: false });
    expect(r.runs[0].ok).toBe(false);
    expect(r.runs[0].error!.code).toBe('SHAPE_NOT_DYNAMIC');
    expect(finding(r)!.details!.cause).toMatchObject({ kind: 'broadcast', parameter: 'pos' });
  });
});

describe('the traced-int cause keeps its own advice', () => {
  test('traced_reshape: a Reshape with the export-time sizes baked in', async () => {
    const r = await check(modelPath('traced_reshape'), { samples: samplesOf('traced_reshape') });
    const f = finding(r)!;
    expect(f.details!.cause).toEqual({ kind: 'traced-size' });
    expect(f.fix).toContain('x.shape / x.size(i) without int()');
    expect(f.message).toContain('traces Python ints');
  });

  test('fixedSizeParameterCause is pure: undefined for Reshape failures and unknown nodes', async () => {
    const m = await readModel(modelPath('traced_reshape'));
    expect(fixedSizeParameterCause(m, { kind: 'reshape', nodeName: '/Reshape' })).toBeUndefined();
    expect(fixedSizeParameterCause(m, { kind: 'other', nodeName: 'no such node' })).toBeUndefined();
    const vit = await readModel(modelPath('pos_embedding'));
    const err = classifyOrtError(
      "Non-zero status code returned while running Add node. Name:'/Add' Status Message: Attempting to broadcast an axis by a dimension other than 1. 64 by 256",
    );
    expect(fixedSizeParameterCause(vit, { kind: err.kind, nodeName: err.nodeName })).toMatchObject({ kind: 'broadcast', parameter: 'pos' });
  });
});
