/**
 * A second Ctrl-C ends the CLI at once (by the signal), also while a report is being written: the file being
 * written stays as it was (here: absent) and its temporary file is removed. Before, `.r.json.<pid>.<hex>.tmp` was
 * left beside it. The write is held open deterministically: the child's fsync of the temporary file never returns.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ROOT, runNode } from '../helpers/trials';

const MODEL = path.join(ROOT, 'test', 'fixtures', 'super_resolution', 'model.onnx');

/** The bin, except that the fsync of a temporary file hangs (a slow disk) and says so on stderr. */
const CHILD = `
const fs = require('fs');
const open = fs.promises.open;
fs.promises.open = async (file, flags, ...rest) => {
  const handle = await open(file, flags, ...rest);
  if (String(file).endsWith('.tmp') && flags === 'wx') {
    // Never returns, and keeps the process alive meanwhile (a pending promise alone would not).
    handle.sync = () => (process.stderr.write('WRITING\\n'), new Promise(() => setInterval(() => undefined, 1000)));
  }
  return handle;
};
require(${JSON.stringify(path.join(ROOT, 'dist', 'cli', 'main.js'))}).runFromBin(process.argv).then((code) => (process.exitCode = code));
`;

test('a second Ctrl-C while --json is being written: ended by SIGINT, no temporary file and no file left', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trt-node-sigint2-'));
  try {
    const json = path.join(dir, 'r.json');
    let sent = 0;
    let stderr = '';
    const o = await runNode(['-e', CHILD, 'trt-node', 'check', MODEL, '--no-probe', '--json', json], {
      onStderr: (chunk, child) => {
        stderr += chunk;
        // First Ctrl-C once the write hangs, the second once the first was seen ("stopping…").
        if (sent === 0 && /WRITING/.test(stderr)) child.kill('SIGINT'), (sent = 1);
        if (sent === 1 && /stopping/.test(stderr)) child.kill('SIGINT'), (sent = 2);
      },
    });
    expect({ sent, code: o.code, signal: o.signal }).toEqual({ sent: 2, code: null, signal: 'SIGINT' });
    expect(fs.readdirSync(dir)).toEqual([]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
