/** How text reports look on a terminal: TextStyle, colours, wrapping, and numbers a person reads easily. */
import { hangingWrap } from '../util/text';

/**
 * How text reports look on a terminal: colour for verdicts and severities (only on a TTY, NO_COLOR and FORCE_COLOR
 * honoured, as https://no-color.org and Node's own util do), the width to wrap to (the terminal's), and numbers a
 * person reads easily. Library formatters take a TextStyle; the default is plain text 100 columns wide.
 */
export interface TextStyle {
  /** ANSI colours for PASS/FAIL/ERROR/WARNING. Default false. */
  color?: boolean;
  /** Columns to wrap to. Default 100. */
  width?: number;
}

/** The style for a stream: its width, and colour when it is a TTY (NO_COLOR off, FORCE_COLOR on, either way). */
export function styleFor(stream: { isTTY?: boolean; columns?: number }, env: NodeJS.ProcessEnv = process.env): Required<TextStyle> {
  const force = env.FORCE_COLOR;
  let color = stream.isTTY === true;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') color = false;
  if (force !== undefined) color = force !== '0' && force !== 'false';
  // Not a terminal (a file, a pipe): nothing to fit, but keep lines readable in an editor.
  const columns = stream.isTTY && stream.columns ? stream.columns : 120;
  return { color, width: Math.max(60, Math.min(columns, 200)) };
}

const CODES = { red: [31, 39], green: [32, 39], yellow: [33, 39], dim: [2, 22], bold: [1, 22] } as const;
export type Tone = keyof typeof CODES;

export function paint(text: string, tone: Tone, style: TextStyle | undefined): string {
  if (!style?.color) return text;
  const [open, close] = CODES[tone];
  return `\u001b[${open}m${text}\u001b[${close}m`;
}

/** PASS green, FAIL/ERROR red, WARNING yellow, anything else (not compared, skipped) dim. */
export function verdictText(word: string, style: TextStyle | undefined): string {
  const w = word.trim().toUpperCase();
  const tone: Tone = w === 'PASS' || w === 'OK' ? 'green' : w === 'FAIL' || w === 'ERROR' || w === 'FAILED' ? 'red' : w === 'WARNING' || w === 'WARN' || w === 'INTERRUPTED' ? 'yellow' : 'dim';
  return paint(word, tone, style);
}

/** Greedy word wrap (lib/util/text.ts: the layers below report wrap too). */
export { hangingWrap, wrap } from '../util/text';

/**
 * A verdict line ("Result: PASS — ...", "Cross-check: FAIL (...)"): wrapped to the width with continuation lines
 * indented two columns, then `head` at its start replaced by `colouredHead`, so that colour codes take no columns.
 */
export function verdictLine(head: string, colouredHead: string, text: string, width: number | undefined): string[] {
  const lines = hangingWrap(text, '  ', width);
  if (lines[0]?.startsWith(head)) lines[0] = colouredHead + lines[0].slice(head.length);
  return lines;
}

/** "850 ms", "3.2 s", "14 s", "2 min 5 s": milliseconds below a second, seconds with a decimal below 10 s. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms < 1000) return `${ms < 10 ? Number(ms.toPrecision(2)) : Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 10) return `${s.toFixed(1)} s`;
  if (s < 120) return `${Math.round(s)} s`;
  return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

/** "2 of 3 outputs", "1 of 1 output". */
export function countOf(n: number, total: number, noun: string): string {
  return `${n} of ${total} ${noun}${total === 1 ? '' : 's'}`;
}

/** A fraction as a percentage a person reads: "99.5%", "0.02%", "3e-5%", "0%". */
export function formatPercent(fraction: number | null | undefined): string {
  if (fraction === null || fraction === undefined) return '-';
  if (fraction === 0) return '0%';
  const p = fraction * 100;
  if (p >= 99.95 && p < 100) return '99.9%';
  return `${p < 0.01 ? p.toExponential(0) : Number(p.toPrecision(3))}%`;
}
