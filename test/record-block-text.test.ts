// A block's records cross from the reading thread to the store as UTF-8 bytes: exactly the lines joined by newlines,
// whatever the characters (two-, three- and four-byte ones, and a lone surrogate JSON escapes), written a line at a
// time into the buffer given, and into larger ones when it runs out; its sheet rows follow them in the same buffer.
import { expect, it } from 'vitest';
import { BlockText } from '../src/store/record-block.ts';

function written(lines: readonly string[], into = new ArrayBuffer(0)) {
  const text = new BlockText(into);
  for (const line of lines) text.add(line);
  expect(text.lines).toBe(lines.length);
  const done = text.finish('');
  expect(done.after.byteLength).toBe(0);
  return done.text;
}

it('writes the lines joined by newlines, byte for byte as Node encodes the joined text', () => {
  const lines = [
    JSON.stringify({ name: 'Café Müller', city: '東京', mood: '😀', note: 'a "quoted", comma' }),
    JSON.stringify({ name: '', broken: '\ud800 alone' }),
    '{}',
  ];
  const bytes = written(lines);
  expect(Buffer.from(bytes).equals(Buffer.from(lines.join('\n'), 'utf8'))).toBe(true);
  expect(bytes.byteOffset).toBe(0);
  expect(new TextDecoder().decode(bytes).split('\n').map((l) => JSON.parse(l))[0].mood).toBe('😀');
});

it('writes one line without a newline, and no lines as nothing', () => {
  expect(Array.from(written(['{"a":1}']))).toEqual(Array.from(Buffer.from('{"a":1}')));
  expect(written([]).byteLength).toBe(0);
});

it('writes into the buffer given while it has room, and grows past it when characters take more bytes', () => {
  const spare = new ArrayBuffer(1 << 16);
  const ascii = Array.from({ length: 100 }, (_, i) => JSON.stringify({ row: i, name: `name ${i}` }));
  const reused = written(ascii, spare);
  expect(reused.buffer).toBe(spare);
  expect(Buffer.from(reused).equals(Buffer.from(ascii.join('\n')))).toBe(true);

  // Each character takes three or four bytes: far more than the characters counted, and more than the spare holds.
  const wide = Array.from({ length: 2000 }, (_, i) => JSON.stringify({ row: i, city: '東京😀'.repeat(5) }));
  const chars = wide.reduce((n, l) => n + l.length + 1, 0);
  const grown = written(wide, new ArrayBuffer(chars));
  expect(grown.byteLength).toBeGreaterThan(chars);
  expect(Buffer.from(grown).equals(Buffer.from(wide.join('\n')))).toBe(true);
});

it('keeps a character whole when the room runs out in the middle of it', () => {
  for (let pad = 0; pad < 8; pad++) {
    const lines = ['x'.repeat(pad) + '😀é東', '😀'.repeat(40), 'é'.repeat(100)];
    const bytes = written(lines, new ArrayBuffer(lines.join('\n').length));
    expect(Buffer.from(bytes).equals(Buffer.from(lines.join('\n')))).toBe(true);
  }
});

it('writes the text given at the end after the lines, in the same buffer, growing it when the lines filled it', () => {
  const lines = ['{"a":"é"}', '{"a":2}'];
  for (const room of [0, 12, 19, 1 << 10]) {
    const text = new BlockText(new ArrayBuffer(room));
    for (const line of lines) text.add(line);
    const done = text.finish('{4,5,7}');
    expect(Buffer.from(done.text).toString()).toBe(lines.join('\n'));
    expect(Buffer.from(done.after).toString()).toBe('{4,5,7}');
    expect(done.after.buffer).toBe(done.text.buffer);
    expect(done.after.byteOffset).toBe(done.text.byteLength);
  }
});
