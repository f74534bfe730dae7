/**
 * `trt-node export triton` and `check --triton-config` where TensorRT is missing (as in CI): the repository gets a
 * config.pbtxt derived from the ONNX model and the profiles, the output says plainly that no plan was built and how
 * to build it on the target, and options the engine cannot honour are usage errors. With TensorRT (or the stand-in)
 * the plan is built and read back: test/native/triton.test.ts.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { tensorrtAvailable } from '../../lib/trt/tensorrt';
import { readTritonConfig } from '../../lib/triton/config';
import { lintTritonConfigText } from '../../lib/triton/lint';
import { runCli } from '../helpers/cli';
import { EXAMPLE_MODEL, exampleIO, TWO_INPUT_MODEL, twoInputIO } from './helpers';

const withTensorRT = tensorrtAvailable();
if (withTensorRT) process.stderr.write('skipping the export tests for a machine without TensorRT: TensorRT is present (test/native/triton.test.ts covers it)\n');

(withTensorRT ? describe.skip : describe)('export triton without TensorRT', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trt-node-triton-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes the config from the ONNX model and the profiles, says no plan was built, and how to build it', async () => {
    const repo = path.join(dir, 'repo');
    const r = await runCli(['export', 'triton', '--repo', repo, '--shapes', 'input:1x1x64x64..4x1x256x256..8x1x1024x1024', '--dynamic-batching', '--max-queue-delay', '500', '--instances', '2']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^TensorRT is missing here: no plan was built\./);
    expect(r.stdout).toContain('IO derived from the ONNX model and the profiles');
    expect(r.stdout).toContain(`trt-node build ${path.relative(process.cwd(), EXAMPLE_MODEL)} --shapes input:1x1x64x64..4x1x256x256..8x1x1024x1024 -o`);
    const modelDir = path.join(repo, 'super_resolution');
    expect(fs.readdirSync(modelDir).sort()).toEqual(['1', 'config.pbtxt']);
    expect(fs.readdirSync(path.join(modelDir, '1'))).toEqual([]); // the plan is left to the target
    const text = fs.readFileSync(path.join(modelDir, 'config.pbtxt'), 'utf8');
    expect(readTritonConfig(text).config).toEqual({
      name: 'super_resolution',
      platform: 'tensorrt_plan',
      max_batch_size: 8,
      input: [{ name: 'input', data_type: 'TYPE_FP32', dims: [1, -1, -1] }],
      output: [{ name: 'output', data_type: 'TYPE_FP32', dims: [1, -1, -1] }],
      dynamic_batching: { max_queue_delay_microseconds: 500 },
      instance_group: [{ kind: 'KIND_GPU', count: 2 }],
    });
    const lint = lintTritonConfigText(text, await exampleIO(), { directory: { name: 'super_resolution', versions: [{ version: '1', files: ['model.plan'] }] } });
    expect(lint.findings).toEqual([]);
  });

  it('exports the two-input model unbatched (bias has a fixed first axis), both profiles selected, with --json', async () => {
    const repo = path.join(dir, 'two');
    const r = await runCli(['export', 'triton', TWO_INPUT_MODEL, '--repo', repo, '--shapes', 'input:1x3x16x16..2x3x24x24..4x3x64x64', '--profile', 'input:1x3x64x64..2x3x128x128..4x3x256x256', '--gpus', '0,1', '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ model: 'two_input_bias', plan: null, ioFrom: 'onnx', maxBatchSize: 0 });
    expect(doc.notes[0]).toMatch(/max_batch_size 0: the first axis of input "bias" is fixed at 1/);
    expect(doc.toDo).toMatch(/--shapes input:1x3x16x16\.\.2x3x24x24\.\.4x3x64x64 --profile input:1x3x64x64\.\.2x3x128x128\.\.4x3x256x256 -o /);
    const text = fs.readFileSync(doc.config, 'utf8');
    const { config } = readTritonConfig(text);
    expect(config.input).toEqual([
      { name: 'input', data_type: 'TYPE_FP32', dims: [-1, 3, -1, -1] },
      { name: 'bias', data_type: 'TYPE_FP32', dims: [1, 8, 1, 1] },
    ]);
    expect(config.instance_group).toEqual([{ kind: 'KIND_GPU', count: 1, gpus: [0, 1], profile: ['0', '1'] }]);
    expect(lintTritonConfigText(text, await twoInputIO()).pass).toBe(true);
  });

  it.each([
    [['--max-batch-size', '4'], /--max-batch-size 4: Triton batches along the first axis .* the first axis of input "bias" is fixed at 1/],
    [['--dynamic-batching'], /--dynamic-batching: dynamic batching needs max_batch_size > 0, and it is 0 here because the first axis of input "bias"/],
  ])('refuses %j for the two-input model: Triton cannot batch it', async (flags, message) => {
    const r = await runCli(['export', 'triton', TWO_INPUT_MODEL, '--repo', path.join(dir, 'refused'), '--shapes', 'input:1x3x16x16..2x3x24x24..4x3x64x64', ...flags]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('refuses a max_batch_size above the profile, a plan it cannot read, and a queue delay without dynamic batching', async () => {
    const shapes = ['--shapes', 'input:1x1x64x64..4x1x256x256..8x1x1024x1024'];
    const big = await runCli(['export', 'triton', '--repo', path.join(dir, 'r1'), ...shapes, '--max-batch-size', '16']);
    expect([big.code, big.stderr]).toEqual([2, expect.stringMatching(/at most 8, the largest batch the engine's profiles take .* for --max-batch-size but received 16/)]);
    const plan = await runCli(['export', 'triton', '--repo', path.join(dir, 'r2'), '--engine', path.join(dir, 'none.plan')]);
    expect([plan.code, plan.stderr]).toEqual([2, expect.stringMatching(/ERR_TRT_NODE_(TENSORRT_UNAVAILABLE|ADDON_LOAD)/)]); // no TensorRT, or no addon at all
    expect(fs.existsSync(path.join(dir, 'r2'))).toBe(false); // refused before anything was written
    const delay = await runCli(['export', 'triton', '--repo', path.join(dir, 'r3'), ...shapes, '--max-queue-delay', '10']);
    expect([delay.code, delay.stderr]).toEqual([2, expect.stringMatching(/--max-queue-delay/)]);
    const noRepo = await runCli(['export', 'triton']);
    expect([noRepo.code, noRepo.stderr]).toEqual([2, expect.stringMatching(/--repo/)]);
  });

  it('check --triton-config needs --engine and runs nothing else', async () => {
    const config = path.join(dir, 'config.pbtxt');
    fs.writeFileSync(config, 'platform: "tensorrt_plan"\n');
    const noEngine = await runCli(['check', '--triton-config', config]);
    expect([noEngine.code, noEngine.stderr]).toEqual([2, expect.stringContaining('--triton-config needs --engine')]);
    const withModel = await runCli(['check', EXAMPLE_MODEL, '--triton-config', config, '--engine', 'x.plan', '--sweep']);
    expect([withModel.code, withModel.stderr]).toEqual([2, expect.stringMatching(/drop the model, --sweep/)]);
  });
});

describe('the export command line', () => {
  it('shows the export targets without one, and names `trt-node export triton` in its usage errors', async () => {
    const bare = await runCli(['export']);
    expect(bare.code).toBe(2);
    expect(bare.stdout + bare.stderr).toMatch(/triton \[options\] \[model\]/);
    const bad = await runCli(['export', 'triton', '--repo', 'x', '--max-batch-size']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('usage: trt-node export triton [options] [model]');
    expect(bad.stderr).toContain('(trt-node export triton --help for every option)');
  });
});
