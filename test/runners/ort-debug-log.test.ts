/**
 * onnxruntime-node's bundled telemetry SDK creates an empty `mat-debug-<pid>.log` in the temp folder of every process
 * that creates a session (new-user report, 2026-12-07): hundreds of them pile up in /tmp. trt-node removes it once
 * the first session exists, when it is empty; a log with something in it is left alone.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DIST, ROOT, runNode } from '../helpers/trials';

test('a check() in a fresh process leaves no empty mat-debug-<pid>.log in the temp folder', async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'trt-node-tmpdir-'));
  try {
    const model = path.join(ROOT, 'test', 'fixtures', 'super_resolution', 'model.onnx');
    const child = `require(${JSON.stringify(DIST)}).check(${JSON.stringify(model)}, { probe: false }).then((r) => process.exit(r.pass ? 0 : 1));`;
    const o = await runNode(['-e', child], { env: { ...process.env, TMPDIR: tmp, TMP: tmp, TEMP: tmp } });
    expect(o.code).toBe(0);
    expect(fs.readdirSync(tmp).filter((f) => f.startsWith('mat-debug-'))).toEqual([]);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
