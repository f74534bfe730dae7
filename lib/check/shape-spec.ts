/**
 * trtexec's --shapes syntax for `check`: 'input:1x1x256x256,other:2x3' -> { input: [1,1,256,256], other: [2,3] }.
 * Interim parser until lib/shapes/spec.ts lands; names may hold ':' (split at the last one) or be single-quoted.
 */
import { InvalidValueError } from '../errors';

export function parseShapeSpec(spec: string, option = '--shapes'): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  const items = spec.split(',').map((s) => s.trim()).filter(Boolean);
  if (items.length === 0) throw new InvalidValueError(option, "shapes like 'input:1x3x224x224,other:2x3'", spec);
  for (const item of items) {
    const colon = item.lastIndexOf(':');
    if (colon <= 0) throw new InvalidValueError(option, "name:dims entries like 'input:1x3x224x224'", item);
    let name = item.slice(0, colon).trim();
    if (name.length >= 2 && name.startsWith("'") && name.endsWith("'")) name = name.slice(1, -1);
    const dimsText = item.slice(colon + 1).trim();
    const dims = dimsText.split('x').map((d) => (/^\d+$/.test(d.trim()) ? Number(d.trim()) : NaN));
    if (!dimsText || dims.some((d) => !Number.isSafeInteger(d))) {
      throw new InvalidValueError(option, `dims as non-negative integers joined by 'x' for '${name}'`, dimsText, "e.g. 'input:1x3x224x224'");
    }
    if (out[name]) throw new InvalidValueError(option, `each input named once`, name);
    out[name] = dims;
  }
  return out;
}
