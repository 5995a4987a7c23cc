// SHEETHOOK_ROLE and SHEETHOOK_LEASE_MARGIN_MS: what a process runs and how long its leases outlast a request.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';

const SERVER = { DATABASE_URL: 'postgres://sheethook@db.internal:5432/sheethook' };

describe('SHEETHOOK_ROLE', () => {
  it('runs everything in one process unless set', () => {
    expect(loadConfig({}).role).toBe('all');
    expect(loadConfig({ SHEETHOOK_ROLE: '' }).role).toBe('all');
    expect(loadConfig({ SHEETHOOK_ROLE: 'all' }).role).toBe('all');
  });

  it('takes api or worker with a PostgreSQL server', () => {
    expect(loadConfig({ ...SERVER, SHEETHOOK_ROLE: 'api' }).role).toBe('api');
    expect(loadConfig({ ...SERVER, SHEETHOOK_ROLE: 'worker' }).role).toBe('worker');
  });

  it('refuses api and worker on the embedded store, which is one process', () => {
    for (const role of ['api', 'worker']) {
      expect(() => loadConfig({ SHEETHOOK_ROLE: role })).toThrow(ConfigError);
      expect(() => loadConfig({ SHEETHOOK_ROLE: role })).toThrow(`SHEETHOOK_ROLE=${role} needs DATABASE_URL`);
    }
  });

  it('refuses a role it does not know, naming the ones it does', () => {
    expect(() => loadConfig({ ...SERVER, SHEETHOOK_ROLE: 'workers' })).toThrow('SHEETHOOK_ROLE must be api, worker, all or unset (all), got "workers"');
    expect(() => loadConfig({ ...SERVER, SHEETHOOK_ROLE: 'API' })).toThrow(ConfigError);
  });
});

describe('SHEETHOOK_LEASE_MARGIN_MS', () => {
  it('is 30 seconds unless set', () => {
    expect(loadConfig({}).leaseMarginMs).toBe(30_000);
    expect(loadConfig({ SHEETHOOK_LEASE_MARGIN_MS: '1000' }).leaseMarginMs).toBe(1000);
  });

  it('refuses less than a second', () => {
    expect(() => loadConfig({ SHEETHOOK_LEASE_MARGIN_MS: '999' })).toThrow('SHEETHOOK_LEASE_MARGIN_MS must be a whole number from 1000 to 3600000, got "999"');
  });
});
