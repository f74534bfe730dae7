/**
 * bench and the machine it runs on (new-user report 2026-12-07, P13; issue 20 item 7): it writes no file unless asked
 * (--files, --json <file>, --chart <file>), and says so when the machine was busy, since its figures are then upper
 * bounds that vary from run to run. (The load itself is never asserted: other work shares this machine.)
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { machineLoadWarning } from '../../lib/bench/load';
import { runCli } from '../helpers/cli';

const quick = ['bench', '--backends', 'ort', '--shapes', 'input:1x1x16x16', '--iterations', '2', '--warmup', '0'];
let dir: string;
let cwd: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trt-node-bench-files-'));
  cwd = process.cwd();
});
afterAll(() => {
  process.chdir(cwd);
  fs.rmSync(dir, { recursive: true, force: true });
});

async function benchIn(folder: string, args: string[]) {
  fs.mkdirSync(folder);
  process.chdir(folder);
  try {
    return await runCli([...quick, ...args]);
  } finally {
    process.chdir(cwd);
  }
}

describe('bench writes files only when asked', () => {
  test('by default: the table on stdout, no file in the current folder', async () => {
    const work = path.join(dir, 'default');
    const r = await benchIn(work, []);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^onnxruntime\s+input:1x1x16x16/m);
    expect(fs.readdirSync(work)).toEqual([]);
    expect(r.stdout).not.toContain('wrote ');
  });

  test('--files: bench.json and bench.svg in the current folder, not in the package', async () => {
    const work = path.join(dir, 'files');
    const r = await benchIn(work, ['--files']);
    expect(r.code).toBe(0);
    expect(fs.readdirSync(work).sort()).toEqual(['bench.json', 'bench.svg']);
    expect(r.stdout).toContain('wrote bench.json');
    const doc = JSON.parse(fs.readFileSync(path.join(work, 'bench.json'), 'utf8'));
    // onnxruntime's figures say how they were taken, and what the binding adds on top of the runtime.
    expect(doc.runs[0].measuredAs).toMatch(/worker thread/);
    expect(doc.runs[0].engine.median).toBeGreaterThan(0);
    expect(typeof doc.runs[0].overheadMedianMs).toBe('number');
  });

  test('--json <file> writes that file alone; --chart <file> that chart alone', async () => {
    const work = path.join(dir, 'named');
    const r = await benchIn(work, ['--json', 'out.json']);
    expect(r.code).toBe(0);
    expect(fs.readdirSync(work)).toEqual(['out.json']);
  });
});

describe('a busy machine is reported', () => {
  test('a load average above the core count warns that the latencies are upper bounds', () => {
    const w = machineLoadWarning(14.8, 2);
    expect(w).toMatch(/busy/);
    expect(w).toContain('14.8');
    expect(w).toContain('2 cores');
    expect(w).toMatch(/upper bounds/);
    expect(machineLoadWarning(1.5, 2)).toBeUndefined();
    expect(machineLoadWarning(0, 8)).toBeUndefined(); // Windows reports 0
  });

  test("the report carries the load average it was measured under (machine.loadAverage), and its warnings", async () => {
    const r = await benchIn(path.join(dir, 'json'), ['--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { machine: { loadAverage: number; cpus: number }; warnings: string[] };
    expect(typeof doc.machine.loadAverage).toBe('number');
    expect(doc.warnings).toEqual(doc.machine.loadAverage > doc.machine.cpus ? [machineLoadWarning(doc.machine.loadAverage, doc.machine.cpus)] : []);
  });
});
