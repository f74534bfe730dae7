/**
 * trtexec-style shape specs, as typed on a command line:
 *   "input:1x1x64x64..1x1x256x256..1x1x960x640"      min..opt..max of one input (one optimization profile)
 *   "input:1x1x256x256,mask:1x256x256"               fixed shapes (min = opt = max), several inputs
 *   --minShapes / --optShapes / --maxShapes          trtexec's three separate lists, combined by combineMinOptMax
 * An input name may contain ':' (the shape is what follows the last one); names with ',' cannot be written here.
 */
import { InvalidValueError } from '../errors';
import { parseDims as parseShape } from '../shapes/spec';
import { hasOwn, namedRecord } from '../util/names';
import type { InputRange, OptimizationProfile } from '../shapes/profiles';

/** Dims as every shape option reads them (lib/shapes/spec), ≥ 1: a profile has no empty tensors. */
function parseDims(text: string, parameter: string, entry: string): number[] {
  return parseShape(text, { option: parameter, entry });
}

function splitEntries(spec: unknown, parameter: string): { name: string; shape: string; entry: string }[] {
  if (typeof spec !== 'string' || spec.trim() === '') {
    throw new InvalidValueError(parameter, 'a spec like input:1x1x64x64..1x1x256x256..1x1x960x640', spec);
  }
  const seen = new Set<string>();
  return spec.split(',').map((raw) => {
    const entry = raw.trim();
    const colon = entry.lastIndexOf(':');
    if (colon <= 0) {
      throw new InvalidValueError(parameter, 'entries of the form name:dims', entry, 'Each entry is <input name>:<dims>, e.g. input:1x1x64x64');
    }
    const name = entry.slice(0, colon).replace(/^'(.*)'$/, '$1');
    if (seen.has(name)) throw new InvalidValueError(parameter, 'each input named once', entry, `Input "${name}" appears twice`);
    seen.add(name);
    return { name, shape: entry.slice(colon + 1), entry };
  });
}

/** "input:AxB..CxD..ExF,other:GxH" -> one optimization profile. Fixed entries give min = opt = max. */
export function parseShapesSpec(spec: unknown, parameter = '--shapes'): OptimizationProfile {
  // Null-prototype: an input may be called `__proto__` or `toString`.
  const profile: OptimizationProfile = namedRecord<InputRange>();
  for (const { name, shape, entry } of splitEntries(spec, parameter)) {
    const parts = shape.split('..');
    let range: InputRange;
    if (parts.length === 1) {
      const dims = parseDims(parts[0], parameter, entry);
      range = { min: dims, opt: dims, max: dims };
    } else if (parts.length === 3) {
      range = {
        min: parseDims(parts[0], parameter, entry),
        opt: parseDims(parts[1], parameter, entry),
        max: parseDims(parts[2], parameter, entry),
      };
    } else {
      throw new InvalidValueError(
        parameter,
        'a fixed shape or min..opt..max',
        entry,
        `Give three shapes (e.g. ${name}:1x1x64x64..1x1x256x256..1x1x960x640) or one fixed shape`,
      );
    }
    profile[name] = range;
  }
  return profile;
}

/** "input:1x1x256x256,other:..." -> fixed shapes by input name (for `check` and sample lists). */
export function parseFixedShapes(spec: unknown, parameter = '--shapes'): Record<string, number[]> {
  const out = namedRecord<number[]>();
  for (const { name, shape, entry } of splitEntries(spec, parameter)) {
    if (shape.includes('..')) {
      throw new InvalidValueError(parameter, 'fixed shapes (no ..)', entry, 'Ranges are for building engines; give one shape per input');
    }
    out[name] = parseDims(shape, parameter, entry);
  }
  return out;
}

/** trtexec's --minShapes/--optShapes/--maxShapes: every input must appear in all three. */
export function combineMinOptMax(min: unknown, opt: unknown, max: unknown): OptimizationProfile {
  const lists = {
    '--minShapes': parseFixedShapes(min, '--minShapes'),
    '--optShapes': parseFixedShapes(opt, '--optShapes'),
    '--maxShapes': parseFixedShapes(max, '--maxShapes'),
  };
  const names = new Set(Object.values(lists).flatMap((l) => Object.keys(l)));
  const profile: OptimizationProfile = namedRecord<InputRange>();
  for (const name of names) {
    for (const [flag, list] of Object.entries(lists)) {
      if (!hasOwn(list, name)) {
        throw new InvalidValueError(flag, `a shape for input "${name}"`, undefined, 'Every input named in one of --minShapes/--optShapes/--maxShapes must be in all three');
      }
    }
    profile[name] = { min: lists['--minShapes'][name], opt: lists['--optShapes'][name], max: lists['--maxShapes'][name] };
  }
  return profile;
}

/** Formats a profile back into the --shapes syntax (for messages and `build` output). */
export function formatProfile(profile: OptimizationProfile): string {
  return Object.entries(profile)
    .map(([name, r]) => {
      const [a, b, c] = [r.min, r.opt, r.max].map((d) => d.join('x'));
      return a === b && b === c ? `${name}:${a}` : `${name}:${a}..${b}..${c}`;
    })
    .join(',');
}
