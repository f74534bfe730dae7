/**
 * What `require('trt-node')` loads (new-user report 2026-12-07, P26: protobufjs, 45 modules, was loaded by every
 * require, for a schema only readModel parses): the built package's entry pulls in no third-party library that only
 * some calls use — the ONNX schema parser, onnxruntime-node, charts, images, the CLI's parsers and progress bar load
 * on first use. Run on dist/ (`npm test` builds it first) in a fresh process; the time is printed, never asserted.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');
const ENTRY = path.join(ROOT, 'dist', 'index.js');
const built = fs.existsSync(ENTRY);
if (!built) process.stderr.write('skipping the require-cost test (test/package): dist/ is not built: run `npm run build`\n');

(built ? test : test.skip)("require('trt-node') loads no library that only some calls use", () => {
  const script = `
    const t = process.hrtime.bigint();
    require(${JSON.stringify(ENTRY)});
    const ms = Number(process.hrtime.bigint() - t) / 1e6;
    const packages = [...new Set(Object.keys(require.cache).map((f) => /node_modules[\\\\/]((?:@[^\\\\/]+[\\\\/])?[^\\\\/]+)/.exec(f)?.[1]).filter(Boolean))].sort();
    const builtins = process.moduleLoadList.filter((m) => /^NativeModule perf_hooks$/.test(m));
    console.log(JSON.stringify({ ms, modules: Object.keys(require.cache).length, packages, builtins }));`;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  const doc = JSON.parse(r.stdout) as { ms: number; modules: number; packages: string[]; builtins: string[] };
  const lazy = ['protobufjs', 'long', 'fflate', 'onnxruntime-node', 'onnxruntime-common', 'vega', 'vega-lite', 'pngjs', 'cli-progress', 'commander', 'cmake-js'];
  expect(doc.packages.filter((p) => lazy.includes(p))).toEqual([]);
  expect(doc.builtins).toEqual([]); // Node's own that only a benchmark or a file write needs
  process.stderr.write(`test/package: require('trt-node') from dist/: ${doc.ms.toFixed(0)} ms, ${doc.modules} modules, packages: ${doc.packages.join(', ') || 'none'} (not asserted)\n`);
});

(built ? test : test.skip)('readModel still reads a model once the schema parser loads on first use', async () => {
  const script = `require(${JSON.stringify(ENTRY)}).readModel(${JSON.stringify(path.join(ROOT, 'example', 'super_resolution', 'model.onnx'))}).then((m) => console.log(m.inputs[0].name, m.nodes.length));`;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  expect({ stdout: r.stdout.trim(), stderr: r.stderr }).toEqual({ stdout: expect.stringMatching(/^input \d+$/), stderr: '' });
});
