#!/usr/bin/env node
'use strict';
/**
 * npm run check:triton — checks trt-node's Triton support against Triton's own schema: the hand-written description
 * of model_config.proto (lib/triton/schema.ts) field by field, and the configs trt-node generates parsed against the
 * full proto and round-tripped through protobufjs (test/triton/schema.test.ts, run with the proto required).
 * Needs .triton-proto/model_config.proto (git-ignored: fetched code is never committed), from a clone of
 * triton-inference-server/common:
 *   mkdir -p .triton-proto && git -C /path/to/common show HEAD:protobuf/model_config.proto > .triton-proto/model_config.proto
 *   git -C /path/to/common rev-parse HEAD > .triton-proto/COMMIT
 * Kept out of `npm test` (where the test skips with this reason): CI cannot fetch the proto.
 */
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.resolve(__dirname, '..');
const proto = path.join(root, '.triton-proto', 'model_config.proto');
if (!fs.existsSync(proto)) {
  process.stderr.write(
    `check:triton: ${path.relative(root, proto)} is missing. From a clone of triton-inference-server/common:\n` +
      '  mkdir -p .triton-proto && git -C /path/to/common show HEAD:protobuf/model_config.proto > .triton-proto/model_config.proto\n' +
      '  git -C /path/to/common rev-parse HEAD > .triton-proto/COMMIT\n',
  );
  process.exit(1);
}
const jest = require.resolve('jest/bin/jest');
const r = spawnSync(process.execPath, [jest, 'test/triton/schema.test.ts', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, TRT_NODE_REQUIRE_TRITON_PROTO: '1' },
});
process.exit(r.status ?? 1);
