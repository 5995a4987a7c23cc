// The webhook requests a receiver got, kept to be sent again as they were: their headers and bodies, in a file that a
// bare client in its own process reads back.

import { readFile, writeFile } from 'node:fs/promises';

export interface CapturedRequest {
  headers: Record<string, string>;
  body: Buffer;
}

/** Each request as a length-prefixed JSON of its headers, then its length-prefixed body. */
export async function writeCaptured(path: string, requests: CapturedRequest[]): Promise<void> {
  const parts: Buffer[] = [];
  for (const r of requests) {
    const headers = Buffer.from(JSON.stringify(r.headers));
    const lengths = Buffer.alloc(8);
    lengths.writeUInt32LE(headers.length, 0);
    lengths.writeUInt32LE(r.body.length, 4);
    parts.push(lengths, headers, r.body);
  }
  await writeFile(path, Buffer.concat(parts));
}

export async function readCaptured(path: string): Promise<CapturedRequest[]> {
  const data = await readFile(path);
  const requests: CapturedRequest[] = [];
  for (let at = 0; at < data.length;) {
    const headersLength = data.readUInt32LE(at);
    const bodyLength = data.readUInt32LE(at + 4);
    at += 8;
    const headers = JSON.parse(data.subarray(at, at + headersLength).toString('utf8')) as Record<string, string>;
    at += headersLength;
    requests.push({ headers, body: data.subarray(at, at + bodyLength) });
    at += bodyLength;
  }
  return requests;
}
