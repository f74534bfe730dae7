/**
 * New-user P20: text is wrapped to the terminal's width, as the README says. At 100 columns the error a command
 * ends with, check's "Cross-check:" verdict, bench's warnings and notes, and doctor's CUDA line used to run on
 * for 130-330 columns, which a terminal breaks mid-word. Tables are left as they are (a row is one probe or run).
 */
import * as path from 'path';
import { formatBenchReport, runBench } from '../../lib/bench';
import { DEFAULT_MODEL } from '../../lib/cli/defaults';
import { crossCheck } from '../../lib/crosscheck';
import { formatCrossCheckTable } from '../../lib/report';
import { doctorReport, formatDoctorReport } from '../../lib/trt/doctor';
import { hangingWrap } from '../../lib/util/text';
import { runCli } from '../helpers/cli';

const WIDTH = 100;
const tooLong = (text: string) => text.split('\n').filter((l) => l.length > WIDTH);
const words = (text: string) => text.replace(/\s+/g, ' ').trim();

/** Runs the CLI with stderr as a terminal of `columns` columns (colour off: NO_COLOR). */
async function onTerminal(args: string[], columns: number) {
  const saved = { isTTY: process.stderr.isTTY, columns: process.stderr.columns, noColor: process.env.NO_COLOR };
  Object.defineProperty(process.stderr, 'isTTY', { value: true, configurable: true });
  Object.defineProperty(process.stderr, 'columns', { value: columns, configurable: true });
  process.env.NO_COLOR = '1';
  try {
    return await runCli(args);
  } finally {
    Object.defineProperty(process.stderr, 'isTTY', { value: saved.isTTY, configurable: true });
    Object.defineProperty(process.stderr, 'columns', { value: saved.columns, configurable: true });
    if (saved.noColor === undefined) delete process.env.NO_COLOR;
    else process.env.NO_COLOR = saved.noColor;
  }
}

describe('text fits a 100-column terminal', () => {
  it("a command's error on a terminal is wrapped to its width; to a file or pipe it is left as it is", async () => {
    // build without --shapes: a ShapeError of some 250 characters on any machine.
    const piped = await runCli(['build']);
    expect(piped.code).toBe(2);
    expect(piped.stderr.split('\n')[0].length).toBeGreaterThan(WIDTH);
    const shown = await onTerminal(['build'], WIDTH);
    expect(shown.code).toBe(2);
    expect(tooLong(shown.stderr)).toEqual([]);
    expect(words(shown.stderr)).toBe(words(piped.stderr));
    expect(shown.stderr).toMatch(/^trt-node: error \[ERR_TRT_NODE_(SHAPE|TENSORRT_UNAVAILABLE)\]: /); // TensorRT first where it is missing (P7)
  });

  it("check's cross-check verdict line wraps, continuation lines indented", async () => {
    const dir = path.dirname(DEFAULT_MODEL);
    const samples = [{ inputs: path.join(dir, 'inputs_1x1x64x64.npz'), reference: path.join(dir, 'reference_1x1x64x64.npz') }];
    const result = await crossCheck(DEFAULT_MODEL, { runners: [{ kind: 'onnxruntime' }], samples });
    const text = formatCrossCheckTable(result, { width: WIDTH });
    const verdict = text.slice(text.lastIndexOf('\nCross-check: ') + 1);
    expect(verdict.split('\n').length).toBeGreaterThan(1);
    expect(tooLong(verdict)).toEqual([]);
    expect(verdict.split('\n').slice(1).every((l) => l.startsWith('  '))).toBe(true);
    expect(words(verdict)).toMatch(/^Cross-check: PASS \(against the reference: 1 of 1 probe passed; .* within tolerance, 0 failed runs\)$/);
  });

  it("bench's warning and notes wrap; its table does not", async () => {
    const report = await runBench({ model: DEFAULT_MODEL, shapes: [{ input: [1, 1, 16, 16] }], runners: ['onnxruntime'], warmup: 0, iterations: 2 });
    const busy =
      'the machine was busy when the benchmark started (load average 9.5 over the last minute on 2 cores): other work competes for the CPU, so the latencies are upper bounds and vary between runs. Measure on an idle machine';
    const text = formatBenchReport({ ...report, warnings: [busy] }, { width: WIDTH });
    const table = text.split('\n').filter((l) => /^(backend|onnxruntime) {2,}(shapes|input:)/.test(l));
    expect(table).toHaveLength(2);
    expect(tooLong(text).filter((l) => !table.includes(l))).toEqual([]);
    expect(words(text)).toContain(`WARNING: ${busy}`);
    expect(words(text)).toContain('event-loop lag: how late timers fired while the runs went on');
  });

  it("doctor's lines fit, a long CUDA error included", () => {
    const report = doctorReport();
    const error = 'cudaGetDeviceCount failed: cudaErrorInsufficientDriver (CUDA driver version is insufficient for CUDA runtime version)';
    const text = formatDoctorReport({ ...report, cuda: { ...report.cuda, error } }, { width: WIDTH });
    expect(tooLong(text)).toEqual([]);
    const gpus = text.slice(text.indexOf('\nGPUs ') + 1);
    expect(words(gpus)).toContain(`(${error})`);
    // The continuation stays under the column of values.
    expect(gpus.split('\n')[1]).toMatch(/^ {15}\S/);
  });

  it('hangingWrap keeps the first line\'s own indent and starts each paragraph on a line of its own', () => {
    expect(hangingWrap('  aaa bbb ccc', '    ', 10)).toEqual(['  aaa bbb', '    ccc']);
    expect(hangingWrap('one\ntwo three', '  ', 8)).toEqual(['one', '  two', '  three']);
    expect(hangingWrap('', '  ', 8)).toEqual(['']);
  });
});
