/** `trt-node inspect`: in-process through main(), plus one real spawn of the bin. */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runCli } from '../helpers/cli';
import { DEFAULT_MODEL, DEFAULT_SAMPLES, PACKAGE_ROOT } from '../../lib/cli/defaults';

const FIXTURES = path.join(__dirname, '..', 'fixtures');

const run = (...args: string[]) => runCli(['inspect', ...args]);

beforeEach(() => {
  process.exitCode = undefined;
});
afterAll(() => {
  process.exitCode = undefined;
});

test('the defaults point at the bundled example and its samples', () => {
  expect(fs.existsSync(DEFAULT_MODEL)).toBe(true);
  expect(path.relative(PACKAGE_ROOT, DEFAULT_MODEL)).toBe(path.join('example', 'super_resolution', 'model.onnx'));
  for (const s of DEFAULT_SAMPLES) {
    expect(fs.existsSync(s.inputs)).toBe(true);
    expect(fs.existsSync(s.reference)).toBe(true);
  }
});

test('no argument: a readable report of the bundled super-resolution model', async () => {
  const { code, stdout, stderr } = await run();
  expect(code).toBe(0);
  expect(stderr).toBe('');
  expect(stdout).toMatch(/^Model\s+(\S*\/)?example\/super_resolution\/model\.onnx \(234\.4 KiB\)$/m);
  expect(stdout).toMatch(/^Opsets\s+ai\.onnx 11$/m);
  expect(stdout).toMatch(/^Producer\s+pytorch /m);
  expect(stdout).toMatch(/^ {2}input\s+float32\s+\[batch\]x1x\[height\]x\[width\]$/m);
  // The output is 3x the input: names of its own (in ONNX one dim_param is one size).
  expect(stdout).toMatch(/^ {2}output\s+float32\s+\[batch\]x1x\[out_height\]x\[out_width\]$/m);
  expect(stdout).toMatch(/^ {2}Conv\s+4$/m);
  expect(stdout).toMatch(/^ {2}Relu\s+3$/m);
  expect(stdout).toMatch(/^Initializers\s+8 tensors, 233\.0 KiB \(float32: 8\)$/m);
  expect(stdout).toMatch(/^External data\s+none$/m);
  expect(stdout).not.toMatch(/^Nodes$/m);
});

test('static export shows fixed dims; export_params=False shows weights as plain inputs', async () => {
  const fixed = await run(path.join(FIXTURES, 'super_resolution_static', 'model.onnx'));
  expect(fixed.stdout).toMatch(/^ {2}input\s+float32\s+1x1x96x64$/m);
  const noParams = await run(path.join(FIXTURES, 'super_resolution_no_params', 'model.onnx'));
  expect(noParams.stdout).toMatch(/^ {2}conv1\.weight\s+float32\s+64x1x5x5$/m);
  expect(noParams.stdout).toMatch(/^Initializers\s+none$/m);
});

test('--nodes lists every node, custom domains qualified', async () => {
  const { code, stdout } = await run(path.join(FIXTURES, 'custom_op', 'model.onnx'), '--nodes');
  expect(code).toBe(0);
  expect(stdout).toMatch(/^ {2}com\.example::FastGelu\s+1$/m);
  expect(stdout).toMatch(/^Nodes$/m);
  expect(stdout).toMatch(/^ {2}1\s+com\.example::FastGelu\s+\/FastGelu\s+\/conv\/Conv_output_0 -> output$/m);
});

test('--json prints one document: the summary without nodes (unless --nodes)', async () => {
  const { code, stdout } = await run('--json');
  expect(code).toBe(0);
  const doc = JSON.parse(stdout);
  expect(doc).toMatchObject({
    file: DEFAULT_MODEL,
    irVersion: expect.any(Number),
    producerName: 'pytorch',
    opsets: [{ domain: '', version: 11 }],
    nodeCount: 8,
    inputs: [
      {
        name: 'input',
        elemType: 'float32',
        isInitializer: false,
        dims: [{ kind: 'symbolic', name: 'batch' }, { kind: 'fixed', value: 1 }, { kind: 'symbolic', name: 'height' }, { kind: 'symbolic', name: 'width' }],
      },
    ],
    outputs: [{ name: 'output', elemType: 'float32' }],
    initializers: { count: 8, dtypes: { float32: 8 } },
    externalData: [],
  });
  expect(doc.nodeCounts).toEqual([
    { domain: '', opType: 'Conv', count: 4 },
    { domain: '', opType: 'Relu', count: 3 },
    { domain: '', opType: 'DepthToSpace', count: 1 },
  ]);
  expect(doc.initializers.totalBytes).toBe(doc.initializers.list.reduce((a: number, t: { byteLength: number }) => a + t.byteLength, 0));
  expect(doc).not.toHaveProperty('nodes');

  const withNodes = JSON.parse((await run('--json', '--nodes')).stdout);
  expect(withNodes.nodes).toHaveLength(8);
  expect(withNodes.nodes[0]).toMatchObject({ index: 0, opType: 'Conv', attributes: { kernel_shape: { type: 'ints', value: [5, 5] } } });
});

test('bad input exits 2 with the error on stderr (and, with --json, as the JSON document on stdout)', async () => {
  const missing = await run(path.join(os.tmpdir(), 'trt-node-no-such-model.onnx'), '--json');
  expect(missing.code).toBe(2);
  expect(JSON.parse(missing.stdout).error.code).toBe('ERR_TRT_NODE_FILE');
  expect(missing.stderr).toMatch(/ERR_TRT_NODE_FILE.*trt-node-no-such-model\.onnx: no such file/);

  const npz = await run(path.join(FIXTURES, 'super_resolution', 'inputs_1x1x64x64.npz'));
  expect(npz.code).toBe(2);
  expect(npz.stderr).toMatch(/ERR_TRT_NODE_ONNX_FORMAT.*not an ONNX model: this is a ZIP archive/);
});

test('the bin works from any directory: `node bin/trt-node.js inspect --json`', () => {
  const result = spawnSync(process.execPath, [path.join(PACKAGE_ROOT, 'bin', 'trt-node.js'), 'inspect', '--json'], {
    cwd: os.tmpdir(),
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  const doc = JSON.parse(result.stdout);
  expect(doc.file).toBe(DEFAULT_MODEL);
  expect(doc.inputs.map((i: { name: string }) => i.name)).toEqual(['input']);
  expect(doc.nodeCount).toBe(8);
});

test('names with terminal escapes (fuzz report name_ansi, ansi_optype) are printed escaped, in every table', async () => {
  const { encodeModel, node, valueInfo } = await import('./build-model');
  const evil = 'x\x1b[2J\x1b[31mPWNED\x1b]0;evil-title\x07';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trt-node-inspect-'));
  try {
    const file = path.join(dir, 'model.onnx');
    fs.writeFileSync(
      file,
      encodeModel({
        producer: `p\x1b]0;t\x07`,
        inputs: [valueInfo(evil, [1, 'h\x1b[1A'])],
        outputs: [valueInfo('y\u202e', [1, 2])],
        nodes: [node(`Relu\x1b[2K`, [evil], ['y\u202e'], { domain: 'd\x9b', name: 'n\r' })],
        opsets: [{ domain: '', version: 17 }, { domain: 'd\x9b', version: 1 }],
      }),
    );
    const { code, stdout } = await run(file, '--nodes');
    expect(code).toBe(0);
    expect(stdout).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f\u202e]/);
    expect(stdout).toContain('x\\x1b[2J\\x1b[31mPWNED\\x1b]0;evil-title\\x07');
    expect(stdout).toContain('[h\\x1b[1A]');
    expect(stdout).toContain('d\\x9b::Relu\\x1b[2K');
    expect(stdout).toContain('y\\u202e');
    expect(stdout).toMatch(/^Producer\s+p\\x1b\]0;t\\x07 0$/m);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
