// A block's records cross from the reading thread to the store as UTF-8 bytes: exactly the lines joined by newlines,
// whatever the characters (two-, three- and four-byte ones, and a lone surrogate JSON escapes).
import { expect, it } from 'vitest';
import { encodeLines } from '../src/store/record-block.ts';

it('encodes the lines joined by newlines, byte for byte as Node encodes the joined text', () => {
  const lines = [
    JSON.stringify({ name: 'Café Müller', city: '東京', mood: '😀', note: 'a "quoted", comma' }),
    JSON.stringify({ name: '', broken: '\ud800 alone' }),
    '{}',
  ];
  const bytes = encodeLines(lines);
  expect(Buffer.from(bytes).equals(Buffer.from(lines.join('\n'), 'utf8'))).toBe(true);
  expect(bytes.byteLength).toBe(bytes.buffer.byteLength);
  expect(new TextDecoder().decode(bytes).split('\n').map((l) => JSON.parse(l))[0].mood).toBe('😀');
});

it('encodes one line without a newline, and no lines as nothing', () => {
  expect(Array.from(encodeLines(['{"a":1}']))).toEqual(Array.from(Buffer.from('{"a":1}')));
  expect(encodeLines([]).byteLength).toBe(0);
});
