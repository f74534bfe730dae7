'use strict';
// The package entry: trt-node ships TypeScript sources and loads them through tsx (types: lib/index.ts).
require('tsx/cjs');
module.exports = require('./lib/index.ts');
