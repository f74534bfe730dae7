/**
 * The CLI's exits when its output goes away, as real processes: stdout closed by the reader (`| head -c1`) ends
 * quietly with the command's code; stdout on a full device (`> /dev/full`) is one line on stderr and exit 2;
 * stderr on a full device keeps the exit code. Before, check aborted (SIGABRT, 134: process.exit() tore the
 * onnxruntime worker down mid-run) or printed a 20-line stack trace. Stress: 20 trials each, 0 aborts.
 */
import * as fs from 'fs';
import * as path from 'path';
import { BIN, ROOT, STRESS_TIMEOUT, crashed, runNode, tally, trials } from '../helpers/trials';

const MODEL = path.join(ROOT, 'test', 'fixtures', 'super_resolution', 'model.onnx');
const onLinux = fs.existsSync('/dev/full') ? test : test.skip;

test('stdout closed by its reader while check runs (| head -c1): 20 trials, each ends quietly with exit 0', async () => {
  const outcomes = await trials(20, 4, () =>
    runNode([BIN, 'check', MODEL], {
      // The reader takes the first bytes and goes away: later writes meet EPIPE while runs are in flight.
      onStdout: (_chunk, child) => child.stdout?.destroy(),
    }),
  );
  expect(tally(outcomes)).toEqual({ 0: 20 });
  expect(outcomes.filter(crashed)).toEqual([]);
  expect(outcomes.map((o) => o.stderr).filter(Boolean)).toEqual([]);
}, STRESS_TIMEOUT);

/** Runs the bin with stdout (or stderr) on /dev/full. */
function toDevFull(args: string[], stream: 'stdout' | 'stderr') {
  const fd = fs.openSync('/dev/full', 'w');
  const stdio: ['ignore', number | 'pipe', number | 'pipe'] = stream === 'stdout' ? ['ignore', fd, 'pipe'] : ['ignore', 'pipe', fd];
  return runNode([BIN, ...args], { stdio }).finally(() => fs.closeSync(fd));
}

onLinux('check > /dev/full: 20 trials, each one line on stderr and exit 2, none aborts', async () => {
  const outcomes = await trials(20, 4, () => toDevFull(['check', MODEL], 'stdout'));
  expect(tally(outcomes)).toEqual({ 2: 20 });
  expect(outcomes.filter(crashed)).toEqual([]);
  for (const o of outcomes) expect(o.stderr).toBe('trt-node: cannot write to stdout: no space left on the device\n');
}, STRESS_TIMEOUT);

onLinux.each([[['inspect', MODEL]], [['explain', 'Unsupported ONNX opset version: 18']], [['--help']]])('%j > /dev/full: one line on stderr, exit 2', async (args) => {
  const o = await toDevFull(args, 'stdout');
  expect({ code: o.code, stderr: o.stderr }).toEqual({ code: 2, stderr: 'trt-node: cannot write to stdout: no space left on the device\n' });
});

onLinux('a usage error with stderr on /dev/full still exits 2', async () => {
  const o = await toDevFull(['check', path.join(ROOT, 'no-such-model.onnx')], 'stderr');
  expect(o.code).toBe(2);
});
