// Builds the webhook request for one chunk: exactly the documented body fields, and the delivery headers.
import type { ClaimedChunk } from '../store/chunks-queries.ts';

export const USER_AGENT = 'sheethook/0.1';

/** `data` arrives as JSON text straight from the store, so records are never parsed and re-serialized here. */
export function buildBody(chunk: ClaimedChunk, dataJson: string): string {
  return `{"template":${JSON.stringify(chunk.templateCode)},"uploadId":${JSON.stringify(chunk.uploadId)},` +
    `"data":${dataJson},"totalRecords":${chunk.totalRecords},"totalPages":${chunk.totalPages},` +
    `"page":${chunk.page},"pageSize":${chunk.recordCount},"extra":${chunk.extraJson}}`;
}

export function buildHeaders(
  chunk: Pick<ClaimedChunk, 'webhookId' | 'authHeaderName'>, authHeaderValue: string | null, now: Date,
): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': USER_AGENT,
    'webhook-id': chunk.webhookId,
    'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
  };
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
