/**
 * Shared test helpers for .npy/.npz: where numpy's files live, what scripts/fixtures/export_fixtures.py
 * (write_numpy_samples) put in them, and a python3 + numpy probe for the interop tests.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ELEMENT_SIZE, NumericTensorData, NumericTensorType } from '../../lib/tensor/types';

export const NUMPY_DIR = path.join(__dirname, '..', 'fixtures', 'numpy');

export function fixture(name: string): string {
  return path.join(NUMPY_DIR, name);
}

export function fixtureBytes(name: string): Uint8Array {
  return new Uint8Array(fs.readFileSync(fixture(name)));
}

/** Type and shape of each readable array, as written in export_fixtures.py (the generator's inputs, not our output). */
export const NUMPY_ARRAYS: Record<string, { type: NumericTensorType; dims: number[] }> = {
  float32: { type: 'float32', dims: [2, 3, 4] },
  float16: { type: 'float16', dims: [5, 3] },
  float64: { type: 'float64', dims: [7] },
  int64: { type: 'int64', dims: [3, 2] },
  int32: { type: 'int32', dims: [4, 1] },
  int8: { type: 'int8', dims: [9] },
  uint8: { type: 'uint8', dims: [2, 2, 2] },
  bool: { type: 'bool', dims: [3, 3] },
  scalar_float32: { type: 'float32', dims: [] },
  empty_float32: { type: 'float32', dims: [0, 4] },
  bigendian_float32: { type: 'float32', dims: [2, 3] },
};

/** A typed array of `type`, test-side (independent of lib's table): float16 as raw bits, bool as bytes. */
export const ARRAY_OF = {
  float32: Float32Array,
  float16: Uint16Array,
  float64: Float64Array,
  int64: BigInt64Array,
  int32: Int32Array,
  int16: Int16Array,
  int8: Int8Array,
  uint64: BigUint64Array,
  uint32: Uint32Array,
  uint16: Uint16Array,
  uint8: Uint8Array,
  bool: Uint8Array,
} as const;

export function byteLength(type: NumericTensorType, dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1) * ELEMENT_SIZE[type];
}

/** The bytes of numeric data; string data as JSON (for equality checks). */
export function bytesOf(data: NumericTensorData | string[]): Uint8Array {
  if (Array.isArray(data)) return Buffer.from(JSON.stringify(data));
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'trt-node-tensor-'));
}

/** A small deterministic PRNG for random bytes and values (the one the input generator uses). */
export { mulberry32 as prng } from '../../lib/data';
export { caught, caughtAsync } from '../helpers/errors';

/** Why numpy cannot be used at test time, or undefined when `python3 -c "import numpy"` works. */
export function numpyUnavailableReason(): string | undefined {
  const r = spawnSync('python3', ['-c', 'import numpy; print(numpy.__version__)'], { encoding: 'utf8', timeout: 60000 });
  if (r.error) return `python3 could not be started (${r.error.message})`;
  if (r.status !== 0) return `python3 cannot import numpy (${(r.stderr || '').trim().split('\n').pop()})`;
  return undefined;
}

/** Runs a python3 script with arguments and parses the JSON it prints. */
export function runPython<T>(script: string, args: string[]): T {
  const r = spawnSync('python3', ['-c', script, ...args], { encoding: 'utf8', timeout: 120000, maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`python3 failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}
