/**
 * The top-level CLI as a new user meets it (2026-12-07 new-user report, P10 and P12): `trt-node` alone prints the
 * help and exits 0; `--version` prints the package's version; with `--json` on stdout an error is a JSON document
 * too ({"error": {"code", "message"}}), so a script parsing stdout always gets JSON.
 */
import * as fs from 'fs';
import * as path from 'path';
import { runCli } from '../helpers/cli';

const ROOT = path.resolve(__dirname, '..', '..');

test('no arguments: the help on stdout, nothing on stderr, exit 0', async () => {
  const r = await runCli([]);
  expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
  expect(r.stdout).toMatch(/^Usage: trt-node /);
  expect(r.stdout).toContain('check');
});

test.each([['--version'], ['-V']])('%s prints the version of package.json, exit 0', async (flag) => {
  const { version } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const r = await runCli([flag]);
  expect(r).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
});

test.each([
  [['check', path.join(ROOT, 'no-such-model.onnx'), '--json'], 'ERR_TRT_NODE_FILE', /no-such-model\.onnx/],
  [['inspect', path.join(ROOT, 'no-such-model.onnx'), '--json', '-'], 'ERR_TRT_NODE_FILE', /no-such-model\.onnx/],
  [['check', '--atol', 'abc', '--json'], 'ERR_TRT_NODE_INVALID_VALUE', /--atol/],
  [['check', '--no-such-option', '--json'], 'ERR_TRT_NODE_USAGE', /unknown option '--no-such-option'/],
])('%j: the error as a JSON document on stdout (and as text on stderr), exit 2', async (args, code, message) => {
  const r = await runCli(args);
  expect(r.code).toBe(2);
  const doc = JSON.parse(r.stdout);
  expect(Object.keys(doc)).toEqual(['error']);
  expect(doc.error.code).toBe(code);
  expect(doc.error.message).toMatch(message);
  expect(r.stderr).toMatch(message);
});

test('an error with --json to a file leaves stdout empty (the document would go to the file, which was never made)', async () => {
  const r = await runCli(['check', path.join(ROOT, 'no-such-model.onnx'), '--json', 'out.json']);
  expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 2, stdout: '' });
  expect(fs.existsSync('out.json')).toBe(false);
});

test('JSON documents name files by absolute path, whatever the command (inspect file, check model); text shows them relative', async () => {
  // New-user P12: inspect --json gave `file` absolute while check --json gave `model` relative to the working folder.
  const relative = path.relative(process.cwd(), path.join(ROOT, 'example', 'super_resolution', 'model.onnx'));
  expect(path.isAbsolute(relative)).toBe(false);
  const inspect = JSON.parse((await runCli(['inspect', relative, '--json'])).stdout);
  const check = await runCli(['check', relative, '--json', '--no-probe']);
  const doc = JSON.parse(check.stdout);
  expect(inspect.file).toBe(path.resolve(relative));
  expect(doc.model).toBe(path.resolve(relative));
  const text = await runCli(['check', relative, '--no-probe']);
  expect(text.stdout).toContain(`trt-node check: ${relative} (opset`);
});
