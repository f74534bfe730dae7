/** Test helper: pieces of check's text report. */

/** The `Result:` line, its wrapped continuation lines (indented) joined with one space. */
export function resultLine(text: string): string {
  const lines = text.split('\n');
  const i = lines.findIndex((l) => l.startsWith('Result:'));
  if (i < 0) throw new Error(`no Result: line in\n${text}`);
  const more: string[] = [];
  for (let j = i + 1; j < lines.length && lines[j].startsWith('  '); j++) more.push(lines[j].trim());
  return [lines[i], ...more].join(' ');
}
