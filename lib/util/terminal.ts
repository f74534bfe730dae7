/**
 * Text from a model or a file on its way to a terminal. Tensor, node and zip entry names, op types, producer strings
 * and npy headers are chosen by whoever made the file; printed raw, an ESC sequence in one clears the screen, sets
 * the window title (OSC) or rewrites what was printed before it (CR, cursor moves), and a bidi override makes text
 * read differently than it is. JSON output escapes control characters by itself; text output goes through here.
 *
 * Escapes are written as `\xNN` or `\uNNNN`, so the name stays recognisable and can be looked up again. Backslashes
 * are left alone: applying forTerminal twice gives the same text as once (each layer may apply it safely).
 */

/**
 * C0 controls, DEL, C1 controls (0x9B is a one-byte CSI on some terminals), the bidi embeddings, overrides, isolates
 * and marks, the Unicode line/paragraph separators, and the invisible zero-width space, word joiner and BOM (a name
 * holding one looks like one without; joiners that shape scripts and emoji are left alone).
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b\u200e\u200f\u2028\u2029\u202a-\u202e\u2060\u2066-\u2069\ufeff]/g;
/** The same, but keeping newline and tab: for message bodies that are multi-line by design. */
const UNSAFE_MULTILINE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b\u200e\u200f\u2028\u2029\u202a-\u202e\u2060\u2066-\u2069\ufeff]/g;

function escapeChar(c: string): string {
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

export interface ForTerminalOptions {
  /**
   * Keep `\n` and `\t` (a report, a multi-line message). Default false: a name is one line, and a newline inside it
   * could forge a line of the report ("Result: PASS").
   */
  multiline?: boolean;
}

/**
 * `text` with every terminal control escaped (C0/C1 controls, ESC and so every ANSI/OSC sequence, DEL, bidi
 * controls). Printable text, including any script and emoji, is kept as is.
 */
export function forTerminal(text: unknown, options: ForTerminalOptions = {}): string {
  const s = typeof text === 'string' ? text : typeof text === 'symbol' ? text.toString() : String(text);
  return s.replace(options?.multiline === true ? UNSAFE_MULTILINE : UNSAFE, escapeChar);
}

/** `'name'` quoted for a message, escaped for the terminal: the form every error of the readers uses for names. */
export function quoted(name: string): string {
  return `'${forTerminal(name)}'`;
}
