// Pages read ahead together are cut apart again exactly: each page's JSON holds its own records, as they were.
import { describe, expect, it } from 'vitest';
import { splitJsonArray } from '../src/delivery/page-reader.ts';

describe('splitJsonArray', () => {
  const records = [
    { id: 1, name: 'Zoë "the" \\ quote\\', notes: 'a, b], {c}: "d"' },
    { id: 2, tags: ['x', ['y', { z: '"]},{' }]], n: null, t: true, f: -1.5e3 },
    { id: 3, name: '\\"', empty: '', nested: { deeper: { deepest: [1, 2, 3] } } },
    { id: 4, unicode: 'Łukasz ✓ \u2028 \n\t' },
    { id: 5 },
  ];

  it('cuts an array into pages of the counts given, each element as it was', () => {
    const text = JSON.stringify(records);
    const pages = splitJsonArray(text, [2, 1, 2]);
    expect(pages).toEqual([JSON.stringify(records.slice(0, 2)), JSON.stringify(records.slice(2, 3)), JSON.stringify(records.slice(3))]);
    for (const page of pages!) JSON.parse(page);
  });

  it('reads arrays written with spaces and line breaks between elements', () => {
    const text = `[\n  ${records.map((r) => JSON.stringify(r, null, 2)).join(' ,\n  ')}\n]`;
    const pages = splitJsonArray(text, [3, 2])!;
    expect(pages.map((p) => JSON.parse(p))).toEqual([records.slice(0, 3), records.slice(3)]);
  });

  it('refuses an array whose element count is not the sum of the counts, or text that is not an array', () => {
    const text = JSON.stringify(records);
    expect(splitJsonArray(text, [2, 2])).toBeNull();
    expect(splitJsonArray(text, [3, 3])).toBeNull();
    expect(splitJsonArray('{"a":1}', [1])).toBeNull();
    expect(splitJsonArray('[{"a":"unterminated}]', [1])).toBeNull();
    expect(splitJsonArray('[]', [])).toEqual([]);
  });
});
