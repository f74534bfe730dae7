/**
 * `trt-node build [model] --shapes input:1x1x64x64..1x1x256x256..1x1x960x640 [--profile ...] [-o model.plan]`:
 * builds a TensorRT engine from an ONNX model (default: the bundled super-resolution example) and writes the plan
 * atomically. Shapes use the one grammar of lib/shapes; each --shapes is a profile, in order, then trtexec's
 * --minShapes/--optShapes/--maxShapes, then each --profile (the engine-source group of lib/cli/options/engine.ts,
 * which every build option comes from too). Without TensorRT it exits 2 with the TensorRTUnavailableError message
 * (what was searched, how to rebuild); a missing or wrong profile is reported first, saying that TensorRT is missing too.
 */
import * as path from 'path';
import { SingleBar } from 'cli-progress';
import { InvalidValueError } from '../../errors';
import { buildEngine } from '../../trt/build';
import { checkProfilesSayingTensorRT } from '../../trt/tensorrt';
import type { BuildProgressEvent } from '../../trt/build-options';
import { LogLevel, validateLogLevel } from '../../trt/log';
import { readModel } from '../../onnx/reader';
import { formatProfile } from '../../shapes/spec';
import { checkOutputFile, writeFileAtomic } from '../../io/atomic-write';
import type { BuildCliOptions } from '../commands/build';
import { DEFAULT_MODEL } from '../defaults';
import { EXIT_OK } from '../exit-codes';
import { jsonTarget, modelFrom } from '../options';
import { engineSourceFrom } from '../options/engine';
import { shapeTexts } from '../options/shapes';
import { emitJson, type CliContext } from '../output';
import { formatByteSize } from '../../io/budget';
import { forTerminal } from '../../util/terminal';

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

/** Where the plan goes: -o, or trtexec's --saveEngine (both given and different: a usage error). */
function outputFrom(o: BuildCliOptions, model: string): string {
  if (o.output !== undefined && o.saveEngine !== undefined && o.output !== o.saveEngine) {
    throw new InvalidValueError('--saveEngine', 'the same file as --output', o.saveEngine, 'Give the output once');
  }
  return o.output ?? o.saveEngine ?? defaultOutput(model);
}

/** The action of `trt-node build`: flags read and checked, outputs guarded, the engine built and written. */
export async function runBuild(ctx: CliContext, modelArg: string | undefined, o: BuildCliOptions): Promise<number> {
  const model = modelFrom(modelArg, o, DEFAULT_MODEL);
  const baseDir = o.externalDataDir !== undefined ? { baseDir: o.externalDataDir } : {};
  const summary = await readModel(model, baseDir);
  // Every --shapes is a profile (a fixed shape: min = opt = max); checked against the model here, once.
  // Without TensorRT, a missing or wrong profile says so too (checkProfilesSayingTensorRT).
  const source = checkProfilesSayingTensorRT(() =>
    engineSourceFrom(o, summary, { command: 'build', shapeProfiles: shapeTexts('--shapes', o.shapes, summary), requireProfile: true }),
  );
  const consoleLogLevel = o.verbose ? 'verbose' : (validateLogLevel(o.logLevel ?? 'warning', '--log-level', true) as LogLevel | 'none');
  const output = outputFrom(o, model);
  const json = jsonTarget(o.json);
  const reads = [{ file: model, option: 'the model' }, ...source.reads];
  // Before the build (minutes, with TensorRT): an unwritable -o used to lose the engine just built.
  await checkOutputFile(output, '--output', { inputs: reads });
  const jsonInputs = [...reads, { file: output, option: '--output' }];
  if (json !== undefined && json !== 'stdout') await checkOutputFile(json, '--json', { inputs: jsonInputs });

  const bar = o.progress !== false && ctx.progressAllowed(o.json) ? progressBar() : null;
  let result;
  try {
    // The summary, not the path: the model is not read again, and the profiles checked against it are not rechecked.
    // Ctrl-C cancels the build at TensorRT's next step (main turns SIGINT into this signal).
    result = await buildEngine(summary, { ...source.build, ...baseDir, profiles: source.profiles, consoleLogLevel, signal: ctx.signal, ...(bar ? { onProgress: bar.onProgress } : {}) });
  } finally {
    bar?.stop();
  }
  await writeFileAtomic(output, result.plan);
  const summaryDoc = {
    model: path.resolve(model),
    plan: path.resolve(output),
    planBytes: result.plan.byteLength,
    tensorrtVersion: result.tensorrtVersion,
    stronglyTyped: result.stronglyTyped,
    profiles: result.profiles,
    buildMs: Math.round(result.buildMs),
    timingCache: result.timingCacheFile,
    cached: result.cached,
    cacheEntry: result.cacheEntry,
    warnings: result.warnings,
  };
  if (!(await emitJson(ctx, o.json, summaryDoc, jsonInputs))) {
    const how = result.cached ? 'from the engine cache' : `in ${(result.buildMs / 1000).toFixed(1)} s`;
    ctx.out(
      `wrote ${output} (${formatByteSize(result.plan.byteLength)}) ${how} with TensorRT ${result.tensorrtVersion}\n` +
        result.profiles.map((p, i) => `  profile ${i}: ${formatProfile(p)}\n`).join('') +
        (result.timingCacheFile ? `  timing cache: ${result.timingCacheFile}\n` : '') +
        (result.cacheEntry ? `  engine cache entry: ${result.cacheEntry}\n` : ''),
    );
    // trt-node's own notes (TensorRT's messages were printed as they came).
    for (const w of result.warnings.filter((x) => x.message.startsWith('trt-node: '))) ctx.err(`${forTerminal(w.message)}\n`);
  }
  return EXIT_OK;
}
