/**
 * Saved samples: the inputs of a run and, optionally, the outputs PyTorch (or anything else) computed from them, read
 * from .npz files or taken as tensors. The reference runner (lib/runners/reference.ts) answers with their outputs.
 */
import * as path from 'path';
import { InvalidTypeError } from '../errors';
import type { InputSummary } from '../onnx/types';
import { namedTensors } from '../tensor/convert';
import { readNpz } from '../tensor/npz';
import type { NamedTensors, TensorLike } from '../tensor/types';
import { hasOwn, namedRecord } from '../util/names';
import { displayPath } from '../util/text';

/** Saved inputs and, optionally, the outputs PyTorch (or anything else) computed from them. */
export interface Sample {
  /** An .npz of the model inputs by name, or the tensors. */
  inputs: string | NamedTensors;
  /** An .npz of the expected outputs by name, or the tensors. Default none (the inputs are still run). */
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

/** Reads the samples' files (each .npz within `maxTensorBytes`, lib/io/budget) or takes their tensors. */
export async function loadSamples(samples: readonly Sample[], parameter = 'samples', maxTensorBytes?: number): Promise<LoadedSample[]> {
  if (!Array.isArray(samples)) throw new InvalidTypeError(parameter, 'an array of {inputs, reference?}', samples);
  const out: LoadedSample[] = [];
  for (const [i, s] of samples.entries()) {
    if (typeof s !== 'object' || s === null || s.inputs === undefined) throw new InvalidTypeError(`${parameter}[${i}]`, 'an object {inputs, reference?, label?}', s);
    for (const key of ['inputs', 'reference'] as const) {
      const v = s[key];
      if (v !== undefined && typeof v !== 'string' && (typeof v !== 'object' || v === null || Array.isArray(v))) {
        throw new InvalidTypeError(`${parameter}[${i}].${key}`, 'the path of an .npz file, or an object of tensors by name', v);
      }
    }
    if (s.label !== undefined && typeof s.label !== 'string') throw new InvalidTypeError(`${parameter}[${i}].label`, 'a string', s.label);
    const read = (file: string) => readNpz(file, maxTensorBytes !== undefined ? { maxTensorBytes } : {});
    const inputs = typeof s.inputs === 'string' ? await read(s.inputs) : namedTensors(s.inputs, `${parameter}[${i}].inputs`);
    const reference = s.reference === undefined ? undefined : typeof s.reference === 'string' ? await read(s.reference) : namedTensors(s.reference, `${parameter}[${i}].reference`);
    const source = typeof s.inputs === 'string' ? displayPath(s.inputs) : 'tensors';
    const referenceSource = s.reference === undefined ? null : typeof s.reference === 'string' ? displayPath(s.reference) : 'tensors';
    const label = s.label ?? (typeof s.inputs === 'string' ? `sample ${path.basename(s.inputs)}` : `sample ${i}`);
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
