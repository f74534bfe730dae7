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
