/**
 * `trt-node export triton` and `check --triton-config` on real plans, wherever TensorRT (or trt-node's stand-in,
 * `npm run test:standin`) and a GPU (or the stand-in's CUDA) are present: the plan is built and written under 1/, the
 * config's IO is read from the plan, the config passes the lint against it, and seeded mismatches are named with
 * their line. Skipped with the reason elsewhere.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Engine } from '../../lib/trt/engine';
import { readTritonConfig } from '../../lib/triton/config';
import { runCli } from '../helpers/cli';
import { superRes } from './engine-fixtures';
import { describeWithGpu } from './gpu-gate';

const twoInput = path.join(__dirname, '..', 'fixtures', 'two_input_bias', 'model.onnx');

describeWithGpu('Triton repositories from TensorRT plans', () => {
  jest.setTimeout(300_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trt-node-triton-'));
  const repo = path.join(dir, 'repo');
  const config = path.join(repo, 'super_resolution', 'config.pbtxt');
  const plan = path.join(repo, 'super_resolution', '1', 'model.plan');
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('export triton builds the plan, writes it under 1/, and writes a config whose IO is the plan\'s', async () => {
    const r = await runCli([
      'export', 'triton', superRes, '--repo', repo, '--shapes', 'input:1x1x16x16..2x1x32x32..4x1x64x64', '--profile', 'input:1x1x64x64..1x1x96x96..1x1x128x128', '--dynamic-batching',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('TensorRT is missing');
    expect(r.stdout).toContain('IO read from the plan');
    const engine = await Engine.load(plan);
    try {
      expect(r.stdout).toContain(`built here with ${engine.library}`);
      const { config: c } = readTritonConfig(fs.readFileSync(config, 'utf8'));
      // The largest batch over the profiles: profile 0 takes 4 along the first axis, profile 1 only 1.
      expect(c.max_batch_size).toBe(4);
      expect(c.input).toEqual(engine.inputs.map((t) => ({ name: t.name, data_type: 'TYPE_FP32', dims: t.dims.slice(1) })));
      expect(c.output).toEqual(engine.outputs.map((t) => ({ name: t.name, data_type: 'TYPE_FP32', dims: t.dims.slice(1) })));
      expect(c.instance_group).toEqual([{ kind: 'KIND_GPU', count: 1, profile: ['0', '1'] }]);
      expect(c.dynamic_batching).toEqual({});
    } finally {
      engine.dispose();
    }
  });

  it('check --triton-config passes the generated config against the plan', async () => {
    const r = await runCli(['check', '--triton-config', config, '--engine', plan]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/0 errors, 0 warnings/);
    expect(r.stdout).toContain('PASS');
  });

  it('check --triton-config names each seeded mismatch with its line, and exits 1', async () => {
    const text = fs.readFileSync(config, 'utf8');
    const bad = path.join(repo, 'super_resolution', 'bad.pbtxt');
    const seeded = text
      .replace('max_batch_size: 4', 'max_batch_size: 8')
      .replace('TYPE_FP32', 'TYPE_FP16')
      .replace('name: "super_resolution"', 'name: "sr"')
      .replace(/\n\s*profile: \[ "0", "1" \]/, '');
    fs.writeFileSync(bad, seeded);
    const line = (marker: string) => seeded.split('\n').findIndex((l) => l.includes(marker)) + 1;
    const r = await runCli(['check', '--triton-config', bad, '--engine', plan, '--json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    const found = (code: string) => report.findings.find((f: { code: string }) => f.code === code);
    expect(found('TRITON_DTYPE_MISMATCH').line).toBe(line('TYPE_FP16'));
    expect(found('TRITON_NAME').line).toBe(line('name: "sr"'));
    // Without `profile`, Triton uses profile 0 alone: 4 is its largest batch, and profile 1 goes unused.
    expect(found('TRITON_BATCH_TOO_LARGE')).toMatchObject({ line: line('max_batch_size: 8'), fix: 'max_batch_size: 4' });
    expect(found('TRITON_PROFILE_UNUSED').severity).toBe('warning');
    const text2 = await runCli(['check', '--triton-config', bad, '--engine', plan]);
    expect(text2.stdout).toContain(`bad.pbtxt:${line('TYPE_FP16')}: error TRITON_DTYPE_MISMATCH`);
    expect(text2.stdout).toContain('FAIL');
  });

  it('export triton --engine takes a plan built already and reads its IO; the two-input model exports unbatched', async () => {
    const other = path.join(dir, 'other');
    const r = await runCli(['export', 'triton', superRes, '--repo', other, '--engine', plan, '--name', 'sr2', '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ model: 'sr2', ioFrom: 'engine', maxBatchSize: 4, plan: { built: false, bytes: fs.statSync(plan).size } });
    expect(fs.readFileSync(doc.plan.path)).toEqual(fs.readFileSync(plan));

    const two = await runCli(['export', 'triton', twoInput, '--repo', other, '--shapes', 'input:1x3x16x16..2x3x24x24..4x3x32x32', '--json']);
    expect(two.code).toBe(0);
    const twoDoc = JSON.parse(two.stdout);
    expect(twoDoc).toMatchObject({ model: 'two_input_bias', ioFrom: 'engine', maxBatchSize: 0, plan: { built: true } });
    const check = await runCli(['check', '--triton-config', twoDoc.config, '--engine', twoDoc.plan.path]);
    expect(check.code).toBe(0);
  });
});
