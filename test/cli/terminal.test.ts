/**
 * Terminal output: colour only on a TTY (NO_COLOR and FORCE_COLOR honoured), the terminal's width, numbers a
 * person reads, no progress where nobody watches (not a TTY, --json on stdout, CI), and reports that explain.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { check, formatCheckReport } from '../../lib/check';
import { crossCheck } from '../../lib/crosscheck';
import { DEFAULT_MODEL } from '../../lib/cli/defaults';
import { countOf, formatDuration, formatPercent, styleFor, wrap } from '../../lib/report/style';
import { formatCrossCheckTable, renderHtmlReport } from '../../lib/report';
import { runCli } from '../helpers/cli';
import { resultLine } from '../helpers/text';
import { caughtAsync } from '../helpers/errors';
import { modelPath } from '../check/fixtures';
import { forTerminal } from '../../lib/util/terminal';

const ESC = '\u001b[';

describe('style', () => {
  test('colour on a TTY only; NO_COLOR turns it off, FORCE_COLOR on (FORCE_COLOR=0 off)', () => {
    expect(styleFor({ isTTY: true, columns: 90 }, {}).color).toBe(true);
    expect(styleFor({ isTTY: false }, {}).color).toBe(false);
    expect(styleFor({ isTTY: true }, { NO_COLOR: '1' }).color).toBe(false);
    expect(styleFor({ isTTY: false }, { FORCE_COLOR: '1' }).color).toBe(true);
    expect(styleFor({ isTTY: true }, { FORCE_COLOR: '0' }).color).toBe(false);
    expect(styleFor({ isTTY: true, columns: 90 }, {}).width).toBe(90);
  });

  test('numbers a person reads: seconds past 10 s, "2 of 3 outputs", percentages', () => {
    expect([formatDuration(3.2), formatDuration(850), formatDuration(3200), formatDuration(13800), formatDuration(125000)]).toEqual(['3.2 ms', '850 ms', '3.2 s', '14 s', '2 min 5 s']);
    expect(countOf(2, 3, 'output')).toBe('2 of 3 outputs');
    expect([formatPercent(0.995), formatPercent(0.0002), formatPercent(0), formatPercent(0.9999)]).toEqual(['99.5%', '0.02%', '0%', '99.9%']);
  });

  test('text wraps to the width; strings from models lose their escape sequences', () => {
    for (const line of wrap('word '.repeat(60), '  ', 40)) expect(line.length).toBeLessThanOrEqual(40);
    expect(forTerminal('x\u001b[2J\u001b]0;title\u0007y')).toBe('x\\x1b[2J\\x1b]0;title\\x07y');
  });

  test('FORCE_COLOR colours PASS in check output; without it (not a TTY) there are no escapes', async () => {
    const args = ['check', DEFAULT_MODEL, '--shapes', 'input:1x1x16x16', '--no-probe'];
    const plain = await runCli(args);
    expect(plain.stdout).not.toContain(ESC);
    process.env.FORCE_COLOR = '1';
    try {
      const coloured = await runCli(args);
      expect(coloured.stdout).toContain(`${ESC}32mPASS`);
    } finally {
      delete process.env.FORCE_COLOR;
    }
  });

  test('no progress on stderr when it is not a terminal', async () => {
    const r = await runCli(['check', DEFAULT_MODEL, '--probes', '1x1x16x16', '--probes', '1x1x20x20']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
  });
});

describe('reports that explain', () => {
  const f = 'bilinear_upsample_opset10';
  const dir = path.join(__dirname, '..', 'fixtures', f);
  const samples = [{ inputs: path.join(dir, 'inputs_1x3x32x32.npz'), reference: path.join(dir, 'reference_1x3x32x32.npz') }];

  test('the HTML and JSON of the opset-10 fixture carry RESIZE_SEMANTICS next to the failing numbers', async () => {
    const r = await check(modelPath(f), { samples, sweep: true });
    expect(r.crossCheck!.verdict).toBe('fail');
    expect(r.crossCheck!.findings.map((x) => x.code)).toContain('RESIZE_SEMANTICS');
    const html = await renderHtmlReport(r.crossCheck!);
    expect(html).toContain('id="finding-RESIZE_SEMANTICS"');
    expect(html).toMatch(/opset_version=11/);
    const json = JSON.parse(JSON.stringify(r));
    expect(json.crossCheck.findings.find((x: { code: string }) => x.code === 'RESIZE_SEMANTICS').fix).toMatch(/opset_version=11/);
  });

  test('a probe where nothing was compared is "not compared" in the API, JSON, table and HTML, never PASS', async () => {
    const r = await crossCheck(DEFAULT_MODEL, { probes: [{ input: [1, 1, 16, 16] }] });
    expect(r.probes[0]).toMatchObject({ verdict: 'not compared', pass: null });
    expect(r.verdict).toBe('not compared');
    expect(r.pass).toBe(false);
    expect(JSON.parse(JSON.stringify(r)).probes[0].verdict).toBe('not compared');
    expect(formatCrossCheckTable(r)).toMatch(/\n {2}0 .* not compared/);
    expect(formatCrossCheckTable(r)).toMatch(/Cross-check: NOT COMPARED/);
    const html = await renderHtmlReport(r);
    expect(html).toContain('NOT COMPARED');
    expect(html).not.toContain('Every compared probe passed');
  });

  test('a per-output tolerance for an output that does not exist is a usage error listing the real names', async () => {
    const e = await caughtAsync(() => check(DEFAULT_MODEL, { tolerance: { perOutput: { outptu: { atol: 1e-2 } } } }));
    expect(e.code).toBe('ERR_TRT_NODE_INVALID_VALUE');
    expect(e.message).toMatch(/an output of the model \('output'\) for options\.tolerance\.perOutput but received "outptu"/);
    const cli = await runCli(['check', '--atol', '1e-3,outptu:1e-2']);
    expect(cli.code).toBe(2);
    expect(cli.stderr).toMatch(/outptu/);
    expect(cli.stderr).toMatch(/\('output'\)/);
  });

  test('the text report names the failing part and counts in words', async () => {
    const r = await check(modelPath(f), { samples });
    const text = formatCheckReport(r);
    expect(resultLine(text)).toMatch(/Result: FAIL — TensorRT import: ok \(judged without TensorRT\); export: FAILS \(RESIZE_SEMANTICS\); numerics: FAIL/);
    expect(resultLine(text)).toMatch(/1 of 1 comparison outside tolerance/);
    expect(text).toMatch(/failing \d+(\.\d+)?% of elements/);
  });
});

test('an --inputs file written by the check is refused as --save-outputs (no file replaced)', async () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'trt-node-save-'));
  try {
    const inputs = path.join(d, 'in.npz');
    fs.copyFileSync(path.join(__dirname, '..', 'fixtures', 'super_resolution', 'inputs_1x1x64x64.npz'), inputs);
    const before = fs.readFileSync(inputs);
    const e = await caughtAsync(() => check(DEFAULT_MODEL, { samples: [{ inputs }], saveOutputs: inputs }));
    expect(e.message).toMatch(/same file/);
    expect(fs.readFileSync(inputs).equals(before)).toBe(true);
    const e2 = await caughtAsync(() => check(DEFAULT_MODEL, { saveOutputs: DEFAULT_MODEL }));
    expect(e2.message).toMatch(/the model/);
  } finally {
    fs.rmSync(d, { recursive: true, force: true });
  }
});
