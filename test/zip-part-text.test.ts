// A zip part's text comes in small pieces that never cut a character in two: a piece lives until its reader is done
// with it, and a small one does not outlive the reading thread's young generation.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeTempDir, storedZip, withZip, type TempDir } from './support/ingest-files.ts';
import { partText } from '../src/ingest/zip/zip-part-text.ts';

let dir: TempDir;
beforeAll(async () => { dir = await makeTempDir(); });
afterAll(async () => { await dir?.remove(); });

it.each([['deflated', true], ['stored', false]])('gives a %s part back whole, in pieces of at most 8 KB, however its characters are cut', async (_name, deflated) => {
  // One, two, three and four bytes a character, far more of them than the pieces a part is unpacked in.
  const text = Array.from({ length: 100_000 }, (_, i) => ['a', 'é', '東', '😀'][i % 4] + (i % 1000 === 0 ? '\n' : '')).join('');
  const path = await dir.write(`part-${deflated}.zip`, storedZip({ 'part.xml': text }, deflated));
  const pieces = await withZip(path, async (archive) => {
    const [entry] = archive.entries;
    const got: string[] = [];
    for await (const piece of partText(archive, entry, () => {})) got.push(piece);
    return got;
  });
  expect(pieces.join('')).toBe(text);
  expect(pieces.length).toBeGreaterThan(30);
  // A piece decodes 8 KB, and the bytes of a character the piece before cut (three at most).
  for (const piece of pieces) expect(Buffer.byteLength(piece)).toBeLessThanOrEqual(8 * 1024 + 3);
});
