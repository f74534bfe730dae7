/**
 * `trt-node build [model] --shapes input:1x1x64x64..1x1x256x256..1x1x960x640 [--profile ...] [-o model.plan]`:
 * builds a TensorRT engine from an ONNX model (default: the bundled super-resolution example) and writes the plan
 * atomically. Shapes use trtexec's syntax; --shapes is profile 0, each --profile adds one more, and
 * --minShapes/--optShapes/--maxShapes are trtexec's three-list form of profile 0. Without TensorRT it exits 2 with
 * the TensorRTUnavailableError message (what was searched, how to rebuild).
 */
import * as path from 'path';
import type * as CliProgress from 'cli-progress';
import type { Command } from 'commander';
import { InvalidValueError } from '../../errors';
import { buildEngine } from '../../trt/build';
import type { BuildEngineOptions, BuildProgressEvent } from '../../trt/build-options';
import { LogLevel, validateLogLevel } from '../../trt/log';
import { readModel } from '../../onnx/reader';
import { OptimizationProfile, validateProfiles } from '../../trt/profiles';
import { combineMinOptMax, formatProfile, parseShapesSpec } from '../../trt/shapes-spec';
import { checkOutputFile, writeFileAtomic } from '../../util/atomic-write';
import { DEFAULT_MODEL } from '../defaults';
import { toJson } from '../../util/json';

export interface BuildCommandOptions {
  shapes?: string;
  profile?: string[];
  minShapes?: string;
  optShapes?: string;
  maxShapes?: string;
  workspace?: string;
  optLevel?: string;
  timingCache?: string;
  fp16?: boolean;
  bf16?: boolean;
  int8?: boolean;
  stronglyTyped?: boolean;
  output?: string;
  logLevel?: string;
  verbose?: boolean;
  progress?: boolean;
  json?: boolean;
}

/** "4096" (MiB), "512M", "2G", "1.5GiB" -> bytes. */
export function parseSize(text: string, parameter: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(k|m|g|t)?(i?b)?$/i.exec(text.trim());
  if (!m) throw new InvalidValueError(parameter, 'a size in MiB (e.g. 4096) or with a unit (512M, 2G)', text);
  const unit = (m[2] ?? 'm').toLowerCase();
  const bytes = Math.round(Number(m[1]) * 1024 ** { k: 1, m: 2, g: 3, t: 4 }[unit as 'k' | 'm' | 'g' | 't']!);
  if (!Number.isSafeInteger(bytes) || bytes < 2 ** 20) throw new InvalidValueError(parameter, 'a size of at least 1 MiB', text);
  return bytes;
}

/** How profile `index` was given on the command line, for messages. */
export function profileFlag(o: BuildCommandOptions, index: number): string {
  if (index > 0) return `--profile #${index}`;
  return o.minShapes !== undefined || o.optShapes !== undefined || o.maxShapes !== undefined ? '--minShapes/--optShapes/--maxShapes' : '--shapes';
}

/** The profiles the flags describe, in order. */
export function profilesFromFlags(o: BuildCommandOptions): OptimizationProfile[] {
  const profiles: OptimizationProfile[] = [];
  const trtexec = [o.minShapes, o.optShapes, o.maxShapes];
  if (trtexec.some((s) => s !== undefined)) {
    if (o.shapes !== undefined) {
      throw new InvalidValueError('--shapes', 'either --shapes or --minShapes/--optShapes/--maxShapes', o.shapes, 'Both describe profile 0');
    }
    profiles.push(combineMinOptMax(o.minShapes, o.optShapes, o.maxShapes));
  } else if (o.shapes !== undefined) {
    profiles.push(parseShapesSpec(o.shapes, '--shapes'));
  }
  for (const spec of o.profile ?? []) profiles.push(parseShapesSpec(spec, '--profile'));
  return profiles;
}

function defaultOutput(model: string): string {
  return `${path.basename(model).replace(/\.onnx$/i, '')}.plan`;
}

/** A progress bar over TensorRT's top-level phases, labelled with the innermost phase running. */
function progressBar(): { onProgress: (e: BuildProgressEvent) => void; stop: () => void } {
  // Loaded here, not at the top: only a build with its bar on needs it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { SingleBar } = require('cli-progress') as typeof CliProgress;
  const bar = new SingleBar(
    { format: 'building {bar} {percentage}% | {phase}', stream: process.stderr, hideCursor: true, clearOnComplete: true },
  );
  const steps = new Map<string, { parent: string | null; steps: number; done: number }>();
  let started = false;
  let top: string | null = null;
  return {
    onProgress(e) {
      if (e.kind === 'start') {
        steps.set(e.phase, { parent: e.parent, steps: e.steps, done: 0 });
        if (e.parent === null) {
          top = e.phase;
          if (!started) bar.start(e.steps, 0, { phase: e.phase });
          else bar.setTotal(e.steps);
          started = true;
          bar.update(0, { phase: e.phase });
        } else if (started) {
          bar.update({ phase: e.phase });
        }
      } else if (e.kind === 'step') {
        const s = steps.get(e.phase);
        if (s) s.done = e.step + 1;
        if (started && e.phase === top) bar.update(e.step + 1);
      } else {
        steps.delete(e.phase);
      }
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

export function registerBuild(program: Command): void {
  program
    .command('build [model]')
    .description('build a TensorRT engine (plan) from an ONNX model with optimization profiles')
    .option('--shapes <spec>', 'profile 0: input:MINxx..OPT..MAX per input, comma separated (a single shape = fixed)')
    .option('--profile <spec>', 'one more profile, same syntax as --shapes (repeatable)', (v: string, acc: string[] = []) => [...acc, v])
    .option('--minShapes <spec>', "trtexec's form of profile 0: min shapes (with --optShapes and --maxShapes)")
    .option('--optShapes <spec>', "trtexec's form: opt shapes")
    .option('--maxShapes <spec>', "trtexec's form: max shapes")
    .option('--workspace <size>', 'workspace memory pool limit: MiB, or with a unit (512M, 2G)')
    .option('--opt-level <0-5>', 'builder optimization level (TensorRT default 3)')
    .option('--timing-cache <file>', 'timing cache: read if it exists, written back after the build')
    .option('--fp16', 'allow FP16 kernels (TensorRT 10 only)')
    .option('--bf16', 'allow BF16 kernels (TensorRT 10 only)')
    .option('--int8', 'allow INT8 kernels for Q/DQ models (TensorRT 10 only)')
    .option('--strongly-typed', 'strongly typed network (always so on TensorRT 11)')
    .option('-o, --output <file>', 'where to write the plan (default: <model name>.plan in the current folder)')
    .option('--log-level <level>', "print TensorRT's messages up to this level: error, warning, info, verbose, none", 'warning')
    .option('--verbose', 'same as --log-level verbose')
    .option('--no-progress', 'no progress bar')
    .option('--json', 'print one JSON document describing the result')
    .action(async (modelArg: string | undefined, o: BuildCommandOptions) => {
      const model = modelArg ?? DEFAULT_MODEL;
      // Checked here too so that messages name the flag that gave the profile (buildEngine checks again).
      const profiles = validateProfiles(profilesFromFlags(o), await readModel(model), '--shapes', (i) => profileFlag(o, i));
      const consoleLogLevel = o.verbose ? 'verbose' : (validateLogLevel(o.logLevel ?? 'warning', '--log-level', true) as LogLevel | 'none');
      const options: BuildEngineOptions = { profiles, consoleLogLevel };
      if (o.workspace !== undefined) options.workspaceBytes = parseSize(o.workspace, '--workspace');
      if (o.optLevel !== undefined) {
        const level = Number(o.optLevel);
        if (!/^\d$/.test(o.optLevel) || level > 5) throw new InvalidValueError('--opt-level', 'an integer 0..5', o.optLevel);
        options.optimizationLevel = level;
      }
      if (o.timingCache) options.timingCache = o.timingCache;
      if (o.fp16) options.fp16 = true;
      if (o.bf16) options.bf16 = true;
      if (o.int8) options.int8 = true;
      if (o.stronglyTyped) options.stronglyTyped = true;
      const output = o.output ?? defaultOutput(model);
      // Before the build (minutes, with TensorRT): an unwritable -o used to lose the engine just built.
      await checkOutputFile(output, '--output', {
        inputs: [
          { file: model, option: 'the model' },
          { file: o.timingCache, option: '--timing-cache' },
        ],
      });
      const showBar = o.progress !== false && !o.json && process.stderr.isTTY === true;
      const bar = showBar ? progressBar() : null;
      if (bar) options.onProgress = bar.onProgress;
      const controller = new AbortController();
      const onSigint = () => controller.abort();
      process.once('SIGINT', onSigint);
      options.signal = controller.signal;
      let result;
      try {
        result = await buildEngine(model, options);
      } finally {
        bar?.stop();
        process.removeListener('SIGINT', onSigint);
      }
      await writeFileAtomic(output, result.plan);
      const summary = {
        model: path.resolve(model),
        plan: path.resolve(output),
        planBytes: result.plan.byteLength,
        tensorrtVersion: result.tensorrtVersion,
        stronglyTyped: result.stronglyTyped,
        profiles: result.profiles,
        buildMs: Math.round(result.buildMs),
        timingCache: result.timingCacheFile,
        warnings: result.warnings,
      };
      if (o.json) {
        process.stdout.write(`${toJson(summary)}\n`);
      } else {
        process.stdout.write(
          `wrote ${output} (${(result.plan.byteLength / 2 ** 20).toFixed(1)} MiB) in ${(result.buildMs / 1000).toFixed(1)} s with TensorRT ${result.tensorrtVersion}\n` +
            result.profiles.map((p, i) => `  profile ${i}: ${formatProfile(p)}\n`).join('') +
            (result.timingCacheFile ? `  timing cache: ${result.timingCacheFile}\n` : ''),
        );
      }
      process.exitCode = 0;
    });
}
