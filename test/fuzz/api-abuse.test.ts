/**
 * Every public function of the readers' area, and the helpers behind them, called with wrong arguments (after the fuzz report's
 * tools/fuzz/api-abuse.ts, defect 9): whatever it does, it throws nothing but TrtNodeErrors — no "Cannot read
 * properties of null", no Node ERR_INVALID_ARG_TYPE.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as lib from '../../lib';
import { TrtNodeError } from '../../lib/errors';
import { checkOutputFile, writeFileAtomic, writeFileAtomicSync } from '../../lib/io/atomic-write';
import { buildFeeds, feedableInputs, feedsFromNpz, parseValueRanges, resolveInputShapes, toFeeds } from '../../lib/data';
import { formatShapeList, parseDims, splitNamedList } from '../../lib/shapes/spec';
import { own } from '../../lib/util/names';
import { forTerminal } from '../../lib/util/terminal';
import { mergeTolerances, parseTolerance, toleranceFor, validateToleranceOutputs, validateTolerances } from '../../lib/compare';
import { namedTensors, tensorsOrFile } from '../../lib/tensor/convert';
import * as validate from '../../lib/validate';
import { npzArrayNames } from '../../lib/tensor/npz';

const BAD: unknown[] = [undefined, null, 42, NaN, -1, '', 'x\0y', true, {}, [], [null], { name: 42 }, () => 1, Symbol('s'), 10n, new Uint8Array(3)];

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trt-node-abuse-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

type Fn = (...args: unknown[]) => unknown;

/** Calls `fn` with each bad value at each position (the other positions get `valid`), sync or async. */
async function abuse(name: string, fn: Fn, valid: unknown[]): Promise<string[]> {
  const defects: string[] = [];
  for (let at = 0; at < Math.max(1, valid.length); at++) {
    for (const bad of BAD) {
      const args = [...valid];
      args[at] = bad;
      try {
        await fn(...args);
      } catch (err) {
        if (!(err instanceof TrtNodeError)) defects.push(`${name}(arg ${at} = ${String(typeof bad === 'symbol' ? 'Symbol' : bad)}): ${(err as Error)?.name}: ${(err as Error)?.message}`);
      }
    }
  }
  return defects;
}

it('only TrtNodeErrors escape, whatever the arguments', async () => {
  const out = path.join(dir, 'out.bin');
  const t = { type: 'float32', dims: [1], data: Float32Array.of(1) };
  const inputs = [{ name: 'x', elemType: 'float32', dims: [{ kind: 'fixed', value: 1 }], isInitializer: false }];
  const calls: [string, Fn, unknown[]][] = [
    ['readModel', lib.readModel as Fn, [new Uint8Array(4), {}]],
    ['readModelSync', lib.readModelSync as Fn, [new Uint8Array(4), {}]],
    ['parseNpy', lib.parseNpy as Fn, [new Uint8Array(4), 'a.npy', {}]],
    ['readNpy', lib.readNpy as Fn, [path.join(dir, 'none.npy'), {}]],
    ['encodeNpy', lib.encodeNpy as Fn, [t, 'n']],
    ['writeNpy', lib.writeNpy as Fn, [out, null]],
    ['parseNpz', lib.parseNpz as Fn, [new Uint8Array(4), 'a.npz', {}]],
    ['readNpz', lib.readNpz as Fn, [path.join(dir, 'none.npz'), {}]],
    ['npzArrayNames', npzArrayNames as Fn, [new Uint8Array(4), 'a.npz']],
    ['encodeNpz', lib.encodeNpz as Fn, [{ t }, {}, 'f']],
    ['writeNpz', lib.writeNpz as Fn, [out, null, {}]],
    ['toTensorLike', lib.toTensorLike as Fn, [t, 'n']],
    ['generateFeeds', lib.generateFeeds as Fn, [inputs, { x: [1] }, {}]],
    ['buildFeeds', buildFeeds as Fn, [{ inputs }, {}]],
    ['feedsFromNpz', feedsFromNpz as Fn, [path.join(dir, 'none.npz'), inputs, {}]],
    ['toFeeds', toFeeds as Fn, [{ x: t }, {}]],
    ['resolveInputShapes', resolveInputShapes as Fn, [inputs, {}, '--shapes']],
    ['feedableInputs', feedableInputs as Fn, [inputs]],
    ['parseValueRanges', parseValueRanges as Fn, ['0..1', '--range']],
    ['parseDims', parseDims as Fn, ['1x2', {}]],
    ['parseShapeList', lib.parseShapeList as Fn, ['x:1', {}]],
    ['splitNamedList', splitNamedList as Fn, ['x:1', {}]],
    ['formatShapeList', formatShapeList as Fn, [{ x: [1] }]],
    ['compareTensors', lib.compareTensors as Fn, ['o', t, t, {}]],
    ['compareOutputs', lib.compareOutputs as Fn, [{ o: t }, { o: t }, {}]],
    ['parseTolerance', parseTolerance as Fn, ['--atol', '1e-3']],
    ['mergeTolerances', mergeTolerances as Fn, [{ perOutput: {} }, { perOutput: {} }]],
    ['toleranceFor', toleranceFor as Fn, ['o', 'float32', {}]],
    ['checkOutputFile', checkOutputFile as Fn, [out, '--x', {}]],
    ['writeFileAtomic', writeFileAtomic as Fn, [path.join(dir, 'w.bin'), null]],
    ['writeFileAtomicSync', writeFileAtomicSync as Fn, [path.join(dir, 'w.bin'), null]],
    ['parseByteSize', lib.parseByteSize as Fn, ['1G', '--m']],
    ['forTerminal', forTerminal as Fn, ['x', {}]],
    ['own', own as Fn, [{}, 'k']],
  ];
  const defects: string[] = [];
  for (const [name, fn, valid] of calls) defects.push(...(await abuse(name, fn, valid)));
  // Validators: the value varies; the parameter name and the validator's own arguments come from our code.
  const extra: Record<string, unknown[]> = { oneOf: [['a']], arrayOf: [validate.safeInteger], record: [(x: unknown) => x] };
  const validators = { ...validate, validateTolerances, validateToleranceOutputs, namedTensors, tensorsOrFile };
  for (const [name, fn] of Object.entries(validators)) {
    const vary = name === 'validateToleranceOutputs' ? [{}, ['y']] : [1, 'p', ...(extra[name] ?? [])];
    for (const bad of BAD) {
      for (let at = 0; at < (name === 'validateToleranceOutputs' ? 2 : 1); at++) {
        const args = [...vary];
        args[at] = bad;
        try {
          (fn as Fn)(...args);
        } catch (err) {
          if (!(err instanceof TrtNodeError)) defects.push(`validate.${name}(arg ${at}): ${(err as Error)?.name}: ${(err as Error)?.message}`);
        }
      }
    }
  }
  expect(defects).toEqual([]);
  // Some "bad" values are valid data (an empty record, an empty string) and were written; no temporary file is left.
  expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
});
