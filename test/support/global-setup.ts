// With SHEETHOOK_TEST_DATABASE_URL set: checks the server answers before any test starts, gives the run an id that
// names its databases, and drops any a failed or interrupted test left behind once the run ends. Either way, makes
// the embedded database's template cluster that each test's new data directory is copied from.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { TestProject } from 'vitest/node';
import { databasesOfRun, dropDatabases, onServer, TEST_DATABASE_URL } from './postgres-admin.ts';

declare module 'vitest' {
  export interface ProvidedContext { databaseRun: string }
}

export default async function setup(project: TestProject) {
  const run = randomBytes(4).toString('hex');
  project.provide('databaseRun', run);
  // In a process of its own, as the build makes it: this one lives through the run.
  execFileSync(process.execPath, ['--import', 'tsx', 'src/store/make-embedded-template.ts'], { stdio: 'inherit' });
  if (!TEST_DATABASE_URL) return;
  try {
    await onServer((client) => client.query('SELECT 1'));
  } catch (err) {
    throw new Error(`SHEETHOOK_TEST_DATABASE_URL: the server does not answer (${(err as Error).message})`);
  }
  return async () => {
    await dropDatabases(await databasesOfRun(run));
  };
}
