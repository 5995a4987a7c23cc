// A regex column's pattern, compiled for RE2's engine (re2js), which matches in time linear in the text whatever the pattern.
import { RE2JS } from 're2js';

export interface LinearRegex {
  /** Whether the pattern matches anywhere in the text, as RegExp's test does. */
  test(text: string): boolean;
}

/**
 * The compiled pattern, or why it cannot be used: `invalid` when it is no regular expression at all, else it is one
 * that needs backtracking (lookaround, backreferences) or another feature RE2 lacks.
 */
export type CompiledPattern = { regex: LinearRegex } | { problem: string; invalid: boolean };

/** Said after each feature refused, so the reason goes with the refusal. */
const LINEAR_TIME = 'sheethook runs patterns in linear time';

/** JavaScript's \s: its white space and line terminators, as code point ranges. RE2's \s is ASCII only. */
const SPACES: readonly (readonly [number, number])[] = [
  [0x09, 0x0d], [0x20, 0x20], [0xa0, 0xa0], [0x1680, 0x1680], [0x2000, 0x200a], [0x2028, 0x2029], [0x202f, 0x202f],
  [0x205f, 0x205f], [0x3000, 0x3000], [0xfeff, 0xfeff],
];
const MAX_CODE_POINT = 0x10ffff;

const code = (cp: number) => `\\x{${cp.toString(16)}}`;
const ranges = (list: readonly (readonly [number, number])[]) => list.map(([a, b]) => (a === b ? code(a) : `${code(a)}-${code(b)}`)).join('');
/** \s and \S as the inside of a character class, so they can also stand inside one the pattern writes. */
const SPACE_CLASS = ranges(SPACES);
const NON_SPACE_CLASS = ranges(SPACES.reduce<[number, number][]>((gaps, [from, to], i) => {
  const after = i === 0 ? 0 : SPACES[i - 1][1] + 1;
  if (from > after) gaps.push([after, from - 1]);
  if (i === SPACES.length - 1 && to < MAX_CODE_POINT) gaps.push([to + 1, MAX_CODE_POINT]);
  return gaps;
}, []));

const unsupported = (feature: string): CompiledPattern => ({ problem: `${feature} is not supported; ${LINEAR_TIME}`, invalid: false });

/**
 * The pattern as RE2 reads it, written as a template has always written it: JavaScript's syntax, without flags. It
 * means what it meant to RegExp, but for what RegExp without the `u` flag got wrong: \p{...} is a Unicode property,
 * and a character beyond the Basic Multilingual Plane (an emoji) is one character, as minLength counts it.
 */
function toRe2Syntax(source: string): string | CompiledPattern {
  // In JavaScript \k<name> is a backreference only in a pattern that names a group.
  const namesGroups = /\(\?<[^=!]/.test(source);
  let out = '';
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const char = source[i];
    if (char === '\\') {
      const next = source[i + 1];
      if (next === undefined) return source;
      if (!inClass && next >= '1' && next <= '9') return unsupported(`a backreference (\\${next})`);
      if (next === 'k' && namesGroups && source[i + 2] === '<') return unsupported('a backreference (\\k<…>)');
      if (next === 's') out += inClass ? SPACE_CLASS : `[${SPACE_CLASS}]`;
      else if (next === 'S') out += inClass ? NON_SPACE_CLASS : `[^${SPACE_CLASS}]`;
      // A backspace in a class, in JavaScript; RE2 has no such escape.
      else if (next === 'b' && inClass) out += code(0x08);
      else out += char + next;
      i++;
      continue;
    }
    if (inClass) {
      // In JavaScript a class ends at its first unescaped ], even one right after the [ ([] matches nothing).
      if (char === ']') inClass = false;
    } else if (char === '[') {
      inClass = true;
    } else if (char === '(' && source[i + 1] === '?') {
      const kind = source.slice(i + 2, i + 4);
      if (kind[0] === '=' || kind[0] === '!') return unsupported('lookahead');
      if (kind === '<=' || kind === '<!') return unsupported('lookbehind');
    }
    out += char;
  }
  return out;
}

function compiles(source: string): boolean {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
}

export function compilePattern(source: string): CompiledPattern {
  const rewritten = toRe2Syntax(source);
  if (typeof rewritten !== 'string') return rewritten;
  try {
    // translateRegExp takes JavaScript's remaining spellings: \uXXXX, \cX, (?<name>, [^], an escaped letter that
    // stands for itself.
    return { regex: RE2JS.compile(RE2JS.translateRegExp(rewritten)) };
  } catch (error) {
    const detail = (error as Error).message.replace(/^error parsing regexp: /, '');
    // Compiling a RegExp never runs it, so it costs no more than the pattern's length.
    if (!compiles(source)) return { problem: `not a valid regular expression (${detail})`, invalid: true };
    return { problem: `not supported by RE2, the engine with which ${LINEAR_TIME} (${detail})`, invalid: false };
  }
}
