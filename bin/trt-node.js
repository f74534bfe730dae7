#!/usr/bin/env node
'use strict';
// trt-node ships TypeScript sources and runs them through tsx (no build step to forget or go stale).
require('tsx/cjs');
require('../lib/cli/main.ts').runFromBin(process.argv).then((code) => {
  process.exitCode = code;
});
