// Builds the webhook request for one chunk: exactly the documented body fields, and the delivery headers.
import { randomUUID } from 'node:crypto';
import type { ClaimedChunk } from '../store/delivery-queue.ts';

export const USER_AGENT = 'sheethook/0.1';

export type PageOfUpload = Pick<ClaimedChunk, 'templateCode' | 'uploadId' | 'totalRecords' | 'totalPages' | 'page' | 'recordCount' | 'extraJson'>;

/**
 * `data` arrives as JSON straight from the store: on the delivery path as each record's UTF-8 bytes, cut out of the
 * blocks the store sent, which go into the body's one buffer as they are; records are never parsed and re-serialized
 * here. `allocate` gives that buffer, of the length asked.
 */
export function buildBody(chunk: PageOfUpload, records: readonly Uint8Array[], allocate?: (length: number) => Buffer): Buffer;
export function buildBody(chunk: PageOfUpload, dataJson: string): string;
export function buildBody(
  chunk: PageOfUpload, data: string | readonly Uint8Array[], allocate: (length: number) => Buffer = Buffer.allocUnsafeSlow,
): string | Buffer {
  const head = `{"template":${JSON.stringify(chunk.templateCode)},"uploadId":${JSON.stringify(chunk.uploadId)},"data":`;
  const tail = `,"totalRecords":${chunk.totalRecords},"totalPages":${chunk.totalPages},` +
    `"page":${chunk.page},"pageSize":${chunk.recordCount},"extra":${chunk.extraJson}}`;
  if (typeof data === 'string') return head + data + tail;
  // The records, a comma between each two, and the brackets.
  let length = Buffer.byteLength(head) + Buffer.byteLength(tail) + Math.max(2, data.length + 1);
  for (const record of data) length += record.length;
  const body = allocate(length);
  let at = body.write(head, 0);
  body[at++] = 0x5b; // [
  for (let i = 0; i < data.length; i++) {
    if (i > 0) body[at++] = 0x2c; // ,
    body.set(data[i], at);
    at += data[i].length;
  }
  body[at++] = 0x5d; // ]
  at += body.write(tail, at);
  if (at !== length) throw new Error(`a body of ${at} bytes, ${length} counted`);
  return body;
}

/** `signature` is the webhook-signature value, made for the same `now` as webhook-timestamp. */
export function buildHeaders(
  chunk: Pick<ClaimedChunk, 'webhookId' | 'authHeaderName'>, authHeaderValue: string | null, now: Date, signature?: string,
): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': USER_AGENT,
    'webhook-id': chunk.webhookId,
    'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
  };
  if (signature) headers['webhook-signature'] = signature;
  if (chunk.authHeaderName && authHeaderValue) headers[chunk.authHeaderName.toLowerCase()] = authHeaderValue;
  return headers;
}

/** `extra` as given at import start: JSON objects and arrays go as JSON, anything else as the string it was. */
export function extraToJson(extra: string | undefined): string {
  if (extra === undefined) return 'null';
  const trimmed = extra.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return JSON.stringify(JSON.parse(trimmed));
    } catch {
      // not JSON after all: it goes as a string
    }
  }
  return JSON.stringify(extra);
}

/** A Standard Webhooks message id shaped like those the chunk plan gives each page. */
export function newWebhookId(): string {
  return `msg_${randomUUID().replaceAll('-', '')}`;
}
