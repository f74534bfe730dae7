/** Plain text for messages and reports: counts with their noun, file paths as a user reads them. */
import * as path from 'path';

/** A file path as reports show it: relative to the working folder when inside it. */
export function displayPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

/** "1 tensor", "3 tensors" ("2 indices" with pluralWord). */
export function plural(n: number, word: string, pluralWord = `${word}s`): string {
  return `${n} ${n === 1 ? word : pluralWord}`;
}

/** Greedy word wrap to `width` columns with an indent on every line (`firstIndent` on the first). */
export function wrap(text: string, indent: string, width = 100, firstIndent = indent): string[] {
  const words = text.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  const prefix = () => (lines.length === 0 ? firstIndent : indent);
  let line = '';
  for (const w of words) {
    if (line && prefix().length + line.length + 1 + w.length > width) {
      lines.push(prefix() + line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) lines.push(prefix() + line);
  return lines;
}

/**
 * A paragraph as a terminal shows it: wrapped to `width`, the first line keeping the text's own leading spaces and
 * the rest indented by `indent`. Line breaks in `text` start new paragraphs, indented like continuation lines.
 */
export function hangingWrap(text: string, indent: string, width = 100): string[] {
  return text.split('\n').flatMap((paragraph, p) => {
    const lines = wrap(paragraph, indent, width, p === 0 ? /^\s*/.exec(paragraph)![0] : indent);
    return lines.length ? lines : [''];
  });
}
