/** `trt-node explain`: text from arguments, --file or stdin; --json; exit 0 recognised, 1 not, 2 usage. */
import { execFile } from 'child_process';
import * as path from 'path';
import { runCli } from '../helpers/cli';

const ROOT = path.resolve(__dirname, '..', '..');
const FILE = path.join(ROOT, 'test', 'fixtures', 'explain', 'captured', 'classic_opset10_align_corners.txt');

test('an argument: the finding and its fix, exit 0', async () => {
  const r = await runCli(['explain', 'Model requires 552 inputs. Input Feed contains 1']);
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/^ERROR {3}WEIGHTS_AS_INPUTS {2}\(onnxruntime\)/);
  expect(r.stdout).toContain('export_params=True');
});

test('--file with --json: one JSON document', async () => {
  const r = await runCli(['explain', '--file', FILE, '--json']);
  expect(r.code).toBe(0);
  const doc = JSON.parse(r.stdout);
  expect(doc.findings.map((f: { code: string }) => f.code)).toEqual(['RESIZE_SEMANTICS']);
  expect(doc.recognized).toBe(true);
});

test('nothing recognised: exit 1 and says what it knows; usage errors exit 2', async () => {
  const r = await runCli(['explain', 'all good']);
  expect(r.code).toBe(1);
  expect(r.stdout).toContain('nothing recognised');
  expect((await runCli(['explain', '--file', '/nonexistent/log.txt'])).code).toBe(2);
  expect((await runCli(['explain', 'x', '--file', FILE])).code).toBe(2);
});

test('stdin: a pasted traceback piped in', async () => {
  const out = await new Promise<{ code: number; stdout: string }>((resolve) => {
    const child = execFile(process.execPath, [path.join(ROOT, 'bin', 'trt-node.js'), 'explain'], { cwd: ROOT }, (error, stdout) =>
      resolve({ code: error ? (error as { code?: number }).code ?? 1 : 0, stdout }),
    );
    child.stdin!.end("RuntimeError: ONNX export failed: Couldn't export operator aten::upsample_bilinear2d\n");
  });
  expect(out.code).toBe(0);
  expect(out.stdout).toContain('RESIZE_SEMANTICS');
  expect(out.stdout).toContain('opset_version=11');
});
