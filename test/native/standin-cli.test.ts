/**
 * The CLI on trt-node's TensorRT stand-in: what only the stand-in shows (its own log lines), which a suite that also
 * runs on TensorRT must not assert (engine-cli.test.ts holds those). Runs only under `npm run test:standin`.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runCli } from '../helpers/cli';
import { superRes } from './engine-fixtures';
import { describeWithStandIn } from './gpu-gate';

describeWithStandIn('the CLI on the TensorRT stand-in', () => {
  jest.setTimeout(300_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trt-node-cli-'));

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("--noTF32 reaches the builder: the stand-in logs the flag TensorRT's builder config was given", async () => {
    const r = await runCli([
      'build', `--onnx=${superRes}`, `--saveEngine=${path.join(dir, 'no-tf32.plan')}`, '--shapes', 'input:1x1x16x16..1x1x32x32..1x1x64x64',
      '--noTF32', '--log-level', 'info', '--no-progress',
    ]);
    expect(r.code).toBe(0);
    // The stand-in writes this line when BuilderFlag::kTF32 (on by default) is cleared; TensorRT writes no such line.
    expect(r.stderr).toMatch(/\[stand-in\] BuilderFlag::kTF32 is cleared/);
    const plain = await runCli(['build', superRes, '--shapes', 'input:1x1x16x16..1x1x32x32..1x1x64x64', '-o', path.join(dir, 'tf32.plan'), '--log-level', 'info', '--no-progress']);
    expect(plain.code).toBe(0);
    expect(plain.stderr).not.toMatch(/kTF32 is cleared/);
    expect(plain.stderr).not.toMatch(/ProfilingVerbosity/); // the default is TensorRT's own: not set at all
  });

  it("a build option of the table reaches IBuilderConfig: --profiling-verbosity, and trtexec's --profilingVerbosity", async () => {
    const build = await runCli(['build', superRes, '--shapes', '1x1x16x16', '-o', path.join(dir, 'detailed.plan'), '--profiling-verbosity', 'detailed', '--log-level', 'info', '--no-progress']);
    expect(build.code).toBe(0);
    // The stand-in logs what TensorRT's builder was told.
    expect(build.stderr).toMatch(/ProfilingVerbosity::kDETAILED is set/);
    const trtexec = await runCli(['build', superRes, '--shapes', '1x1x16x16', '-o', path.join(dir, 'none.plan'), '--profilingVerbosity=none', '--verbose', '--no-progress']);
    expect(trtexec.stderr).toMatch(/ProfilingVerbosity::kNONE is set/);
  });
});
