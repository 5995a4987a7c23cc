// The signature each attempt carries is the one the standardwebhooks package makes and verifies.
import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { generateSigningSecret, signatureHeader } from '../src/delivery/signer.ts';

it('signs as standardwebhooks does, for text and bytes, with every secret of a rotation', () => {
  const at = new Date('2026-05-01T12:34:56.789Z');
  for (const body of ['{}', JSON.stringify({ data: [{ name: 'Zoë ✓', n: 1 }] }), randomBytes(3000).toString('base64')]) {
    const [a, b] = [generateSigningSecret(), generateSigningSecret()];
    const expected = `${new Webhook(a).sign('msg_1', at, body)} ${new Webhook(b).sign('msg_1', at, body)}`;
    expect(signatureHeader([a, b], 'msg_1', at, body)).toBe(expected);
    expect(signatureHeader([a, b], 'msg_1', at, Buffer.from(body))).toBe(expected);
  }
});
