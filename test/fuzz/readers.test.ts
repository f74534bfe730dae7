/**
 * The fuzzing run's spirit in the suite (../shared/reports/2026-11-29-fuzz.md): seeded mutants of the fixture files
 * through the readers — readModel on bytes (sync and async) and on files, parseNpz, parseNpy — asserting that each
 * either reads or throws a TrtNodeError (never a raw TypeError/RangeError, never a crash; a hang fails the test by
 * its timeout), and that what reads is self-consistent. Fixed seeds: a failure reproduces with the same mutant.
 * The crafted cases (zip bomb, lying sizes, traversal names, CRC flip) are in test/tensor/npz-safety.test.ts.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TrtNodeError } from '../../lib/errors';
import { readModel, readModelSync } from '../../lib/onnx/reader';
import { parseNpy } from '../../lib/tensor/npy';
import { parseNpz } from '../../lib/tensor/npz';
import type { TensorLike } from '../../lib/tensor/types';
import { encodeModel, externalTensor, floatTensor, node, valueInfo } from '../onnx/build-model';
import { Mutator, zipHotspots } from './mutate';

const FIXTURES = path.join(__dirname, '..', 'fixtures');
const ONNX_MUTANTS = 3000;
const NPZ_MUTANTS = 2500;
const NPY_MUTANTS = 1500;
/** Small enough that a mutant claiming a huge array is refused cheaply, large enough for every fixture. */
const BUDGET = 64 << 20;

function files(ext: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(ext)) out.push(p);
    }
  };
  walk(FIXTURES);
  return out.sort();
}

/** What a mutant did: read, or a TrtNodeError code. Anything else is a defect, kept with the seed to reproduce it. */
class Tally {
  readonly outcomes = new Map<string, number>();
  readonly defects: string[] = [];
  count(what: string): void {
    this.outcomes.set(what, (this.outcomes.get(what) ?? 0) + 1);
  }
  run(label: string, fn: () => void): void {
    try {
      fn();
      this.count('read');
    } catch (err) {
      if (err instanceof TrtNodeError) this.count(err.code);
      else this.defects.push(`${label}: ${(err as Error)?.stack ?? String(err)}`);
    }
  }
  async runAsync(label: string, fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
      this.count('read');
    } catch (err) {
      if (err instanceof TrtNodeError) this.count(err.code);
      else this.defects.push(`${label}: ${(err as Error)?.stack ?? String(err)}`);
    }
  }
  report(what: string): void {
    console.log(`${what}: ${[...this.outcomes].map(([k, n]) => `${k} ${n}`).join(', ')}`);
  }
}

/** A read tensor must be what it says: data length = element count, strings strings. */
function checkTensor(t: TensorLike, label: string): void {
  const count = t.dims.reduce((a, b) => a * b, 1);
  if (t.data.length !== count) throw new Error(`${label}: dims [${t.dims}] but ${t.data.length} elements`);
  if (t.type === 'string' && !(t.data as string[]).every((s) => typeof s === 'string')) throw new Error(`${label}: a non-string in a string tensor`);
}

/** Seeds for the ONNX reader: the fixtures, plus a hand-made model exercising functions, subgraphs and external data. */
function onnxSeeds(): Uint8Array[] {
  const seeds: Uint8Array[] = files('.onnx').map((f) => new Uint8Array(fs.readFileSync(f)));
  const io = { inputs: [valueInfo('x', ['n', 4])], outputs: [valueInfo('y', ['n', 4])] };
  const branch = { name: 'b', node: [node('Identity', ['x'], ['y'])], output: [valueInfo('y', ['n', 4])] };
  seeds.push(
    encodeModel({
      ...io,
      initializers: [floatTensor('w', [4, 4]), externalTensor('e', [4], 'weights.bin', 0, 16)],
      nodes: [
        node('MatMul', ['x', 'w'], ['h']),
        node('If', ['c'], ['y'], { attribute: [{ name: 'then_branch', type: 5, g: branch }, { name: 'else_branch', type: 5, g: branch }] }),
        node('Constant', [], ['c'], { attribute: [{ name: 'value', type: 4, t: floatTensor('', [1]) }, { name: 'ints', type: 7, ints: [1, -1, 2 ** 40] }] }),
      ],
    }),
  );
  return seeds;
}

describe('seeded mutants through the readers (fuzz report: 33,000 cases, none may escape as a non-TrtNodeError)', () => {
  it(`readModel on ${ONNX_MUTANTS} ONNX mutants (bytes, sync and async; files for some)`, async () => {
    const seeds = onnxSeeds();
    const m = new Mutator(20261129);
    const tally = new Tally();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trt-node-fuzz-'));
    try {
      for (let i = 0; i < ONNX_MUTANTS; i++) {
        const bytes = m.mutate(m.pick(seeds));
        tally.run(`onnx mutant ${i} (sync)`, () => {
          const s = readModelSync(bytes);
          if (!Array.isArray(s.nodes) || !Array.isArray(s.inputs)) throw new Error('summary without nodes or inputs');
        });
        if (i % 10 === 0) await tally.runAsync(`onnx mutant ${i} (async)`, async () => void (await readModel(bytes)));
        if (i % 50 === 0) {
          const file = path.join(dir, `m${i}.onnx`);
          fs.writeFileSync(file, bytes);
          await tally.runAsync(`onnx mutant ${i} (file)`, async () => void (await readModel(file)));
          fs.rmSync(file);
        }
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    tally.report('ONNX mutants');
    expect(tally.defects).toEqual([]);
    expect(tally.outcomes.get('ERR_TRT_NODE_ONNX_FORMAT')).toBeGreaterThan(ONNX_MUTANTS / 10); // the mutants do bite
  });

  it(`parseNpz on ${NPZ_MUTANTS} .npz mutants (all arrays, and one array by name)`, () => {
    const seeds = files('.npz').map((f) => new Uint8Array(fs.readFileSync(f)));
    const m = new Mutator(4);
    const tally = new Tally();
    for (let i = 0; i < NPZ_MUTANTS; i++) {
      const seed = m.pick(seeds);
      const bytes = m.mutate(seed, zipHotspots(seed));
      tally.run(`npz mutant ${i}`, () => {
        const z = parseNpz(bytes, `m${i}.npz`, { maxTensorBytes: BUDGET });
        if (Object.getPrototypeOf(z) !== null) throw new Error('not a null-prototype record');
        for (const [k, t] of Object.entries(z)) checkTensor(t, `m${i}.npz:${k}`);
      });
      if (i % 5 === 0) tally.run(`npz mutant ${i} (names)`, () => void parseNpz(bytes, `m${i}.npz`, { names: ['output'], maxTensorBytes: BUDGET }));
    }
    tally.report('.npz mutants');
    expect(tally.defects).toEqual([]);
    expect(tally.outcomes.get('ERR_TRT_NODE_NPY_FORMAT')).toBeGreaterThan(NPZ_MUTANTS / 10);
    expect(tally.outcomes.get('read')).toBeGreaterThan(0);
  });

  it(`parseNpy on ${NPY_MUTANTS} .npy mutants`, () => {
    const seeds = files('.npy')
      .filter((f) => !f.includes('object'))
      .map((f) => new Uint8Array(fs.readFileSync(f)));
    const m = new Mutator(11);
    const tally = new Tally();
    for (let i = 0; i < NPY_MUTANTS; i++) {
      const bytes = m.mutate(m.pick(seeds), [0, 8, 10]);
      tally.run(`npy mutant ${i}`, () => checkTensor(parseNpy(bytes, `m${i}.npy`, { maxTensorBytes: BUDGET }), `m${i}.npy`));
    }
    tally.report('.npy mutants');
    expect(tally.defects).toEqual([]);
    expect(tally.outcomes.get('ERR_TRT_NODE_NPY_FORMAT')).toBeGreaterThan(NPY_MUTANTS / 10);
  });
});
