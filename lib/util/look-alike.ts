/**
 * Names that look the same on screen but are different strings: 'café' composed (NFC) or decomposed (NFD), a Cyrillic
 * 'а' for a Latin 'a', an invisible zero-width space, fullwidth letters. A message that quotes both names shows two
 * identical words; this says where they differ, by code point, so the user can fix the one that is wrong.
 */
import { quoted } from './terminal';

/** Characters that take no space on screen (zero-width space/joiners, word joiner, BOM, soft hyphen...). */
const INVISIBLE = /[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0]/u;
const INVISIBLE_ALL = new RegExp(INVISIBLE.source, 'gu');

const SCRIPTS = ['Latin', 'Cyrillic', 'Greek', 'Armenian', 'Hebrew', 'Arabic', 'Han', 'Hiragana', 'Katakana', 'Hangul', 'Cherokee'] as const;
const SCRIPT_TESTS = SCRIPTS.map((name) => [name, new RegExp(`\\p{Script=${name}}`, 'u')] as const);

function codePoint(c: string): string {
  return `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** 'U+0430 (Cyrillic)', 'U+FF49 (Latin, fullwidth)'. */
function describeChar(c: string): string {
  const script = SCRIPT_TESTS.find(([, re]) => re.test(c))?.[0];
  const cp = c.codePointAt(0)!;
  const width = cp >= 0xff00 && cp <= 0xffef ? 'fullwidth' : undefined;
  const what = [script, width].filter(Boolean).join(', ');
  return what ? `${codePoint(c)} (${what})` : codePoint(c);
}

const nonAscii = (c: string | undefined) => c !== undefined && c.codePointAt(0)! > 0x7e;

/**
 * How `a` (named by `sides[0]`, e.g. 'in the model') differs from `b` (`sides[1]`) when they look alike; undefined
 * when they are equal or simply different names. The text starts with 'they ...' or 'it ...'.
 */
export function lookAlikeDifference(a: string, b: string, sides: readonly [string, string] = ['in the model', 'in the file']): string | undefined {
  if (a === b) return undefined;
  const [sa, sb] = sides;
  const ca = [...a];
  const cb = [...b];
  if (a.normalize('NFC') === b.normalize('NFC')) {
    let pre = 0;
    while (pre < ca.length && pre < cb.length && ca[pre] === cb[pre]) pre++;
    let suf = 0;
    while (suf < ca.length - pre && suf < cb.length - pre && ca[ca.length - 1 - suf] === cb[cb.length - 1 - suf]) suf++;
    const part = (cs: string[]) => cs.slice(pre, cs.length - suf).map(codePoint).join(' ');
    return `they differ only in Unicode normalization: ${part(ca)} ${sa}, ${part(cb)} ${sb} (save both in one form, NFC)`;
  }
  const strip = (s: string) => s.replace(INVISIBLE_ALL, '');
  if (strip(a) === strip(b) && strip(a) !== '') {
    const hidden = (cs: string[], side: string) => {
      const at = cs.flatMap((c, i) => (INVISIBLE.test(c) ? [[codePoint(c), i + 1] as const] : []));
      return at.length ? `an invisible ${at.map(([cp]) => cp).join(', ')} ${side} (character ${at.map(([, i]) => i).join(', ')})` : '';
    };
    return `it has ${[hidden(ca, sa), hidden(cb, sb)].filter(Boolean).join(' and ')}`;
  }
  if (ca.length === cb.length) {
    const diffs = ca.map((_, i) => i).filter((i) => ca[i] !== cb[i]);
    if (diffs.length > 0 && diffs.length <= 3 && diffs.every((i) => nonAscii(ca[i]) || nonAscii(cb[i]))) {
      const each = diffs.map((i) => `character ${i + 1}: ${describeChar(ca[i])} ${sa}, ${describeChar(cb[i])} ${sb}`);
      return `they differ at ${each.join('; ')}`;
    }
  }
  return undefined;
}

/**
 * For names that were looked for and not found: ' <found> looks like <wanted> but is another name: they differ ...'
 * for the first look-alike among `found`, else ''. Names are quoted and escaped for the terminal.
 */
export function lookAlikeNote(wanted: readonly string[], found: readonly string[], sides: readonly [string, string] = ['in the model', 'in the file']): string {
  for (const w of wanted) {
    for (const f of found) {
      const d = lookAlikeDifference(w, f, sides);
      if (d) return ` ${quoted(f)} ${sides[1]} looks like ${quoted(w)} but is another name: ${d}.`;
    }
  }
  return '';
}
