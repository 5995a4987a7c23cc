// A workbook's shared strings are kept packed in pages of bytes: each reads back exactly as it went in, by index,
// across page boundaries, for strings longer than a page, empty ones and any characters.
import { expect, it } from 'vitest';
import { SharedStrings } from '../src/ingest/xlsx/shared-strings.ts';

it('reads every string back by index, across many pages', () => {
  const strings = new SharedStrings();
  const expected: string[] = [];
  for (let i = 0; i < 120_000; i++) {
    const text = i % 7 === 0 ? '' : `${i} Zoë 東京 😀 ${'x'.repeat(i % 50)}`;
    expected.push(text);
    strings.add(text);
  }
  expect(strings.length).toBe(expected.length);
  for (const i of [0, 1, 6, 7, 8, 9999, 30_000, 60_001, 119_999]) expect(strings.get(i)).toBe(expected[i]);
  expect(expected.every((text, i) => strings.get(i) === text)).toBe(true);
});

it('keeps a string longer than a page whole, and the strings around it', () => {
  const strings = new SharedStrings();
  const long = 'ü'.repeat(700_000);
  strings.add('before');
  strings.add(long);
  strings.add('');
  strings.add('after');
  expect([strings.get(0), strings.get(1), strings.get(2), strings.get(3)]).toEqual(['before', long, '', 'after']);
});

it('gives undefined for an index it does not have, as an array would', () => {
  const strings = new SharedStrings();
  strings.add('only');
  expect([strings.get(0), strings.get(1), strings.get(-1), strings.get(0.5)]).toEqual(['only', undefined, undefined, undefined]);
});
