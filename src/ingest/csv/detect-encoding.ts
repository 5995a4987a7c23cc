// Which text encoding a CSV sample is in, named so iconv-lite can decode it.

import chardet from 'chardet';
import iconv from 'iconv-lite';

function bomEncoding(sample: Uint8Array): string | null {
  if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) return 'utf-8';
  if (sample[0] === 0xff && sample[1] === 0xfe) return 'utf-16le';
  if (sample[0] === 0xfe && sample[1] === 0xff) return 'utf-16be';
  return null;
}

/**
 * UTF-16 written without a BOM still shows itself: text in Latin script has a zero in
 * nearly every other byte, on the high side of each code unit.
 */
function bomlessUtf16(sample: Uint8Array): string | null {
  const pairs = sample.length >> 1;
  if (pairs < 2) return null;
  let zerosEven = 0;
  let zerosOdd = 0;
  for (let i = 0; i + 1 < sample.length; i += 2) {
    if (sample[i] === 0) zerosEven++;
    if (sample[i + 1] === 0) zerosOdd++;
  }
  if (zerosOdd > pairs * 0.3 && zerosEven < pairs * 0.01) return 'utf-16le';
  if (zerosEven > pairs * 0.3 && zerosOdd < pairs * 0.01) return 'utf-16be';
  return null;
}

/** `truncated` says the sample stops inside the file, so a multi-byte character may be cut at its end. */
function isUtf8(sample: Uint8Array, truncated: boolean): boolean {
  try {
    // Streaming mode holds back a character cut at the end instead of rejecting it.
    new TextDecoder('utf-8', { fatal: true }).decode(sample, { stream: truncated });
    return true;
  } catch {
    return false;
  }
}

/**
 * The sample already failed as UTF-8, so a UTF-8 or ASCII guess is wrong; Windows Latin-1 is then
 * the likeliest. "ISO-8859-1" files written on Windows are really windows-1252, which decodes
 * true Latin-1 text the same, and likewise for the Turkish pair.
 */
function iconvName(detected: string | null): string {
  if (detected === null || detected === 'UTF-8' || detected === 'ASCII' || detected === 'ISO-8859-1') return 'windows-1252';
  if (detected === 'ISO-8859-9') return 'windows-1254';
  return iconv.encodingExists(detected) ? detected.toLowerCase() : 'windows-1252';
}

/** Null when the sample has NUL bytes and is not UTF-16: binary data, not text. */
export function detectEncoding(sample: Uint8Array, truncated: boolean): string | null {
  const fromBom = bomEncoding(sample) ?? bomlessUtf16(sample);
  if (fromBom) return fromBom;
  if (sample.includes(0)) return null;
  if (isUtf8(sample, truncated)) return 'utf-8';
  return iconvName(chardet.detect(sample));
}
