/** Small formatting helpers shared by the terminal and HTML reports. */
import { formatDims } from '../shapes/spec';

/** 3 significant digits; scientific notation outside [1e-3, 1e4); '-' for null/undefined. */
export function formatNumber(x: number | null | undefined): string {
  if (x === null || x === undefined) return '-';
  if (x === 0) return '0';
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  return a >= 1e-3 && a < 1e4 ? String(Number(x.toPrecision(3))) : x.toExponential(2);
}

/** "input 1x1x64x64, mask 1x64x64". */
export function shapesText(shapes: Record<string, readonly number[]>): string {
  return Object.entries(shapes)
    .map(([n, d]) => `${n} ${formatDims(d)}`)
    .join(', ');
}
