// Child of reader-hardening.test.ts: reads a model from /dev/stdin (a pipe) through the TypeScript sources.
require('tsx/cjs');
const { readModel } = require('../../lib/onnx/reader');
readModel('/dev/stdin').then(
  (s) => process.stdout.write(JSON.stringify({ fileBytes: s.fileBytes, ops: s.nodes.map((n) => n.opType) })),
  (err) => {
    process.stderr.write(String(err && err.message));
    process.exit(1);
  },
);
