/** The memory budget helpers (lib/io/budget.ts). */
import * as os from 'os';
import { MemoryBudgetError } from '../../lib/errors';
import { DEFAULT_MAX_TENSOR_BYTES, checkBudget, maxTensorBytes, parseByteSize, tensorBytes } from '../../lib/io/budget';
import { caught } from '../helpers/errors';

it('the default is the smaller of 1 GiB and a quarter of the memory', () => {
  expect(DEFAULT_MAX_TENSOR_BYTES).toBe(Math.min(2 ** 30, Math.floor(os.totalmem() / 4)));
  expect(maxTensorBytes(undefined)).toBe(DEFAULT_MAX_TENSOR_BYTES);
  expect(maxTensorBytes(1024)).toBe(1024);
  expect(caught(() => maxTensorBytes(0)).code).toBe('ERR_TRT_NODE_INVALID_VALUE');
  expect(caught(() => maxTensorBytes(NaN)).code).toBe('ERR_TRT_NODE_INVALID_VALUE');
  expect(caught(() => maxTensorBytes('1G')).code).toBe('ERR_TRT_NODE_INVALID_TYPE');
});

it('tensorBytes is exact beyond 2^53; checkBudget names the thing, the sizes and the option', () => {
  expect(tensorBytes([2 ** 31, 2 ** 31], 4)).toBe(2n ** 64n);
  expect(tensorBytes([], 8)).toBe(8n);
  checkBudget(1024, 1024, 'x');
  const err = caught(() => checkBudget(tensorBytes([65536, 65536], 4), 2 ** 30, "input 'x' at 65536x65536 (float32)", { input: 'x' }));
  expect(err).toBeInstanceOf(MemoryBudgetError);
  expect(err.code).toBe('ERR_TRT_NODE_MEMORY_BUDGET');
  expect(err.message).toBe(
    "input 'x' at 65536x65536 (float32) needs 16.0 GiB, more than the memory budget of 1.0 GiB. If the data is right and this machine has the memory, raise the budget with maxTensorBytes (CLI: --max-tensor-bytes)",
  );
  expect(err.details).toMatchObject({ bytes: 17179869184, budget: 2 ** 30, input: 'x' });
});

it('parseByteSize reads binary and decimal units', () => {
  expect(parseByteSize('4GiB')).toBe(4 * 2 ** 30);
  expect(parseByteSize('512M')).toBe(512 * 2 ** 20);
  expect(parseByteSize('1.5gb')).toBe(1.5e9);
  expect(parseByteSize('1e9')).toBe(1e9);
  for (const bad of ['', '-1', '4 GiBs', 'x', '0']) expect(caught(() => parseByteSize(bad)).message).toMatch(/--max-tensor-bytes/);
});
