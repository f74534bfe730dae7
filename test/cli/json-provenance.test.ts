/**
 * Every JSON document the CLI writes says what wrote it and when (new-user report 2026-12-07, P12; issue 20 item 7):
 * `versions` (trt-node, onnxruntime-node, Node) and `createdAt` (ISO 8601, UTC), first, before the command's own
 * fields — so a report kept from last month can be told apart from today's.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DEFAULT_MODEL } from '../../lib/cli/defaults';
import { runCli } from '../helpers/cli';

const PKG = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
const ORT = (require('onnxruntime-node/package.json') as { version: string }).version;

function expectProvenance(doc: Record<string, unknown>, before: number): void {
  expect(Object.keys(doc).slice(0, 2)).toEqual(['createdAt', 'versions']);
  expect(doc.versions).toEqual({ trtNode: PKG.version, onnxruntimeNode: ORT, node: process.version });
  const at = Date.parse(doc.createdAt as string);
  expect(doc.createdAt).toBe(new Date(at).toISOString());
  expect(at).toBeGreaterThanOrEqual(before - 1000);
  expect(at).toBeLessThanOrEqual(Date.now() + 1000);
}

test.each([
  ['inspect', ['inspect', '--json']],
  ['check', ['check', DEFAULT_MODEL, '--no-probe', '--json']],
  ['explain', ['explain', 'Model requires 552 inputs. Input Feed contains 1', '--json']],
  ['doctor', ['doctor', '--json']],
  ['bench', ['bench', '--backends', 'ort', '--shapes', 'input:1x1x16x16', '--iterations', '1', '--warmup', '0', '--json']],
])('%s --json starts with createdAt and versions', async (_name, args) => {
  const before = Date.now();
  const r = await runCli(args);
  expect([0, 1]).toContain(r.code); // doctor exits 1 without TensorRT
  expectProvenance(JSON.parse(r.stdout) as Record<string, unknown>, before);
});

test('so do the files: --json <file>, and the report bench writes', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trt-node-provenance-'));
  try {
    const before = Date.now();
    const file = path.join(dir, 'inspect.json');
    expect((await runCli(['inspect', '--json', file])).code).toBe(0);
    expectProvenance(JSON.parse(fs.readFileSync(file, 'utf8')), before);
    const bench = path.join(dir, 'bench.json');
    expect((await runCli(['bench', '--backends', 'ort', '--shapes', 'input:1x1x16x16', '--iterations', '1', '--warmup', '0', '--json', bench])).code).toBe(0);
    expectProvenance(JSON.parse(fs.readFileSync(bench, 'utf8')), before);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
