/**
 * `trt-node build [model] --shapes input:1x1x64x64..1x1x256x256..1x1x960x640 [--profile ...] [-o model.plan]`:
 * builds a TensorRT engine from an ONNX model (default: the bundled super-resolution example) and writes the plan
 * atomically. Shapes use trtexec's syntax; --shapes is profile 0, each --profile adds one more, and
 * --minShapes/--optShapes/--maxShapes are trtexec's three-list form of profile 0. Without TensorRT it exits 2 with
 * the TensorRTUnavailableError message (what was searched, how to rebuild).
 */
import * as path from 'path';
import { SingleBar } from 'cli-progress';
import { InvalidValueError } from '../../errors';
import { buildEngine } from '../../trt/build';
import type { BuildEngineOptions, BuildProgressEvent } from '../../trt/build-options';
import { LogLevel, validateLogLevel } from '../../trt/log';
import { readModel } from '../../onnx/reader';
import { OptimizationProfile, validateProfiles } from '../../shapes/profiles';
import { combineMinOptMax, formatProfile, parseShapesSpec } from '../../trt/shapes-spec';
import { checkOutputFile, writeFileAtomic } from '../../io/atomic-write';
import { DEFAULT_MODEL } from '../defaults';
import { requireDevice } from '../../trt/device';
import { requireTensorRT } from '../../trt/tensorrt';
import { buildSettingsFrom, integerOption, jsonTarget, modelFrom, type EngineCliOptions } from '../options';
import { emitJson, type CliContext } from '../output';

export interface BuildCommandOptions extends EngineCliOptions {
  onnx?: string;
  shapes?: string;
  profile?: string[];
  optLevel?: string;
  builderOptimizationLevel?: string;
  saveEngine?: string;
  noTF32?: boolean;
  bf16?: boolean;
  int8?: boolean;
  stronglyTyped?: boolean;
  device?: string;
  output?: string;
  logLevel?: string;
  verbose?: boolean;
  progress?: boolean;
  json?: string | boolean;
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

/** The action of `trt-node build`. */
export async function runBuild(ctx: CliContext, modelArg: string | undefined, o: BuildCommandOptions): Promise<void> {
  const model = modelFrom(modelArg, o, DEFAULT_MODEL);
  // Checked here too so that messages name the flag that gave the profile (buildEngine checks again).
  const profiles = validateProfiles(profilesFromFlags(o), await readModel(model), '--shapes', (i) => profileFlag(o, i));
  const consoleLogLevel = o.verbose ? 'verbose' : (validateLogLevel(o.logLevel ?? 'warning', '--log-level', true) as LogLevel | 'none');
  const options: BuildEngineOptions = { profiles, consoleLogLevel, ...buildSettingsFrom(o) };
  if (o.optLevel !== undefined && o.builderOptimizationLevel !== undefined) {
    throw new InvalidValueError('--builderOptimizationLevel', 'either --opt-level or --builderOptimizationLevel', o.builderOptimizationLevel);
  }
  const optLevel = o.optLevel ?? o.builderOptimizationLevel;
  if (optLevel !== undefined) {
    const level = Number(optLevel);
    if (!/^\d$/.test(optLevel) || level > 5) throw new InvalidValueError(o.optLevel !== undefined ? '--opt-level' : '--builderOptimizationLevel', 'an integer 0..5', optLevel);
    options.optimizationLevel = level;
  }
  if (o.bf16) options.bf16 = true;
  if (o.int8) options.int8 = true;
  if (o.stronglyTyped) options.stronglyTyped = true;
  const device = integerOption('--device', o.device, 0);
  if (device !== undefined) {
    requireDevice(device, '--device', requireTensorRT().addon);
    options.device = device;
  }
  if (o.output !== undefined && o.saveEngine !== undefined && o.output !== o.saveEngine) {
    throw new InvalidValueError('--saveEngine', 'the same file as --output', o.saveEngine, 'Give the output once');
  }
  const output = o.output ?? o.saveEngine ?? defaultOutput(model);
  const json = jsonTarget(o.json);
  const reads = [
    { file: model, option: 'the model' },
    { file: options.timingCache, option: '--timing-cache' },
  ];
  // Before the build (minutes, with TensorRT): an unwritable -o used to lose the engine just built.
  await checkOutputFile(output, '--output', { inputs: reads });
  const jsonInputs = [...reads, { file: output, option: '--output' }];
  if (json !== undefined && json !== 'stdout') await checkOutputFile(json, '--json', { inputs: jsonInputs });
  const showBar = o.progress !== false && ctx.progressAllowed(o.json);
  const bar = showBar ? progressBar() : null;
  if (bar) options.onProgress = bar.onProgress;
  // Ctrl-C cancels the build at TensorRT's next step (main turns SIGINT into this signal).
  options.signal = ctx.signal;
  let result;
  try {
    result = await buildEngine(model, options);
  } finally {
    bar?.stop();
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
  if (!(await emitJson(ctx, o.json, summary, jsonInputs))) {
    ctx.out(
      `wrote ${output} (${(result.plan.byteLength / 2 ** 20).toFixed(1)} MiB) in ${(result.buildMs / 1000).toFixed(1)} s with TensorRT ${result.tensorrtVersion}\n` +
        result.profiles.map((p, i) => `  profile ${i}: ${formatProfile(p)}\n`).join('') +
        (result.timingCacheFile ? `  timing cache: ${result.timingCacheFile}\n` : ''),
    );
  }
  process.exitCode = 0;
}
