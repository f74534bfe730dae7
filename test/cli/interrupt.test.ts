/**
 * Ctrl-C and AbortSignal: what finished is kept. Through the real bin (a SIGINT to the process while a sweep runs:
 * it ends by the signal, status 130, and leaves a valid HTML and JSON report marked interrupted) and in-process
 * (main() with a signal returns 130; check() and crossCheck() reject with AbortError carrying the partial report).
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { check } from '../../lib/check';
import { crossCheck } from '../../lib/crosscheck';
import { DEFAULT_MODEL } from '../../lib/cli/defaults';
import { AbortError } from '../../lib/errors';
import { main } from '../../lib/cli/main';
import { caughtAsync } from '../helpers/errors';

const BIN = path.join(__dirname, '..', '..', 'bin', 'trt-node.js');
let dir: string;
beforeAll(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trt-node-interrupt-'))));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Large probes (seconds each on 2 cores), so that the SIGINT lands in the middle of the run. */
const SLOW_PROBES = ['1x1x32x32', '2x1x768x768', '2x1x767x768', '2x1x768x767', '2x1x766x766'].flatMap((p) => ['--probes', p]);

test('SIGINT during check --sweep --report: partial table, valid reports marked interrupted, ended by SIGINT (status 130)', async () => {
  const html = path.join(dir, 'r.html');
  const json = path.join(dir, 'r.json');
  const child = spawn(process.execPath, [BIN, 'check', DEFAULT_MODEL, ...SLOW_PROBES, '--report', html, '--json', json], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let sent = false;
  child.stderr.on('data', (d) => (err += String(d)));
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  child.stdout.on('data', (d) => {
    out += String(d);
    // The first probe's row is out: interrupt while the big ones run.
    if (!sent && /\n {2}0 /.test(out)) {
      sent = true;
      child.kill('SIGINT');
    }
  });
  const { code, signal } = await ended;
  expect(sent).toBe(true);
  // Ended by SIGINT itself (the shell sees 130), not by a crash or a hang.
  expect({ code, signal }).toEqual({ code: null, signal: 'SIGINT' });
  expect(err).toContain('stopping (Ctrl-C again to quit at once)');
  expect(err).not.toMatch(/terminate called|Napi::Error|Aborted/);
  // What finished agreed, but a stopped run is not a pass of the range: INTERRUPTED, pass false.
  expect(out).toMatch(/Cross-check: INTERRUPTED \(/);
  expect(out).toMatch(/Result: INTERRUPTED — /);
  const doc = JSON.parse(fs.readFileSync(json, 'utf8'));
  expect(doc.interrupted).toBe(true);
  expect(doc.crossCheck.interrupted).toBe(true);
  expect([doc.pass, doc.crossCheck.pass]).toEqual([false, false]);
  expect(doc.crossCheck.probes.length).toBeGreaterThanOrEqual(1);
  expect(doc.crossCheck.probes.length).toBeLessThan(5);
  const page = fs.readFileSync(html, 'utf8');
  expect(page).toContain('<span class="badge interrupted">INTERRUPTED</span>');
  expect(page).not.toContain('<span class="badge pass">');
  expect(page.trimEnd().endsWith('</html>')).toBe(true);
  // Nothing half-written beside the reports.
  expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
});

test('main() with an aborted signal returns 130 and prints the partial report', async () => {
  const controller = new AbortController();
  let stdout = '';
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    // Abort once the first probe's row is printed.
    if (/\n {2}0 /.test(stdout)) controller.abort();
    return true;
  });
  const err = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    const code = await main(['node', 'trt-node', 'check', DEFAULT_MODEL, ...SLOW_PROBES], { signal: controller.signal });
    expect(code).toBe(130);
  } finally {
    out.mockRestore();
    err.mockRestore();
    process.exitCode = undefined;
  }
  expect(stdout).toMatch(/Result: INTERRUPTED — /);
});

test('check() and crossCheck() reject with AbortError whose `partial` is the report so far', async () => {
  const controller = new AbortController();
  const e = await caughtAsync(() =>
    check(DEFAULT_MODEL, { probes: [{ input: [1, 1, 32, 32] }, { input: [1, 1, 48, 48] }], signal: controller.signal, onProgress: () => controller.abort() }),
  );
  expect(e).toBeInstanceOf(AbortError);
  const partial = (e as AbortError).partial as { interrupted: boolean; crossCheck: { probes: unknown[]; interrupted: boolean } };
  expect(partial.interrupted).toBe(true);
  expect(partial.crossCheck.probes).toHaveLength(1);
  expect((partial as unknown as { crossCheck: { verdict: string; pass: boolean } }).crossCheck).toMatchObject({ verdict: 'pass', pass: false });

  const c2 = new AbortController();
  c2.abort();
  const e2 = await caughtAsync(() => crossCheck(DEFAULT_MODEL, { signal: c2.signal }));
  expect(e2.code).toBe('ERR_TRT_NODE_ABORTED');
  expect(((e2 as AbortError).partial as { probes: unknown[] }).probes).toEqual([]);
});
