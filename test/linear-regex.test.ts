// A template's pattern runs on RE2's engine: in linear time whatever the pattern, with the answers RegExp gave for the
// patterns templates hold, and refused, saying why, when it needs backtracking.
import { describe, expect, it } from 'vitest';
import { compilePattern, type LinearRegex } from '../src/ingest/validate/linear-regex.ts';

function compiled(source: string): LinearRegex {
  const result = compilePattern(source);
  if (!('regex' in result)) throw new Error(`${source}: ${result.problem}`);
  return result.regex;
}

const NBSP = '\u00a0';

/** Each pattern, with texts on both sides of it; RE2's answer must be RegExp's (no flags, as templates always ran). */
const SAME_AS_REGEXP: [pattern: string, texts: string[]][] = [
  ['^\\d{5}$', ['12345', '01234', '1234', '123456', '12a45', '١٢٣٤٥', ' 12345', '12345\n']],
  ['^[A-Z]{2}-\\d+$', ['AB-1', 'AB-123456', 'ab-12', 'ABC-1', 'AB-', 'AB_12', 'ÄB-12']],
  ['^[A-Z]{3}-\\d{3}$', ['SKU-001', 'SKU-01', 'sku-001']],
  // Unicode letters written out as ranges, as most templates do.
  ['^[A-Za-zÀ-ÖØ-öø-ÿ\' -]+$', ['Zoë', 'José Müller', "O'Brien", 'Łukasz', 'Smith2', 'Ann-Marie']],
  ['^[äöüß]+$', ['äöü', 'straße', 'ß']],
  // Email-ish: \s in a negated class, with a non-breaking space (as spreadsheets hold them) among the texts.
  ['^[^@\\s]+@[^@\\s]+\\.[a-z]{2,}$', ['jane@example.com', 'jane.doe@mail.example.org', 'jane@example', 'ja ne@example.com', `ja${NBSP}ne@example.com`, 'a@b@c.com']],
  ['^[\\w.+-]+@[\\w-]+(\\.[\\w-]+)+$', ['first.last+tag@sub.example.co.uk', 'x@y', 'bad@@example.com']],
  ['^\\d+\\s?\\d*$', ['12 345', `12${NBSP}345`, '12\u202f345', '12\t345', '12345', '12  345']],
  ['^\\S+$', ['abc', `a${NBSP}b`, 'a\u3000b', 'a b']],
  ['^[\\S]+$', ['abc', `a${NBSP}b`]],
  ['\\bcat\\b', ['a cat here', 'concatenate', 'cat', 'bobcat']],
  ['^(?:\\+\\d{1,3})?[ -]?\\(?\\d{3}\\)?[ -]?\\d{3}[ -]?\\d{4}$', ['+1 (415) 555-0100', '415-555-0100', '4155550100', '555-0100']],
  ['^https?://', ['https://example.com', 'http://x', 'ftp://x', 'xhttps://']],
  ['colou?r', ['color', 'colour', 'colr']],
  ['^(red|green|blue)$', ['red', 'green', 'purple', 'redgreen']],
  ['^[^,]*$', ['a b c', 'a,b']],
  ['^\\u00e9t\\u00e9$', ['été', 'ete']],
  ['^(?<year>\\d{4})-(?<month>\\d{2})$', ['2024-05', '2024-5']],
  ['^\\W+$', ['!?', 'a!']],
  ['^a.c$', ['abc', 'a-c', 'a\nc', 'ac']],
  ['^[]a]$', ['a', ']']],
  ['^[^]$', ['x', '\n']],
  ['^$', ['', 'x']],
  ['\\$\\d+\\.\\d{2}', ['costs $12.50', '12.50']],
];

describe('the patterns templates hold', () => {
  it.each(SAME_AS_REGEXP)('%s answers as RegExp answers', (pattern, texts) => {
    const regex = compiled(pattern);
    const native = new RegExp(pattern);
    for (const text of texts) expect(regex.test(text), JSON.stringify(text)).toBe(native.test(text));
  });

  it('read \\p{…} as a Unicode property, as a RegExp with the u flag does (without it, RegExp read "p{L}")', () => {
    const letters = compiled('^[\\p{L}\' -]+$');
    const unicode = /^[\p{L}' -]+$/u;
    for (const name of ['Zoë', 'Łukasz', 'Ελένη', '李小龙', "O'Brien", 'R2-D2', 'p{L}']) {
      expect(letters.test(name), name).toBe(unicode.test(name));
    }
    expect(letters.test('Łukasz')).toBe(true);
  });

  it('count a character beyond the Basic Multilingual Plane (an emoji) as one, as minLength does', () => {
    expect(compiled('^.$').test('😀')).toBe(true);
    expect(compiled('^.{3}$').test('a😀b')).toBe(true);
    expect(compiled('^[😀😃]+$').test('😃😀')).toBe(true);
  });

  it('take RE2\'s own spellings too: inline flags', () => {
    expect(compiled('(?i)^abc$').test('AbC')).toBe(true);
  });
});

describe('a pattern that needs backtracking', () => {
  it.each([
    ['(?<=EUR )\\d+', 'lookbehind'],
    ['(?<!-)\\d+', 'lookbehind'],
    ['^\\d+(?=%)', 'lookahead'],
    ['^(?!test)\\w+$', 'lookahead'],
    ['^(\\w)\\1$', 'a backreference (\\1)'],
    ['^(?<c>\\w)\\k<c>$', 'a backreference (\\k<…>)'],
  ])('%s is refused: %s is not supported', (pattern, feature) => {
    expect(compilePattern(pattern)).toEqual({ problem: `${feature} is not supported; sheethook runs patterns in linear time`, invalid: false });
  });

  it('a refusal names what RE2 lacks when it is something else', () => {
    expect(compilePattern('^x{1001}$')).toEqual({
      problem: 'not supported by RE2, the engine with which sheethook runs patterns in linear time (invalid repeat count: `{1001}`)', invalid: false,
    });
  });

  it('a pattern no engine takes is invalid', () => {
    expect(compilePattern('([a-z')).toEqual({ problem: 'not a valid regular expression (missing closing ]: `[a-z`)', invalid: true });
  });

  it('runs a catastrophic pattern on a long text at once: no backtracking', () => {
    // RegExp takes hours on this text; RE2 reads it once.
    expect(compiled('^(a+)+$').test(`${'a'.repeat(5000)}!`)).toBe(false);
    expect(compiled('^(a|a)*$').test('a'.repeat(5000))).toBe(true);
  });
});
