/**
 * The action of `trt-node export triton`: where the engine's IO comes from decides what is written.
 *  - --engine <plan>: the plan is read with TensorRT (its IO exactly) and copied to DIR/<name>/1/model.plan.
 *  - TensorRT here: the plan is built from the model and the profile flags, read back, and written there.
 *  - TensorRT missing: no plan is built. config.pbtxt is derived from the ONNX model and the profiles (the IO an
 *    engine built from them has), and the output says so, with the command that builds the plan on the target.
 * The config is linted against that IO before it is written (lib/triton/generate.ts).
 */
import * as fs from 'fs';
import * as path from 'path';
import { InvalidValueError, TrtNodeError } from '../../errors';
import { readModel } from '../../onnx/reader';
import type { ModelSummary } from '../../onnx/types';
import { formatProfile } from '../../shapes/spec';
import { requireTensorRT, tensorrtAvailable } from '../../trt/tensorrt';
import type { EngineIO } from '../../triton/engine-io';
import { displayPath } from '../../util/text';
import type { ExportTritonCliOptions } from '../commands/export';
import { DEFAULT_MODEL } from '../defaults';
import { EXIT_OK } from '../exit-codes';
import { integerOption, jsonTarget, modelFrom } from '../options';
import { engineSourceFrom, type EngineSource } from '../options/engine';
import { shapeTexts } from '../options/shapes';
import { emitJson, type CliContext } from '../output';

/** The engine's IO and plan: read from --engine, built here, or (TensorRT missing) derived from the model. */
async function engineSide(ctx: CliContext, summary: ModelSummary, source: EngineSource): Promise<{ io: EngineIO; plan?: Uint8Array; library?: string; built: boolean; profilesText: string[] }> {
  const { Engine } = require('../../trt/engine') as typeof import('../../trt/engine');
  const { engineIOFromModel, engineIOOf } = require('../../triton/engine-io') as typeof import('../../triton/engine-io');
  const read = async (bytes: Uint8Array) => {
    const loaded = await Engine.load(bytes);
    try {
      return { io: engineIOOf(loaded), library: loaded.library };
    } finally {
      loaded.dispose();
    }
  };
  if (source.engine !== undefined) {
    const engine = source.engine;
    const bytes = await fs.promises.readFile(engine).catch((err: Error) => {
      throw new TrtNodeError('ERR_TRT_NODE_FILE', `${source.engineFlag} ${engine}: cannot read the plan: ${err.message}`, { file: engine });
    });
    return { ...(await read(bytes)), plan: bytes, built: false, profilesText: [] };
  }
  const profiles = source.profiles;
  const profilesText = profiles.map(formatProfile);
  if (!tensorrtAvailable()) return { io: engineIOFromModel(summary, profiles), built: false, profilesText };
  const { buildEngine } = require('../../trt/build') as typeof import('../../trt/build');
  const result = await buildEngine(summary, { profiles, ...source.build, signal: ctx.signal });
  return { ...(await read(result.plan)), plan: result.plan, built: true, profilesText };
}

export async function runExportTriton(ctx: CliContext, modelArg: string | undefined, cli: ExportTritonCliOptions): Promise<number> {
  const model = modelFrom(modelArg, cli, DEFAULT_MODEL);
  // 'model.onnx' (as PyTorch exports are often named) says nothing: its folder's name does.
  const stem = path.basename(model).replace(/\.onnx$/i, '');
  const name = cli.name ?? (stem === 'model' ? path.basename(path.dirname(path.resolve(model))) : stem);
  const maxBatchSize = integerOption('--max-batch-size', cli.maxBatchSize, 0);
  const instances = integerOption('--instances', cli.instances, 1);
  const gpus = cli.gpus === undefined ? undefined : cli.gpus.split(',').map((g) => integerOption('--gpus', g.trim(), 0)!);
  const delay = integerOption('--max-queue-delay', cli.maxQueueDelay, 0);
  if (delay !== undefined && !cli.dynamicBatching) throw new InvalidValueError('--max-queue-delay', 'to come with --dynamic-batching', cli.maxQueueDelay, "It sets the dynamic batcher's queue delay");
  const summary = await readModel(model);
  const source = engineSourceFrom(cli, summary, { command: 'export triton', shapeProfiles: shapeTexts('--shapes', cli.shapes, summary), requireProfile: cli.engine === undefined && cli.loadEngine === undefined });
  const engine = source.engine;
  // Reading the plan's IO needs TensorRT: say so before anything is written.
  if (engine !== undefined) requireTensorRT();

  const { prepareTritonRepository, tritonRepositoryPaths, writeTritonRepository } = require('../../triton/repository') as typeof import('../../triton/repository');
  const { tritonConfigFor } = require('../../triton/generate') as typeof import('../../triton/generate');
  const paths = tritonRepositoryPaths(cli.repo, name);
  const planInPlace = engine !== undefined && path.resolve(engine) === path.resolve(paths.plan);
  const reads = [{ file: model, option: 'the model' }, ...(planInPlace ? [] : source.reads)];
  // Before the build (minutes with TensorRT): an unwritable repository would lose the plan just built.
  await prepareTritonRepository(paths, { plan: true, option: '--repo', inputs: reads });
  const json = jsonTarget(cli.json);
  const jsonInputs = [...reads, { file: paths.config, option: '--repo' }, { file: paths.plan, option: '--repo' }];
  if (json !== undefined && json !== 'stdout') {
    const { checkOutputFile } = require('../../io/atomic-write') as typeof import('../../io/atomic-write');
    await checkOutputFile(json, '--json', { inputs: jsonInputs });
  }

  const side = await engineSide(ctx, summary, source);
  const result = tritonConfigFor(side.io, {
    name,
    ...(maxBatchSize !== undefined ? { maxBatchSize } : {}),
    ...(instances !== undefined ? { instances } : {}),
    ...(gpus !== undefined ? { gpus } : {}),
    ...(cli.dynamicBatching ? { dynamicBatching: delay === undefined ? true : { maxQueueDelayMicroseconds: delay } } : {}),
    optionNames: { name: '--name', maxBatchSize: '--max-batch-size', instances: '--instances', gpus: '--gpus', dynamicBatching: '--dynamic-batching' },
  });
  await writeTritonRepository(paths, result.text, planInPlace ? undefined : side.plan);

  const plan = side.plan === undefined ? null : { path: path.resolve(paths.plan), bytes: side.plan.byteLength, built: side.built, library: side.library ?? null, from: side.built ? 'built here' : path.resolve(engine!) };
  const buildCommand = `trt-node build ${displayPath(model)} ${side.profilesText.map((p, i) => `${i === 0 ? '--shapes' : '--profile'} ${p}`).join(' ')} -o ${displayPath(paths.plan)}`.replace(/\s+/g, ' ');
  const doc = {
    repository: path.resolve(cli.repo),
    model: name,
    config: path.resolve(paths.config),
    plan,
    ioFrom: side.io.source,
    maxBatchSize: result.maxBatchSize,
    notes: result.notes,
    ...(plan === null ? { toDo: `build the plan on the target machine (its GPU and Triton's TensorRT version) and put it at ${paths.plan}: ${buildCommand}` } : {}),
  };
  if (!(await emitJson(ctx, cli.json, doc, jsonInputs))) {
    const lines: string[] = [];
    if (plan === null) lines.push('TensorRT is missing here: no plan was built.');
    lines.push(`wrote ${displayPath(paths.config)} (max_batch_size ${result.maxBatchSize}; IO ${side.io.source === 'engine' ? 'read from the plan' : 'derived from the ONNX model and the profiles'})`);
    if (plan) lines.push(`${planInPlace ? 'kept' : 'wrote'} ${displayPath(paths.plan)} (${(plan.bytes / 2 ** 20).toFixed(1)} MiB, ${side.built ? `built here with ${side.library}` : `from ${displayPath(engine!)}, ${side.library}`})`);
    for (const note of result.notes) lines.push(`note: ${note}`);
    if (plan === null) {
      const buildOnlyFlags = source.buildFlags.filter((f) => !['--shapes', '--profile', '--minShapes', '--optShapes', '--maxShapes'].includes(f));
      lines.push(
        'Build the plan on the target machine (a plan runs only on the GPU model and TensorRT version it was built with: use the TensorRT of the Triton release that serves it) and put it in place:',
        `  ${buildCommand}${buildOnlyFlags.length ? ` (with ${buildOnlyFlags.join(', ')} as given here)` : ''}`,
        `Then check the config against it: trt-node check --triton-config ${displayPath(paths.config)} --engine ${displayPath(paths.plan)}`,
      );
    }
    ctx.out(`${lines.join('\n')}\n`);
  }
  return EXIT_OK;
}
