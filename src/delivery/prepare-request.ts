// Turns a page's body and its destination, secrets still sealed, into the request of one attempt: auth header and signature.
import type { SecretBox } from '../secret-box.ts';
import { buildHeaders } from './payload.ts';
import { signatureHeader } from './signer.ts';
import type { WebhookRequest } from './webhook-client.ts';

/** A destination as one attempt needs it. Secrets are sealed; the previous signing secret only while its grace lasts. */
export interface SendTarget {
  webhookId: string;
  callbackUrl: string;
  timeoutMs: number;
  authHeaderName: string | null;
  authHeaderValue: string | null;
  signingSecret: string | null;
  previousSigningSecret: string | null;
}

/** The request, or why it cannot be built (a secret that does not open): then nothing is sent. */
export type PreparedRequest = { request: WebhookRequest } | { notSent: string };

/**
 * `now` is the attempt's time: webhook-timestamp and the signature are made for each attempt anew. `body` may be the
 * bytes already: they are signed and sent without being encoded again.
 */
export function prepareRequest(target: SendTarget, body: string | Buffer, secrets: SecretBox, now: Date): PreparedRequest {
  let authValue: string | null = null;
  try {
    authValue = target.authHeaderValue ? secrets.open(target.authHeaderValue) : null;
  } catch {
    return { notSent: 'the auth header value cannot be decrypted: was the secret key changed?' };
  }
  const sealed = [target.signingSecret, target.previousSigningSecret].filter((s): s is string => Boolean(s));
  let signingSecrets: string[];
  try {
    signingSecrets = sealed.map((s) => secrets.open(s));
  } catch {
    return { notSent: 'the signing secret cannot be decrypted: was the secret key changed?' };
  }
  const signature = signingSecrets.length > 0 ? signatureHeader(signingSecrets, target.webhookId, now, body) : undefined;
  return {
    request: {
      url: target.callbackUrl,
      body,
      timeoutMs: target.timeoutMs,
      headers: buildHeaders(target, authValue, now, signature),
    },
  };
}
