// A workbook's shared strings are kept packed in pages of bytes: each reads back exactly as it went in, by index,
// across page boundaries, for strings longer than a page, empty ones and any characters.
import { existsSync } from 'node:fs';
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

it('puts pages past its budget in a file, reads them back by index in any order, and removes the file', () => {
  const strings = new SharedStrings(2 << 20);
  const expected: string[] = [];
  for (let i = 0; i < 150_000; i++) {
    const text = i % 5 === 0 ? `${i} Zoë 東京 😀 ${'w'.repeat(i % 40)}` : `${i} plain ${'x'.repeat(i % 60)}`;
    expected.push(text);
    strings.add(text);
  }
  strings.seal();
  const dir = strings.spillDir;
  expect(dir).toBeDefined();
  expect(existsSync(dir!)).toBe(true);
  expect(expected.every((text, i) => strings.get(i) === text)).toBe(true);
  // Far apart, back and forth: more pages than are kept read back.
  let seed = 3;
  for (let n = 0; n < 20_000; n++) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const i = seed % expected.length;
    if (strings.get(i) !== expected[i]) throw new Error(`string ${i} read back wrong`);
  }
  strings.close();
  expect(existsSync(dir!)).toBe(false);
  expect(strings.spillDir).toBeUndefined();
});

it('keeps everything in memory within its budget, with no file', () => {
  const strings = new SharedStrings();
  for (let i = 0; i < 10_000; i++) strings.add(`value ${i}`);
  strings.seal();
  expect(strings.spillDir).toBeUndefined();
  expect(strings.get(9_999)).toBe('value 9999');
});

it('puts the places of strings past their budget in the file, and reads them back in any order', () => {
  // Pages all in memory; places for 4,096 strings kept, the rest written out a group at a time.
  const strings = new SharedStrings(64 << 20, 4096 * 12);
  const expected = Array.from({ length: 70_000 }, (_, i) => (i % 3 === 0 ? `${i} Łódź ${'y'.repeat(i % 30)}` : `v${i}`));
  for (const text of expected) strings.add(text);
  // Before the last group is full, and after: the group being filled is read from memory.
  expect(strings.get(69_999)).toBe(expected[69_999]);
  strings.seal();
  expect(strings.spillDir).toBeDefined();
  expect(expected.every((text, i) => strings.get(i) === text)).toBe(true);
  // Back and forth over more groups than are kept read back.
  let seed = 5;
  for (let n = 0; n < 20_000; n++) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const i = (seed >>> 4) % expected.length;
    if (strings.get(i) !== expected[i]) throw new Error(`string ${i} read back wrong`);
  }
  strings.close();
});
