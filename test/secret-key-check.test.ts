// A process whose secret key differs from the one the database's secrets were sealed with refuses to start.
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';
import { createService } from '../src/service.ts';
import { makeServiceHome } from './support/home.ts';
import { testEnv } from './support/service.ts';

// One home for every start: the same data directory, or on PostgreSQL the same database.
const home = await makeServiceHome();
afterAll(() => home.remove());

const start = (secretKey: string) =>
  createService(loadConfig({ ...testEnv(home.dataDir, 0), ...home.env, SHEETHOOK_SECRET_KEY: secretKey }), pino({ level: 'silent' }));

describe('the secret key', () => {
  it('must be the same in every process of one database', async () => {
    const key = randomBytes(32).toString('base64');
    const first = await start(key);
    await first.stop();
    const wrong = start(randomBytes(32).toString('base64'));
    await expect(wrong).rejects.toBeInstanceOf(ConfigError);
    await expect(wrong).rejects.toThrow(/SHEETHOOK_SECRET_KEY/);
    // The right key still opens it.
    const again = await start(key);
    await again.stop();
  });
});
