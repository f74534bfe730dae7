/**
 * The error map of an image-like output (N×C×H×W): |actual − expected| per pixel, the max over N and C, then
 * max-pooled so neither side exceeds `maxSide` (a max keeps a single bad pixel visible at any scale).
 */
import type { TensorLike } from '../tensor/types';
import { numericValues } from '../compare';
import type { ErrorMap } from './types';

export const DEFAULT_MAP_SIDE = 512;

export function isImageLike(dims: readonly number[]): boolean {
  return dims.length === 4 && dims[2] > 1 && dims[3] > 1;
}

export function errorMap(
  actual: TensorLike,
  expected: TensorLike,
  where: { probe: number; actual: string; expected: string; output: string },
  maxSide = DEFAULT_MAP_SIDE,
): ErrorMap | undefined {
  const dims = [...expected.dims];
  if (!isImageLike(dims) || actual.dims.length !== 4 || actual.dims.some((d, i) => d !== dims[i])) return undefined;
  const [n, c, h, w] = dims;
  const scale = Math.max(1, Math.ceil(Math.max(h, w) / maxSide));
  const height = Math.ceil(h / scale);
  const width = Math.ceil(w / scale);
  const values = new Float32Array(height * width);
  const a = numericValues(actual);
  const e = numericValues(expected);
  const plane = h * w;
  for (let img = 0; img < n * c; img++) {
    const base = img * plane;
    for (let y = 0; y < h; y++) {
      const row = Math.floor(y / scale) * width;
      for (let x = 0; x < w; x++) {
        const i = base + y * w + x;
        let diff = Math.abs(a[i] - e[i]);
        if (Number.isNaN(diff)) diff = Number.isNaN(a[i]) && Number.isNaN(e[i]) ? 0 : Infinity;
        const j = row + Math.floor(x / scale);
        if (diff > values[j]) values[j] = diff;
      }
    }
  }
  let min = Infinity;
  let max = 0;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const map: ErrorMap = {
    ...where,
    dims,
    width,
    height,
    scale,
    min: Number.isFinite(min) ? min : 0,
    max,
    values,
    toJSON() {
      const { values: _v, toJSON: _t, ...rest } = this;
      return rest;
    },
  };
  return map;
}
