#!/usr/bin/env node
'use strict';
// The CLI runs the compiled JavaScript in dist/ (npm run build; built on install from a clone and on npm pack).
let cli;
try {
  cli = require('../dist/cli/main.js');
} catch (err) {
  if (err && err.code === 'MODULE_NOT_FOUND' && /dist[\\/]cli[\\/]main\.js/.test(err.message)) {
    process.stderr.write('trt-node: dist/ is missing: this is a source checkout that was not built; run `npm run build` in it\n');
    process.exit(2);
  }
  throw err;
}
cli.runFromBin(process.argv).then((code) => {
  process.exitCode = code;
});
