/**
 * Saved samples: the inputs of a run and, optionally, the outputs PyTorch (or anything else) computed from them, read
 * from .npz files or taken as tensors. The reference runner (lib/runners/reference.ts) answers with their outputs.
 */
import * as path from 'path';
import { InvalidTypeError, TrtNodeError } from '../errors';
import { maxTensorBytes as budgetOf } from '../io/budget';
import type { InputSummary, ModelSummary } from '../onnx/types';
import { namedTensors } from '../tensor/convert';
import { decodeNpy, readFileBytes } from '../tensor/npy';
import { NPY_MAGIC } from '../tensor/npy-header';
import { parseNpz } from '../tensor/npz';
import type { NamedTensors, TensorLike } from '../tensor/types';
import { hasOwn, namedRecord } from '../util/names';
import { quoted } from '../util/terminal';
import { displayPath } from '../util/text';
import * as v from '../validate';
import { feedableInputs } from './feeds';
import { SAMPLE_FIELDS } from './option-names';

/** Saved inputs and, optionally, the outputs PyTorch (or anything else) computed from them. */
export interface Sample {
  /**
   * An .npz of the model inputs by name (numpy.savez), a .npy (numpy.save) for a model with one input, or the
   * tensors (`{}` for a model without inputs).
   */
  inputs: string | NamedTensors;
  /**
   * An .npz of the expected outputs by name, a .npy for a model with one output, or the tensors. Default none (the
   * inputs are still run).
   */
  reference?: string | NamedTensors;
  /** Shown in reports. Default: the inputs file name. */
  label?: string;
}

export interface LoadedSample {
  key: string;
  label: string;
  /** The inputs file, or 'tensors'. */
  source: string;
  /** The reference file, 'tensors', or null without one. */
  referenceSource: string | null;
  inputs: NamedTensors;
  reference?: NamedTensors;
}

/**
 * The arrays of a sample's file: an .npz's by name, or a .npy's one array under the name of the model's only input
 * (or output); a .npy where the model has several is an error saying how to save them together.
 */
async function readSampleFile(file: string, names: readonly string[] | undefined, what: 'input' | 'output', budget: number): Promise<NamedTensors> {
  const bytes = await readFileBytes(file, budget);
  if (!NPY_MAGIC.every((b, i) => bytes[i] === b)) return parseNpz(bytes, file, { maxTensorBytes: budget });
  if (names?.length !== 1) {
    const listed = names ? `${names.length} ${what}s (${names.map(quoted).join(', ') || 'none'})` : `${what}s named only in an .npz`;
    const keys = (names?.length ? names : [what]).map((n) => `${quoted(n)}: ...`).join(', ');
    throw new TrtNodeError(
      'ERR_TRT_NODE_INVALID_VALUE',
      `${displayPath(file)} holds one array (.npy, numpy.save) but the model has ${listed}: save them by name in one .npz, np.savez(f, **{${keys}})`,
      { file },
    );
  }
  // The file's bytes are held already; what decoding adds (a copy) must fit in the rest, as readNpy counts it.
  return namedRecord([[names[0], decodeNpy(bytes, { file }, undefined, { limit: budget, held: bytes.length })]]);
}

/**
 * Reads the samples' files (.npz, or .npy where `model` has one input or output; each within `maxTensorBytes`,
 * lib/io/budget) or takes their tensors.
 */
export async function loadSamples(samples: readonly Sample[], parameter = 'samples', maxTensorBytes?: number, model?: ModelSummary): Promise<LoadedSample[]> {
  if (!Array.isArray(samples)) throw new InvalidTypeError(parameter, 'an array of {inputs, reference?}', samples);
  const out: LoadedSample[] = [];
  for (const [i, s] of samples.entries()) {
    if (typeof s === 'object' && s !== null) v.knownKeys(s as unknown as Record<string, unknown>, `${parameter}[${i}]`, SAMPLE_FIELDS);
    if (typeof s !== 'object' || s === null || s.inputs === undefined) throw new InvalidTypeError(`${parameter}[${i}]`, 'an object {inputs, reference?, label?}', s);
    for (const key of ['inputs', 'reference'] as const) {
      const v = s[key];
      if (v !== undefined && typeof v !== 'string' && (typeof v !== 'object' || v === null || Array.isArray(v))) {
        throw new InvalidTypeError(`${parameter}[${i}].${key}`, 'the path of an .npz file, or an object of tensors by name', v);
      }
    }
    if (s.label !== undefined && typeof s.label !== 'string') throw new InvalidTypeError(`${parameter}[${i}].label`, 'a string', s.label);
    const budget = budgetOf(maxTensorBytes, 'maxTensorBytes');
    const inputNames = model && feedableInputs(model).map((x) => x.name);
    const outputNames = model?.outputs.map((x) => x.name);
    const inputs = typeof s.inputs === 'string' ? await readSampleFile(s.inputs, inputNames, 'input', budget) : namedTensors(s.inputs, `${parameter}[${i}].inputs`);
    const reference =
      s.reference === undefined
        ? undefined
        : typeof s.reference === 'string'
          ? await readSampleFile(s.reference, outputNames, 'output', budget)
          : namedTensors(s.reference, `${parameter}[${i}].reference`);
    const source = typeof s.inputs === 'string' ? displayPath(s.inputs) : 'tensors';
    const referenceSource = s.reference === undefined ? null : typeof s.reference === 'string' ? displayPath(s.reference) : 'tensors';
    const label = s.label ?? (typeof s.inputs === 'string' ? `sample ${path.basename(s.inputs)}` : Object.keys(inputs).length ? `sample ${i}` : 'no inputs');
    out.push({ key: `sample:${i}`, label, source, referenceSource, inputs, ...(reference ? { reference } : {}) });
  }
  return out;
}

/** The feeds a sample gives `inputs`: its arrays named like them (a file may hold more, the outputs saved alongside). */
export function sampleFeeds(sample: LoadedSample, inputs: readonly InputSummary[]): NamedTensors {
  const feeds = namedRecord<TensorLike>();
  for (const i of inputs) if (hasOwn(sample.inputs, i.name)) feeds[i.name] = sample.inputs[i.name];
  return feeds;
}
