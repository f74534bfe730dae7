/**
 * One shape grammar: check, build and bench accept and refuse the same `--shapes` texts, with the same message,
 * naming --shapes (the cases where they used to disagree: a name written `input :`, a trailing comma, a bare
 * shape, bad ranges). Runs the CLI in-process, on the bundled dynamic model, with or without TensorRT.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DEFAULT_MODEL } from '../../lib/cli/defaults';
import { runCli } from '../helpers/cli';

let dir: string;
beforeAll(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trt-node-shape-agreement-'))));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Each command, with flags that make it quick; a range makes check and bench build an engine too. */
const COMMANDS: Record<string, () => string[]> = {
  check: () => ['check', DEFAULT_MODEL, '--no-probe', '--json'],
  build: () => ['build', DEFAULT_MODEL, '--no-progress', '--json', '-o', path.join(dir, 'model.plan')],
  bench: () => ['bench', DEFAULT_MODEL, '--iterations', '1', '--warmup', '0', '--no-files', '--json'],
};

/**
 * 'accepted' when the command ran, or stopped only because TensorRT is not here (the shapes were read and
 * checked before; check then runs the rest and reports TensorRT not available); else its error line.
 */
async function verdict(command: string, shapes: string): Promise<string> {
  const r = await runCli([...COMMANDS[command](), '--shapes', shapes]);
  if (r.code === 0 || /ERR_TRT_NODE_TENSORRT_UNAVAILABLE/.test(r.stderr) || (r.code === 1 && /TensorRT is not available/.test(r.stdout))) return 'accepted';
  expect(r.code).toBe(2);
  return r.stderr.trim();
}

async function verdicts(shapes: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const command of Object.keys(COMMANDS)) out[command] = await verdict(command, shapes);
  return out;
}

describe('--shapes: every command reads a text the same way', () => {
  jest.setTimeout(120_000);

  test.each([
    ['input : 1x1x16x16', 'spaces around the name'],
    ['input:1x1x16x16,', 'a trailing comma'],
    [' input:1x1x16x16 ,, ', 'blanks and an empty entry'],
    ['1x1x16x16', 'a bare shape for the only input to shape'],
    ["'input':1x1x16x16", 'a quoted name'],
    ['input : 1x1x16x16..1x1x24x24..1x1x32x32', 'a range, spaces around the name'],
    ['1x1x16x16..1x1x24x24..1x1x32x32,', 'a bare range and a trailing comma'],
  ])('%j (%s) is accepted by check, build and bench', async (shapes) => {
    expect(await verdicts(shapes)).toEqual({ check: 'accepted', build: 'accepted', bench: 'accepted' });
  });

  test.each([
    ['input:1x1x64x64..1x1x256x256', /Expected a fixed shape or min\.\.opt\.\.max for --shapes .*Give three shapes/],
    ['input:1x1x64x64..1x1x32x32..1x1x256x256', /--shapes\["input"\]: axis 2 \(height\) of input "input" needs min ≤ opt ≤ max, got 64, 32, 256/],
    ['input:1x1x64x64..1x1x128x128..1x1x256', /--shapes\["input"\]\.max has 3 dimensions but input "input" has 4/],
    ['input:1x2x64x64..1x2x64x64..1x2x64x64', /--shapes\["input"\]: axis 1 of input "input" is fixed at 1 in the model, but min is 2/],
    ['input:..1x1x64x64..1x1x64x64', /for --shapes .*The shape is empty/],
    ['1x1x64x64..1x1x128x128', /Expected a fixed shape or min\.\.opt\.\.max for --shapes/],
    ['input:1x1xax64', /for --shapes .*"a" is not a dimension/],
    ['input:1x1x64x64;input:1x1x32x32', /Repeat --shapes for several sets/],
    [':1x1x64x64', /an input or output name before ':' .*for --shapes/],
    ['input:1x1x8x8,input:1x1x9x9', /each name once for --shapes .*"input" is given twice/],
    [',', /Expected entries like 'input:1x3x224x224' for --shapes/],
  ])('%j is refused by check, build and bench with one message', async (shapes, message) => {
    const v = await verdicts(shapes);
    expect(v.check).toMatch(message);
    expect(v.check).toMatch(/^trt-node: error \[ERR_TRT_NODE_(INVALID_VALUE|SHAPE)\]: /);
    // build adds, where TensorRT is missing, that no engine can be built here anyway (new-user P7).
    expect(v.build.replace(/\nEven with profiles, no engine can be built here: [^\n]*/, '')).toBe(v.check);
    expect(v.bench).toBe(v.check);
  });

  test('a bare shape for a model with several inputs to shape is refused alike, naming them', async () => {
    const model = path.join(__dirname, '..', 'fixtures', 'nms_detections', 'model.onnx'); // boxes and scores, both dynamic
    const out: string[] = [];
    for (const args of [
      ['check', model, '--no-probe'],
      ['build', model, '--no-progress', '-o', path.join(dir, 'multi.plan')],
      ['bench', model, '--iterations', '1', '--warmup', '0', '--no-files'],
    ]) {
      const r = await runCli([...args, '--shapes', '8x4']);
      expect(r.code).toBe(2);
      out.push(r.stderr);
    }
    expect(out[0]).toMatch(/The model has 2 inputs to shape \(boxes, scores\); a bare shape only works for one/);
    expect(new Set(out).size).toBe(1);
  });
});

describe('profile flags name themselves', () => {
  test('--profile and trtexec lists are checked like --shapes, each error naming its flag', async () => {
    for (const command of Object.keys(COMMANDS)) {
      const p = await runCli([...COMMANDS[command](), '--shapes', 'input:1x1x16x16', '--profile', 'input:1x1x64x64..1x1x32x32..1x1x256x256']);
      expect(p.stderr).toMatch(/--profile\["input"\]: axis 2 \(height\) of input "input" needs min ≤ opt ≤ max/);
      const t = await runCli([...COMMANDS[command](), '--minShapes', 'input:1x1x8x8', '--optShapes', 'input:1x1x16x16', '--maxShapes', 'input:1x1x8x8']);
      expect(t.stderr).toMatch(/--minShapes\/--optShapes\/--maxShapes\["input"\]: axis 2 \(height\) .* needs min ≤ opt ≤ max, got 8, 16, 8/);
    }
  });
});
