// The whole-file uniqueness rule, as the reading thread applies it: a value's first valid row keeps it, every later
// valid row holding it is marked, across blocks and buckets, column after column.
import { existsSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { collectUniqueValues, uniqueText } from '../src/ingest/validate/unique-values.ts';
import type { Column } from '../src/domain/column.ts';

const column = (key: string, unique: boolean): Column => ({ key, name: key.toUpperCase(), type: 'string', required: false, unique, alternateKeys: [] });

/** The rule written the plain way: a map of every value seen, per column, in order. */
function expected(rows: Record<string, unknown>[], keys: string[]): Map<number, string> {
  const marked = new Map<number, string>();
  for (const key of keys) {
    const seen = new Set<string>();
    rows.forEach((data, i) => {
      const row = i + 1;
      if (marked.has(row)) return;
      const text = uniqueText(data[key]);
      if (text === null) return;
      if (seen.has(text)) marked.set(row, key);
      else seen.add(text);
    });
  }
  return marked;
}

function found(rows: Record<string, unknown>[], columns: Column[], splitBytes?: number): Map<number, string> {
  const unique = collectUniqueValues(columns, splitBytes)!;
  rows.forEach((data, i) => unique.add(i + 1, data));
  const marked = new Map<number, string>();
  for (const d of unique.duplicates(rows.length)) {
    const errors = JSON.parse(d.errorsJson) as Record<string, Record<string, string>>;
    expect(Object.keys(errors)).toHaveLength(d.count);
    for (const [row, messages] of Object.entries(errors)) {
      expect(Math.floor((Number(row) - 1) / 1000)).toBe(d.block);
      const [key] = Object.keys(messages);
      expect(messages[key]).toBe(`${key.toUpperCase()} must be unique: the same value is in an earlier row`);
      marked.set(Number(row), key);
    }
  }
  return marked;
}

describe('unique values', () => {
  it('is not collected for a template without a unique column', () => {
    expect(collectUniqueValues([column('a', false)])).toBeNull();
  });

  it('marks the same rows as a plain set would, over several columns and blocks', () => {
    let seed = 7;
    const random = (n: number) => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed % n; };
    const rows = Array.from({ length: 5500 }, () => ({
      a: `v${random(4000)}`,
      b: random(10) === 0 ? '' : random(3000),
      c: random(50) === 0 ? null : ['x', 'y', String(random(2000))],
    }));
    const columns = [column('a', true), column('b', true), column('free', false), column('c', true)];
    const marked = found(rows, columns);
    expect(marked).toEqual(expected(rows, ['a', 'b', 'c']));
    // The file has repeats in every column, some found only by the later columns.
    expect(new Set(marked.values())).toEqual(new Set(['a', 'b', 'c']));
  });

  it('tells apart many distinct texts of one length, which share the slots of a bucket\'s table', () => {
    // 20,000 rows of 15,000 values, each six digits: most buckets' tables have texts of the same length side by side.
    const rows = Array.from({ length: 20_000 }, (_, i) => ({ a: String((i * 7919) % 15_000).padStart(6, '0') }));
    const marked = found(rows, [column('a', true)]);
    expect(marked).toEqual(expected(rows, ['a']));
    expect(marked.size).toBe(5_000);
  });

  it('splits a bucket past its bound into smaller files, and marks the same rows', () => {
    let seed = 11;
    const random = (n: number) => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed % n; };
    const rows = Array.from({ length: 6000 }, (_, i) => ({
      a: `v${random(4500)}`,
      b: i % 500 === 0 ? 'z'.repeat(3000 + random(3000)) : `w${random(5000)}`,
      same: 'one value in every row',
    }));
    const columns = [column('a', true), column('b', true), column('same', true)];
    // About 1 KB a bucket file can hold before it is split: most are split, some more than once.
    const unique = collectUniqueValues(columns, 1024)!;
    rows.forEach((data, i) => unique.add(i + 1, data));
    const blocks = unique.duplicates(rows.length);
    const first = blocks.next();
    expect(first.done).toBe(false);
    const files = readdirSync(unique.dir);
    expect(files.length).toBeGreaterThan(64 * 16);
    expect(files.some((name) => /^\d+\.\d+\.\d+$/.test(name))).toBe(true);
    [...blocks];
    expect(existsSync(unique.dir)).toBe(false);
    const marked = found(rows, columns, 1024);
    expect(marked).toEqual(expected(rows, ['a', 'b', 'same']));
    expect(marked).toEqual(found(rows, columns));
    expect(new Set(marked.values())).toEqual(new Set(['a', 'b', 'same']));
  });

  it('keeps one set of files however many columns are unique, and names a column past the 255th', () => {
    const keys = Array.from({ length: 300 }, (_, i) => `c${i}`);
    const rows = Array.from({ length: 40 }, (_, r) => Object.fromEntries(keys.map((k, i) => [k, i === 299 ? `v${r % 7}` : `${k}-${r}`])));
    const marked = found(rows, keys.map((k) => column(k, true)));
    expect(marked).toEqual(expected(rows, keys));
    expect(new Set(marked.values())).toEqual(new Set(['c299']));
  });

  it('tells apart texts that differ only in characters UTF-8 cannot carry, and in case', () => {
    const rows = [{ a: '\ud800x' }, { a: '\udbffx' }, { a: 'Ab' }, { a: 'ab' }, { a: '\ud800x' }, { a: 'é' }, { a: 'e\u0301' }];
    expect([...found(rows, [column('a', true)]).keys()]).toEqual([5]);
  });

  it('keeps a long value whole', () => {
    const long = 'z'.repeat(100_000);
    const rows = [{ a: long }, { a: `${long}!` }, { a: long }];
    expect([...found(rows, [column('a', true)]).keys()]).toEqual([3]);
  });

  it('removes its spilled files when done, and when discarded before the end', () => {
    const unique = collectUniqueValues([column('a', true)])!;
    unique.add(1, { a: 'x' });
    expect(existsSync(unique.dir)).toBe(true);
    unique.discard();
    expect(existsSync(unique.dir)).toBe(false);
    const done = collectUniqueValues([column('a', true)])!;
    done.add(1, { a: 'x' });
    done.add(2, { a: 'x' });
    expect([...done.duplicates(2)]).toHaveLength(1);
    expect(existsSync(done.dir)).toBe(false);
  });
});
