/**
 * `trt-node check --triton-config config.pbtxt --engine model.plan`: the config linted against the plan's IO
 * (lib/triton/lint.ts), each finding with the config line to change. Exit 0 when no error-level finding, 1 otherwise,
 * 2 on usage errors (no --engine, other check flags, TensorRT missing to read the plan).
 */
import * as fs from 'fs';
import { TrtNodeError } from '../../errors';
import { displayPath, plural } from '../../util/text';
import type { CheckCliOptions } from '../commands/check';
import { EXIT_FAILED, EXIT_OK } from '../exit-codes';
import { jsonTarget } from '../options';
import { engineFrom } from '../options/engine';
import { emitJson, type CliContext } from '../output';

/** check's flags that run the model: they do not mix with --triton-config, a lint of the config against a plan. */
const MODEL_FLAGS: readonly (keyof CheckCliOptions)[] = ['shapes', 'inputs', 'reference', 'atol', 'rtol', 'range', 'unordered', 'saveOutputs', 'seed', 'sweep', 'probes', 'report', 'minShapes', 'optShapes', 'maxShapes'];

export async function runTritonConfigCheck(ctx: CliContext, modelArg: string | undefined, cli: CheckCliOptions): Promise<number> {
  const config = cli.tritonConfig!;
  const given = MODEL_FLAGS.filter((k) => cli[k] !== undefined).map(String);
  if (modelArg !== undefined || cli.onnx !== undefined || given.length) {
    throw new TrtNodeError(
      'ERR_TRT_NODE_USAGE',
      `--triton-config lints a Triton config against a plan and runs nothing: drop ${[...(modelArg !== undefined || cli.onnx !== undefined ? ['the model'] : []), ...given.map((k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`)].join(', ')} (run check on the model separately)`,
      { option: '--triton-config' },
    );
  }
  const { engine, engineFlag = '--engine' } = engineFrom(cli);
  if (engine === undefined) throw new TrtNodeError('ERR_TRT_NODE_USAGE', '--triton-config needs --engine <plan>: the plan the config serves', { option: '--engine' });
  const text = await fs.promises.readFile(config, 'utf8').catch((err: Error) => {
    throw new TrtNodeError('ERR_TRT_NODE_FILE', `--triton-config ${config}: cannot read it: ${err.message}`, { file: config });
  });
  const json = jsonTarget(cli.json);
  const inputs = [{ file: config, option: '--triton-config' }, { file: engine, option: engineFlag }];
  if (json !== undefined && json !== 'stdout') {
    const { checkOutputFile } = require('../../io/atomic-write') as typeof import('../../io/atomic-write');
    await checkOutputFile(json, '--json', { inputs });
  }

  const { Engine } = require('../../trt/engine') as typeof import('../../trt/engine');
  const triton = require('../../triton') as typeof import('../../triton');
  const loaded = await Engine.load(engine);
  const library = loaded.library;
  const io = triton.engineIOOf(loaded);
  loaded.dispose();
  // In a repository (a numeric version folder beside it), Triton also requires the name to be the folder's.
  const directory = await triton.modelDirectoryOf(config).catch(() => undefined);
  const report = triton.lintTritonConfigText(text, io, { file: displayPath(config), ...(directory?.versions.length ? { directory } : {}) });

  if (!(await emitJson(ctx, cli.json, { ...report, engine: displayPath(engine), library }, inputs))) {
    const count = (s: string) => report.findings.filter((f) => f.severity === s).length;
    const lines = [
      `Triton config ${displayPath(config)} against ${displayPath(engine)} (${library}): ${plural(count('error'), 'error')}, ${plural(count('warning'), 'warning')}`,
      ...report.findings.map((f) => triton.formatTritonFinding(report.file, f)),
      report.pass ? 'PASS: Triton would load this config with this plan (as far as its load-time checks go)' : 'FAIL: Triton would refuse this config with this plan',
    ];
    ctx.out(`${lines.join('\n')}\n`);
  }
  return report.pass ? EXIT_OK : EXIT_FAILED;
}
