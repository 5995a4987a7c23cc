import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // On PostgreSQL (SHEETHOOK_TEST_DATABASE_URL): names the run's databases and drops what a failed test left.
    // The web build the browser tests serve: made when its sources changed, copied aside for this run.
    globalSetup: ['test/support/global-setup.ts', 'test/support/web-build.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two cores: more workers than that only make the embedded databases fight for CPU.
    maxWorkers: 2,
  },
});
