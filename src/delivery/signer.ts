// Standard Webhooks signing: destination secrets, and the webhook-signature header of each attempt.
import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

/** Secret bytes: the spec asks for 24 to 64; 32 is what HMAC-SHA256 uses in full. */
const SECRET_BYTES = 32;

export function generateSigningSecret(): string {
  return `whsec_${randomBytes(SECRET_BYTES).toString('base64')}`;
}

/**
 * `v1,<signature>` for each secret, space-separated, over `${webhookId}.${timestamp}.${body}`: during a rotation's grace
 * period a receiver still holding the previous secret finds its signature in the list.
 */
export function signatureHeader(secrets: readonly string[], webhookId: string, timestamp: Date, body: string): string {
  return secrets.map((secret) => new Webhook(secret).sign(webhookId, timestamp, body)).join(' ');
}
