/**
 * A misspelt option is an error naming the nearest known name, in every public function that takes options
 * (issue 20 item 7, D19): `check(m, { saveOutput })` used to run as if the option were absent, saving nothing and
 * saying nothing. The check is one reusable piece, v.options / v.knownKeys with names listed by v.optionNames (whose
 * list TypeScript keeps equal to the options type).
 */
import * as fs from 'fs';
import * as path from 'path';
import * as lib from '../../lib';
import { InvalidValueError } from '../../lib/errors';
import * as v from '../../lib/validate';
import { buildFeeds } from '../../lib/data/feeds';
import { parseDims } from '../../lib/shapes/spec';
import { encodeNpz } from '../../lib/tensor/npz';
import { editDistance, nearestName } from '../../lib/util/nearest';
import { caught, caughtAsync } from '../helpers/errors';
import { makeTemp, removeTemp } from '../onnx/build-model';

const MODEL = path.resolve(__dirname, '..', 'fixtures', 'super_resolution', 'model.onnx');
const x = { type: 'float32' as const, dims: [1], data: new Float32Array(1) };

/** Each call with a misspelt option, the parameter it names and the name it suggests. */
const CALLS: [string, () => unknown, string, string][] = [
  ['check', () => lib.check(MODEL, { saveOutput: 'o.npz' } as never), 'options', 'saveOutputs'],
  ['check tolerance', () => lib.check(MODEL, { tolerence: { atol: 1 } } as never), 'options', 'tolerance'],
  ['check tolerance.atl', () => lib.check(MODEL, { tolerance: { atl: 1 } } as never), 'options.tolerance', 'atol'],
  ['check tolerance.perOutput', () => lib.check(MODEL, { tolerance: { perOutput: { output: { rtoll: 1 } } } } as never), 'options.tolerance.perOutput["output"]', 'rtol'],
  ['check samples[0]', () => lib.check(MODEL, { samples: [{ input: 'in.npz' }] } as never), 'options.samples[0]', 'inputs'],
  ['check runners[0]', () => lib.check(MODEL, { runners: [{ kind: 'onnxruntime', graphOptimisation: 'disabled' }] } as never), 'runners[0]', 'graphOptimization'],
  ['crossCheck', () => lib.crossCheck(MODEL, { sweeep: true } as never), 'options', 'sweep'],
  ['createOnnxRuntimeRunner', () => lib.createOnnxRuntimeRunner(MODEL, { thred: 'main' } as never), 'options', 'thread'],
  ['OrtRunner.create', () => lib.OrtRunner.create(MODEL, { intraOpThreads: 1 } as never), 'options', 'intraOpNumThreads'],
  ['createTensorRTRunner', () => lib.createTensorRTRunner(MODEL, { engin: 'm.plan' } as never), 'options', 'engine'],
  ['readModel', () => lib.readModel(MODEL, { keepByte: true } as never), 'options', 'keepBytes'],
  ['readModelSync', () => lib.readModelSync(MODEL, { basedir: '.' } as never), 'options', 'baseDir'],
  ['explain', () => lib.explain('x', { modle: undefined } as never), 'options', 'model'],
  ['runBench', () => lib.runBench({ model: MODEL, shapes: [{ input: [1, 1, 8, 8] }], iteration: 3 } as never), 'options', 'iterations'],
  ['buildEngine', () => lib.buildEngine(MODEL, { fp61: true } as never), 'options', 'fp16'],
  ['Engine.load', () => lib.Engine.load(new Uint8Array([1]), { allowHostcode: true } as never), 'options', 'allowHostCode'],
  ['compareOutputs', () => lib.compareOutputs({ x }, { x }, { equalNaN: true } as never), 'options', 'equalNan'],
  ['compareTensors', () => lib.compareTensors('x', x, x, { tolerances: {} } as never), 'options', 'tolerance'],
  ['parseNpz', () => lib.parseNpz(encodeNpz({ x }), 'x.npz', { name: ['x'] } as never), 'options', 'names'],
  ['encodeNpz', () => lib.encodeNpz({ x }, { compressed: true } as never), 'options', 'compress'],
  ['parseNpy', () => lib.parseNpy(lib.encodeNpy(x), 'x.npy', { maxTensorByte: 10 } as never), 'options', 'maxTensorBytes'],
  ['parseShapeList', () => lib.parseShapeList('x:1', { allowZeros: true } as never), 'options', 'allowZero'],
  ['parseDims', () => parseDims('1x2', { opiton: '--x' } as never), 'options', 'option'],
  ['diagnoseStatic', () => lib.diagnoseStatic(lib.readModelSync(MODEL), { request: [] } as never), 'options', 'requests'],
  ['renderHtmlReport', () => lib.renderHtmlReport({} as never, { titel: 't' } as never), 'options', 'title'],
  ['buildFeeds', () => buildFeeds(lib.readModelSync(MODEL), { sed: 1 } as never), 'options', 'seed'],
  ['generateFeeds', () => lib.generateFeeds(lib.readModelSync(MODEL).inputs, { input: [1, 1, 8, 8] }, { seeds: 1 } as never), 'options', 'seed'],
];

test.each(CALLS)('%s: a misspelt option is an InvalidValueError naming it and the nearest name', async (_name, call, parameter, nearest) => {
  const err = await caughtAsync(async () => call());
  expect(err).toBeInstanceOf(InvalidValueError);
  expect(err.message).toMatch(new RegExp(`for ${parameter.replace(/[.[\]"]/g, '\\$&')} but received "\\w+"\\. Did you mean ${nearest}\\?`));
});

test('check() with a misspelt option writes nothing and runs nothing', async () => {
  const dir = makeTemp();
  try {
    const out = path.join(dir, 'typo.npz');
    await expect(lib.check(MODEL, { saveOutput: out } as never)).rejects.toThrow(/Did you mean saveOutputs\?/);
    expect(fs.existsSync(out)).toBe(false);
  } finally {
    removeTemp(dir);
  }
});

describe('the reusable pieces', () => {
  const NAMES = v.optionNames<{ alpha?: number; beta: string; gamma?: boolean }>()({ alpha: true, beta: true, gamma: true });

  test('optionNames lists the keys once; options() accepts them and refuses any other own key', () => {
    expect(NAMES).toEqual(['alpha', 'beta', 'gamma']);
    expect(v.options({ alpha: 1, beta: 'b' }, 'options', NAMES)).toEqual({ alpha: 1, beta: 'b' });
    expect(v.options(undefined, 'options', NAMES)).toEqual({});
    expect(caught(() => v.options({ alpah: 1 }, 'opts', NAMES)).message).toBe('Expected a known option name for opts but received "alpah". Did you mean alpha?');
    expect(caught(() => v.options({ zzzzzz: 1 }, 'opts', NAMES)).message).toBe('Expected a known option name for opts but received "zzzzzz". The options are: alpha, beta, gamma');
    // Without names, any keys (as before): callers that validate keys themselves.
    expect(v.options({ anything: 1 })).toEqual({ anything: 1 });
  });

  test('nearestName: slips (case, a letter missing, doubled, swapped) but not unrelated words', () => {
    const known = ['saveOutputs', 'tolerance', 'samples', 'sweep', 'seed'];
    expect(nearestName('saveOutput', known)).toBe('saveOutputs');
    expect(nearestName('tolerence', known)).toBe('tolerance');
    expect(nearestName('TOLERANCE', known)).toBe('tolerance');
    expect(nearestName('sweeep', known)).toBe('sweep');
    expect(nearestName('smaples', known)).toBe('samples');
    expect(nearestName('sed', known)).toBe('seed');
    expect(nearestName('banana', known)).toBeUndefined();
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('ab', 'ba')).toBe(1);
  });
});
