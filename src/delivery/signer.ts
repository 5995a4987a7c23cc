// Standard Webhooks signing: destination secrets, and the webhook-signature header of each attempt.
import { createHmac, randomBytes } from 'node:crypto';

/** Secret bytes: the spec asks for 24 to 64; 32 is what HMAC-SHA256 uses in full. */
const SECRET_BYTES = 32;
const PREFIX = 'whsec_';

export function generateSigningSecret(): string {
  return `${PREFIX}${randomBytes(SECRET_BYTES).toString('base64')}`;
}

/** Decoded keys of the secrets in use: a few destinations' worth. */
const keys = new Map<string, Buffer>();
const MAX_KEYS = 1000;

function keyOf(secret: string): Buffer {
  let key = keys.get(secret);
  if (!key) {
    key = Buffer.from(secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret, 'base64');
    if (keys.size >= MAX_KEYS) keys.clear();
    keys.set(secret, key);
  }
  return key;
}

/**
 * `v1,<signature>` for each secret, space-separated, over `${webhookId}.${timestamp}.${body}`: during a rotation's grace
 * period a receiver still holding the previous secret finds its signature in the list. The HMAC is Node's (OpenSSL):
 * the same signature the standardwebhooks library makes, without hashing each body in JavaScript.
 */
export function signatureHeader(secrets: readonly string[], webhookId: string, timestamp: Date, body: string | Buffer): string {
  const prefix = `${webhookId}.${Math.floor(timestamp.getTime() / 1000)}.`;
  return secrets.map((secret) => `v1,${createHmac('sha256', keyOf(secret)).update(prefix).update(body).digest('base64')}`).join(' ');
}
