/**
 * Saved samples — inputs and, optionally, the outputs PyTorch (or anything else) computed from them — and the
 * reference Runner that "runs" by returning those outputs, only at the probes made from its samples.
 */
import * as v from '../validate';
import { SAMPLE_FIELDS } from './option-names';
import * as path from 'path';
import { InvalidTypeError } from '../errors';
import { namedTensors } from '../tensor/convert';
import { readNpz } from '../tensor/npz';
import type { NamedTensors } from '../tensor/types';
import type { Runner } from './runner';
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
    if (typeof s === 'object' && s !== null) v.knownKeys(s as unknown as Record<string, unknown>, `${parameter}[${i}]`, SAMPLE_FIELDS);
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

/** Saved reference outputs: supports exactly the probes made from its samples, and "runs" by returning them. */
export function createReferenceRunner(samples: readonly LoadedSample[], name = 'reference', description = 'saved reference outputs (.npz)'): Runner {
  const byKey = new Map(samples.filter((s) => s.reference).map((s) => [s.key, s.reference!]));
  return {
    name,
    kind: 'reference',
    description: `${description}, ${byKey.size} sample${byKey.size === 1 ? '' : 's'}`,
    supports: (probe) => probe.sample !== undefined && byKey.has(probe.sample),
    unsupportedReason: () => 'no saved reference at these shapes',
    run: async (_feeds, probe) => byKey.get(probe.sample!)!,
    dispose: () => undefined,
  };
}
