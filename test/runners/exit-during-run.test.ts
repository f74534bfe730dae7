/**
 * process.exit() while check() has an onnxruntime run in flight in its worker thread (a server shutting down, or
 * exiting after catching the AbortError of an aborted check, whose run is abandoned but still going): the process
 * exits with its code. Before lib/runners/native-gate.ts it died of SIGABRT (onnxruntime-node's binding throws a C++
 * exception when its run returns into a thread being torn down). Stress: 20 trials per mode, 0 aborts.
 */
import { DIST, ROOT, STRESS_TIMEOUT, crashed, runNode, tally, trials } from '../helpers/trials';
import * as path from 'path';

const MODEL = path.join(ROOT, 'test', 'fixtures', 'super_resolution', 'model.onnx');

/**
 * The child: check() with one onnxruntime runner and probes of a few hundred milliseconds each, and `process.exit(0)` a few
 * milliseconds after the runs start, directly ('exit') or after aborting and catching the AbortError ('abort').
 */
const CHILD = `
const { check } = require(${JSON.stringify(DIST)});
const [mode, delay] = [process.argv[1], Number(process.argv[2])];
const ac = new AbortController();
const probes = [{ input: [1, 1, 384, 384] }, { input: [1, 1, 383, 383] }, { input: [1, 1, 382, 382] }];
check(${JSON.stringify(MODEL)}, {
  probes,
  runners: [{ kind: 'onnxruntime' }],
  signal: ac.signal,
  onStart: () => setTimeout(() => (mode === 'exit' ? process.exit(0) : ac.abort()), delay),
}).then(
  () => process.exit(0),
  (e) => (e.name === 'AbortError' ? process.exit(0) : (console.error(e), process.exit(3))),
);`;

test.each(['exit', 'abort'])('process.exit() with a run in flight (%s): 20 trials, every one exits 0, none aborts', async (mode) => {
  const outcomes = await trials(20, 4, (i) => runNode(['-e', CHILD, mode, String((i * 7) % 30)]));
  expect(tally(outcomes)).toEqual({ 0: 20 });
  expect(outcomes.filter(crashed)).toEqual([]);
}, STRESS_TIMEOUT);
