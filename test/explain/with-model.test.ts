/**
 * explain's answers that must be right about the user's own model (issue 20 item 2, new-user P4, P17, P18): with
 * --model, a dynamic axis is never called fixed (the error then came from another export); onnxruntime is said to
 * have been fed a size, not to ask for it; the fix is printed once; without --model the fix is as strong as check's
 * (height/width names, batch too, dynamo keyed by forward()'s arguments); and a dynamo fix warns about size-0/1
 * example inputs, as torch.export specialises them.
 */
import { diagnoseStatic } from '../../lib/diagnostics';
import { explain, formatExplanation } from '../../lib/explain';
import { readModel } from '../../lib/onnx/reader';
import { runCli } from '../helpers/cli';
import { modelPath } from '../check/fixtures';

const SEED = 'Got invalid dimensions for input: input for the following indices\n index: 2 Got: 3680 Expected: 960\n Please fix either the inputs/outputs or the model.';

describe('explain --model (P4)', () => {
  test('the axis is dynamic in the model given: the error came from another export; the axis is not called fixed', async () => {
    const model = await readModel(modelPath('super_resolution'));
    const e = explain(SEED, { model });
    const f = e.findings[0];
    expect(f.code).toBe('FIXED_DIM');
    expect(f.message).not.toMatch(/has fixed dims|is fixed at 960 in/);
    expect(f.message).toMatch(/axis 2 of input 'input' is dynamic \('height'\)/);
    expect(f.message).toMatch(/came from another export/);
    expect(f.details).toMatchObject({ dynamicInModel: true });
    const cli = await runCli(['explain', '--model', modelPath('super_resolution'), SEED]);
    expect(cli.stdout).toMatch(/came from another export/);
  });

  test('the axis is fixed in the model given: "was fed 3680", and the fix is printed once', async () => {
    const model = await readModel(modelPath('super_resolution_static'));
    const text = formatExplanation(explain(SEED.replace('Expected: 960', 'Expected: 96'), { model }));
    expect(text).toMatch(/axis 2 is fixed at 96 but was fed 3680/);
    expect(text).not.toMatch(/asks for 3680/);
    expect(text.match(/dynamic_axes=\{'input'/g)).toHaveLength(1);
  });
});

describe('explain without --model: the fix is as strong as check\'s (P17)', () => {
  test('image axes get height/width and batch; dynamo keyed by forward()\'s argument names', () => {
    const e = explain('Got invalid dimensions for input: inputs for the following indices\n index: 2 Got: 3680 Expected: 960\n index: 3 Got: 2624 Expected: 960\n Please fix either the inputs/outputs or the model.');
    const f = e.findings[0];
    expect(f.fix).toContain("dynamic_axes={'inputs': {0: 'batch', 2: 'height', 3: 'width'}}");
    expect(f.fix).not.toContain('dim_2');
    expect(f.fix).toMatch(/dynamic_shapes=\{'inputs': \{0: torch\.export\.Dim\('batch'\), 2: torch\.export\.Dim\('height'\), 3: torch\.export\.Dim\('width'\)\}\}/);
    expect(f.message).toMatch(/keyed by forward\(\)'s argument names/);
  });
});

describe('dynamo fixes warn about size-0/1 example inputs (P18)', () => {
  test('check on the dynamo static export (exported at batch 1): the fix and the message say to export with sizes of 2 or more', async () => {
    const m = await readModel(modelPath('dynamo_static'));
    const f = diagnoseStatic(m, { requests: [{ source: '--shapes', shapes: { x: [2, 3, 64, 48] } }] }).find((x) => x.code === 'FIXED_DIM')!;
    expect(f.fix).toMatch(/dynamic_shapes=.*example inputs of size 2 or more on those axes/);
    expect(f.message).toMatch(/specialises an axis whose example size is 0 or 1/);
    // The classic exporter has no such rule: its fix does not say it.
    const classic = diagnoseStatic(await readModel(modelPath('super_resolution_static')), { requests: [{ source: '--shapes', shapes: { input: [2, 1, 128, 128] } }] }).find((x) => x.code === 'FIXED_DIM')!;
    expect(classic.fix).not.toMatch(/size 2 or more/);
  });

  test('explain of a dynamo-shaped text: dynamic_shapes with the same warning', () => {
    const f = explain(SEED).findings[0];
    expect(f.fix).toMatch(/dynamic_shapes=.*size 2 or more/);
  });
});
