/**
 * Human-readable renderings of summary pieces, shared by `inspect` and the diagnostics' messages. Every string that
 * comes from the model (names, op types, domains, dim names) is escaped for the terminal here (lib/util/terminal.ts):
 * a name holding `\x1b[2J` must not clear the screen of whoever inspects the model.
 */
import { forTerminal } from '../util/terminal';
import type { Dim } from './types';

/** '1x1x[height]x[width]': fixed sizes as numbers, symbolic ones in brackets, unknown as '?'. */
export function formatDims(dims: readonly Dim[] | null): string {
  if (dims === null) return '(unknown rank)';
  if (dims.length === 0) return 'scalar';
  return dims.map((d) => (d.kind === 'fixed' ? String(d.value) : d.kind === 'symbolic' ? `[${forTerminal(d.name)}]` : '?')).join('x');
}

/** 1536 → '1.5 KiB' (the one byte formatter, lib/io/budget). */
export { formatByteSize as formatBytes } from '../io/budget';

/** The default domain ('') reads as 'ai.onnx'. */
export function domainLabel(domain: string): string {
  return domain === '' ? 'ai.onnx' : forTerminal(domain);
}

/** 'Conv', or 'com.example::FastGelu' outside the default domain. */
export function opLabel(domain: string, opType: string): string {
  return forTerminal(domain === '' ? opType : `${domain}::${opType}`);
}

/**
 * Left-aligned columns separated by two spaces (the last column is not padded). Cells are escaped for the terminal
 * (one line each), so a table of model strings is safe to print whoever made the model.
 */
export function formatTable(rows: readonly (readonly string[])[], indent = '  '): string {
  const safe = rows.map((row) => row.map((cell) => forTerminal(cell)));
  const widths: number[] = [];
  for (const row of safe) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return safe
    .map((row) => indent + row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]))).join('  ').trimEnd())
    .join('\n');
}
