/**
 * Jest environment for tests that run onnxruntime-node: its native binding creates output typed arrays in Node's
 * main realm, while jest's sandbox has its own Float32Array etc., so onnxruntime-common's `instanceof` checks fail
 * ("A float32 tensor's data must be type of function Float32Array()"). Sharing the main realm's typed-array
 * constructors with the sandbox fixes that. jest.config.js makes it every test file's environment.
 */
const { TestEnvironment } = require('jest-environment-node');

const SHARED = [
  'ArrayBuffer', 'DataView',
  'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array',
  'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array',
];

class OrtEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of SHARED) this.global[name] = globalThis[name];
  }
}

module.exports = OrtEnvironment;
