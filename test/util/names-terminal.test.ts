/** Names as keys (lib/util/names.ts) and text for the terminal (lib/util/terminal.ts). */
import { hasOwn, namedRecord, own } from '../../lib/util/names';
import { forTerminal, quoted } from '../../lib/util/terminal';
import { describe as describeValue } from '../../lib/errors';

describe('namedRecord / own', () => {
  const NAMES = ['toString', '__proto__', 'valueOf', 'hasOwnProperty', 'constructor'];

  it('every Object.prototype member name is an ordinary key, kept in order', () => {
    const r = namedRecord<number>();
    NAMES.forEach((n, i) => (r[n] = i));
    expect(Object.keys(r)).toEqual(NAMES);
    expect(JSON.parse(JSON.stringify(r))).toEqual(Object.fromEntries(NAMES.map((n, i) => [n, i])));
    expect(Object.keys({ ...r })).toEqual(NAMES);
    expect(namedRecord(Object.entries(r))).toEqual(r);
  });

  it('own() never returns inherited members of a caller\'s plain object', () => {
    const plain: Record<string, number> = { x: 1 };
    for (const n of NAMES) expect(own(plain, n)).toBeUndefined();
    expect(own(plain, 'x')).toBe(1);
    expect(hasOwn(plain, 'toString')).toBe(false);
    expect(own(undefined, 'x')).toBeUndefined();
    expect('toString' in namedRecord()).toBe(false);
  });
});

describe('forTerminal', () => {
  it('escapes ESC (ANSI, OSC), C0, DEL, C1 and bidi controls; keeps printable text of any script', () => {
    const evil = 'x\x1b[2J\x1b[31mPWNED\x1b]0;evil-title\x07';
    expect(forTerminal(evil)).toBe('x\\x1b[2J\\x1b[31mPWNED\\x1b]0;evil-title\\x07');
    expect(forTerminal('a\rb\x7fc\x9bd\u202ee\u2066f')).toBe('a\\x0db\\x7fc\\x9bd\\u202ee\\u2066f');
    expect(forTerminal('naïve 名前 🙂')).toBe('naïve 名前 🙂');
    expect(forTerminal('PK\x05\x06\x00')).toBe('PK\\x05\\x06\\x00');
  });

  it('a name is one line; a multi-line text keeps newline and tab only', () => {
    expect(forTerminal('a\nResult: PASS\t')).toBe('a\\x0aResult: PASS\\x09');
    expect(forTerminal('line 1\n\tline 2\x1b[2K', { multiline: true })).toBe('line 1\n\tline 2\\x1b[2K');
  });

  it('is idempotent, so layers may each apply it', () => {
    const s = 'a\x1bb\\x1b';
    expect(forTerminal(forTerminal(s))).toBe(forTerminal(s));
  });

  it('quoted() and error descriptions of received strings are escaped too (JSON leaves C1 and bidi raw)', () => {
    expect(quoted('in\x1b[0m')).toBe("'in\\x1b[0m'");
    expect(describeValue('a\u009bb\u202e')).toBe('"a\\x9bb\\u202e"');
    expect(describeValue('a\x1b')).toBe('"a\\\\u001b"'.replace('\\\\', '\\'));
  });
});
