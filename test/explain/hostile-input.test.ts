/**
 * explain under hostile input (issue 20 items 5 and 7: D5, D6, D12, D13). Its input is bounded like every other read
 * (stdin and --file: at most 64 MiB, then exit 2 saying so); every rule is linear in its input (a 1 MB line takes
 * milliseconds, where a backtracking rule took about 20 minutes); stdin that cannot be read is one line, exit 2;
 * names taken from the pasted text are escaped for the terminal like everywhere else.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { explain } from '../../lib/explain';
import { readModelSync } from '../../lib/onnx/reader';
import { runCli } from '../helpers/cli';
import { BIN, ROOT, STRESS_TIMEOUT, runNode, trials } from '../helpers/trials';

const MODEL = path.join(ROOT, 'test', 'fixtures', 'super_resolution', 'model.onnx');
const MB = 1 << 20;

/** 1 MB lines that made a rule backtrack from every position (each was quadratic: minutes to hours). */
const LONG_LINES: Record<string, string> = {
  'one word': 'a'.repeat(MB),
  'a dotted word': 'torch.onnx._'.repeat(MB / 12),
  'dims': '1x'.repeat(MB / 2),
  'quotes': "'".repeat(MB),
  'spaces': `${' '.repeat(MB)}x`,
  'a TensorRT profile name': `${'n'.repeat(MB)}: for dimension number 1 in profile 0`,
};

test.each(Object.keys(LONG_LINES))('a 1 MB line (%s) is explained in linear time, with and without --model', (name) => {
  const model = readModelSync(MODEL);
  const text = LONG_LINES[name];
  expect(explain(text).recognized).toBe(false);
  expect(explain(text, { model }).recognized).toBe(false);
});

/**
 * Stress (D6): 20 seeded 1 MB lines mixing the pieces the rules match on (names, separators, dims, quotes, the words
 * of onnxruntime's and TensorRT's messages), each explained with and without --model. A rule that backtracks on any
 * of them takes minutes: the test's limit is for that, not for speed.
 */
test('20 seeded 1 MB lines of the rules\' own pieces: each explained, none hangs', () => {
  const pieces = [
    'a', 'n', '_', '.', ':', "'", '"', ' ', '  ', '\t', '1x', 'x1', '/', '::', '(', ')', '[', ']', ',', '0', '123',
    'torch.onnx.', 'for dimension number ', ' in profile ', 'Got invalid dimensions for input', ' index: ', ' Got: ',
    ' Expected: ', 'is not a registered function/op', 'Model requires ', ' inputs', 'No importer registered for op',
    'Dimension mismatch', 'aten::', 'onnx::', 'Reshape', 'requested shape', 'input ', ' is missing in \'feeds\'',
  ];
  let state = 20261207;
  const random = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const model = readModelSync(MODEL);
  for (let trial = 0; trial < 20; trial++) {
    // A few pieces repeated to 1 MB: a run of one piece is what makes a backtracking rule slow.
    const chosen = Array.from({ length: 1 + (trial % 4) }, () => pieces[Math.floor(random() * pieces.length)]);
    const unit = chosen.join('');
    const text = unit.repeat(Math.ceil(MB / unit.length)).slice(0, MB);
    expect(typeof explain(text).recognized).toBe('boolean');
    expect(typeof explain(text, { model }).recognized).toBe('boolean');
  }
}, STRESS_TIMEOUT);

test('the CLI: --file with a 1 MB word answers (nothing recognised, exit 1)', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trt-node-explain-'));
  try {
    const file = path.join(dir, 'token.txt');
    fs.writeFileSync(file, 'x'.repeat(MB));
    const r = await runCli(['explain', '--file', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('nothing recognised');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('--model with an "invalid dimensions" message that lists no index: explained, no TypeError', async () => {
  const r = await runCli(['explain', '--model', MODEL, 'Got invalid dimensions for input: input for the following indices']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
});

/** `yes | trt-node explain`: feeds up to 256 MiB (a reader without a limit would still be reading, and growing, then). */
async function endlessStdin(): Promise<{ stillReading: boolean; code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [BIN, 'explain'], { cwd: ROOT, stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += String(d)));
  child.stdin.on('error', () => undefined); // EPIPE once it stops reading
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const closed = new Promise((resolve) => child.on('close', resolve)); // stderr read to its end
  let running = true;
  void exited.then(() => (running = false));
  const chunk = Buffer.from('Model requires 552 inputs\n'.repeat(MB / 26));
  for (let written = 0; running && written < 256 * MB; written += chunk.length) {
    if (!child.stdin.write(chunk)) await Promise.race([new Promise((r) => child.stdin.once('drain', r)), exited]);
  }
  const stillReading = running;
  if (running) child.kill('SIGKILL');
  const code = await exited;
  child.stdin.destroy();
  await closed;
  return { stillReading, code, stderr };
}

test('endless stdin (yes | trt-node explain), stress (D5): 20 trials, each refused past 64 MiB with exit 2', async () => {
  const outcomes = await trials(20, 2, endlessStdin);
  expect(outcomes.map(({ stillReading, code }) => ({ stillReading, code }))).toEqual(Array(20).fill({ stillReading: false, code: 2 }));
  for (const o of outcomes) expect(o.stderr).toMatch(/^trt-node: error \[ERR_TRT_NODE_FILE\]: stdin: is more than 64 MiB/);
}, STRESS_TIMEOUT);

test('--file /dev/zero: refused past 64 MiB, exit 2', async () => {
  if (!fs.existsSync('/dev/zero')) return;
  const r = await runCli(['explain', '--file', '/dev/zero']);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/\/dev\/zero: is more than 64 MiB/);
});

test('stdin open but not readable (a write-only fd 0): "stdin: cannot be read", exit 2', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trt-node-explain-'));
  const fd = fs.openSync(path.join(dir, 'wo.txt'), 'w');
  try {
    const o = await runNode([BIN, 'explain'], { stdio: [fd, 'pipe', 'pipe'] });
    expect(o.code).toBe(2);
    expect(o.stderr).toMatch(/^trt-node: error \[ERR_TRT_NODE_FILE\]: stdin: cannot be read/);
    expect(o.stderr.split('\n').filter(Boolean)).toHaveLength(1);
  } finally {
    fs.closeSync(fd);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('names from the pasted text are escaped: no raw ESC, OSC or BEL reaches the terminal', async () => {
  const r = await runCli(['explain', 'Got invalid dimensions for input: x\u001b[2J\u001b]0;pwned\u0007 for the following indices index: 1 Got: 3 Expected: 4']);
  expect(r.code).toBe(0);
  expect(r.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
  expect(r.stdout).toContain('x\\x1b[2J\\x1b]0;pwned\\x07');
});
