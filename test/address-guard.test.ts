// The address check sits where the connection is made: a name that resolves inside is refused before a byte is sent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAddressGuard } from '../src/delivery/address-guard.ts';
import { createWebhookClient } from '../src/delivery/webhook-client.ts';
import { parseAllowlist } from '../src/config.ts';
import { startReceiver, type Receiver } from './support/receiver.ts';

let receiver: Receiver;
beforeAll(async () => { receiver = await startReceiver(); });
afterAll(async () => { await receiver?.close(); });

describe('address guard', () => {
  it('allows public unicast only, judging IPv4-mapped IPv6 as the IPv4 address it is', () => {
    const guard = createAddressGuard([]);
    for (const ip of ['93.184.215.14', '8.8.8.8', '2606:4700::1111']) expect(guard.isAllowed(ip), ip).toBe(true);
    const inside = [
      '127.0.0.1', '10.0.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '224.0.0.1',
      '255.255.255.255', '::1', '::', 'fe80::1', 'fd00:ec2::254', '::ffff:127.0.0.1', '::ffff:10.0.0.1', 'ff02::1', 'not-an-ip',
      '::10.0.0.1', '64:ff9b::a00:1', '2002:a00:1::1', '2001:0:a00:1::1',
    ];
    for (const ip of inside) expect(guard.isAllowed(ip), ip).toBe(false);
  });

  it('lets an operator allowlist a range', () => {
    const guard = createAddressGuard(parseAllowlist('10.0.0.0/8, ::1'));
    expect(guard.isAllowed('10.2.3.4')).toBe(true);
    expect(guard.isAllowed('::ffff:10.2.3.4')).toBe(true);
    expect(guard.isAllowed('::1')).toBe(true);
    expect(guard.isAllowed('192.168.0.1')).toBe(false);
  });

  it('refuses to connect to a loopback receiver by IP or by a name that resolves to it', async () => {
    const client = createWebhookClient(createAddressGuard([]));
    const port = new URL(receiver.url).port;
    for (const host of ['127.0.0.1', 'localhost', '[::ffff:127.0.0.1]']) {
      const result = await client.send({ url: `http://${host}:${port}/hook`, headers: {}, body: '{}', timeoutMs: 2000 });
      expect(result.outcome, host).toBe('address_blocked');
    }
    expect(receiver.received).toHaveLength(0);
    await client.close();

    const allowed = createWebhookClient(createAddressGuard(parseAllowlist('127.0.0.0/8,::1/128')));
    const ok = await allowed.send({ url: `http://localhost:${port}/hook`, headers: {}, body: '{}', timeoutMs: 2000 });
    expect(ok.outcome).toBe('delivered');
    expect(receiver.received).toHaveLength(1);
    await allowed.close();
  });
});
