/**
 * Error heatmaps for the HTML report: an ErrorMap (already ≤ 512 px a side) coloured with viridis (vega's scheme,
 * perceptually uniform and readable in grey) on a linear 0 … max scale, encoded as PNG (pngjs) into a data: URI.
 */
import type { ErrorMap } from '../pipeline/types';

type Rgb = [number, number, number];

let lut: Rgb[] | undefined;

/** 256 viridis colours, from vega's scheme. */
function viridis(): Rgb[] {
  if (lut) return lut;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const vega = require('vega') as typeof import('vega');
  const scheme = vega.scheme('viridis') as (t: number) => string;
  lut = Array.from({ length: 256 }, (_, i) => {
    const m = /rgb\((\d+),\s*(\d+),\s*(\d+)\)/.exec(scheme(i / 255));
    if (m) return [Number(m[1]), Number(m[2]), Number(m[3])] as Rgb;
    const hex = /#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})/i.exec(scheme(i / 255));
    return hex ? ([parseInt(hex[1], 16), parseInt(hex[2], 16), parseInt(hex[3], 16)] as Rgb) : ([0, 0, 0] as Rgb);
  });
  return lut;
}

function pngDataUri(width: number, height: number, fill: (x: number, y: number) => Rgb): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { PNG } = require('pngjs') as typeof import('pngjs');
  const png = new PNG({ width, height });
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [r, g, b] = fill(x, y);
      const o = (y * width + x) * 4;
      png.data[o] = r;
      png.data[o + 1] = g;
      png.data[o + 2] = b;
      png.data[o + 3] = 255;
    }
  }
  return `data:image/png;base64,${PNG.sync.write(png).toString('base64')}`;
}

/** Non-finite errors (NaN on one side only, Inf) are drawn in this colour. */
export const NON_FINITE_RGB: Rgb = [255, 0, 255];

/** A grey ramp (light to mid grey) for maps of rounding noise: their pattern is not worth a colour. */
function greys(): Rgb[] {
  return Array.from({ length: 256 }, (_, i) => {
    const v = Math.round(235 - (i / 255) * 115);
    return [v, v, v] as Rgb;
  });
}

export type HeatmapPalette = 'viridis' | 'grey';

/**
 * The heatmap of `map` as a PNG data: URI; values ≥ `max` (the map's max by default) take the brightest colour.
 * 'grey' draws it muted (errors far below the tolerance: noise).
 */
export function heatmapDataUri(map: ErrorMap, max = map.max, palette: HeatmapPalette = 'viridis'): string {
  const colours = palette === 'grey' ? greys() : viridis();
  let top = max;
  if (!Number.isFinite(top)) {
    top = 0; // scale to the largest finite error; the non-finite ones get their own colour
    for (const v of map.values) if (Number.isFinite(v) && v > top) top = v;
  }
  return pngDataUri(map.width, map.height, (x, y) => {
    const v = map.values[y * map.width + x];
    if (!Number.isFinite(v)) return NON_FINITE_RGB;
    if (!(top > 0)) return colours[0];
    return colours[Math.min(255, Math.max(0, Math.round((v / top) * 255)))];
  });
}

/** The colour bar of the legend: left (0) to right (max). */
export function colourBarDataUri(width = 256, height = 12, palette: HeatmapPalette = 'viridis'): string {
  const colours = palette === 'grey' ? greys() : viridis();
  return pngDataUri(width, height, (x) => colours[Math.round((x / Math.max(1, width - 1)) * 255)]);
}
