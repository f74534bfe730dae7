/**
 * A Triton model repository on disk: `<repository>/<name>/config.pbtxt` and the plan under a numeric version folder,
 * `<repository>/<name>/1/model.plan` (Triton's docs, "Model Repository": TensorRT models). Written atomically; read
 * back for the lint (the folder's name, its version folders and their files).
 */
import * as fs from 'fs';
import * as path from 'path';
import { FileError } from '../errors';
import { checkOutputFile, writeFileAtomic } from '../io/atomic-write';
import { TENSORRT_MODEL_FILENAME } from './config';
import type { ModelDirectory } from './lint';

export interface TritonRepositoryPaths {
  /** <repository>/<name> */
  model: string;
  config: string;
  /** <repository>/<name>/<version>/model.plan */
  plan: string;
}

/** Where a model's files go in a repository. */
export function tritonRepositoryPaths(repository: string, name: string, version = 1): TritonRepositoryPaths {
  const model = path.join(repository, name);
  return { model, config: path.join(model, 'config.pbtxt'), plan: path.join(model, String(version), TENSORRT_MODEL_FILENAME) };
}

/**
 * Creates the model's folders and checks that config.pbtxt (and the plan, when one will be written) can be written
 * and would replace none of `inputs`: call before building, so a build of minutes is not lost to an unwritable path.
 */
export async function prepareTritonRepository(paths: TritonRepositoryPaths, options: { plan: boolean; option: string; inputs?: readonly { file: string | undefined; option: string }[] }): Promise<void> {
  await checkOutputFile(paths.config, options.option, { createFolder: true, ...(options.inputs ? { inputs: options.inputs } : {}) });
  // The version folder is made either way: the plan built on the target goes there.
  await checkOutputFile(paths.plan, options.option, { createFolder: true, ...(options.inputs ? { inputs: options.inputs } : {}) });
}

/** Writes config.pbtxt and, when given, the plan. */
export async function writeTritonRepository(paths: TritonRepositoryPaths, configText: string, plan?: Uint8Array): Promise<void> {
  await fs.promises.mkdir(path.dirname(paths.plan), { recursive: true });
  if (plan !== undefined) await writeFileAtomic(paths.plan, plan);
  await writeFileAtomic(paths.config, configText);
}

/** The model folder a config.pbtxt sits in, as the lint sees it: its name, version folders and their files. */
export async function modelDirectoryOf(configFile: string): Promise<ModelDirectory> {
  const dir = path.dirname(path.resolve(configFile));
  let entries: fs.Dirent[];
  try {
    entries = await fs.promises.readdir(dir, { withFileTypes: true });
  } catch (err) {
    throw new FileError(dir, `cannot list the model's folder: ${(err as Error).message}`, { cause: err });
  }
  const versions = await Promise.all(
    entries
      .filter((e) => e.isDirectory() && /^\d+$/.test(e.name))
      .sort((a, b) => Number(a.name) - Number(b.name))
      .map(async (e) => ({ version: e.name, files: await fs.promises.readdir(path.join(dir, e.name)).catch(() => []) })),
  );
  return { name: path.basename(dir), versions };
}
