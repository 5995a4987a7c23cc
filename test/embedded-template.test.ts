// A new embedded data directory starts from a copy of the template cluster, made whole before it is put in place.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { openStore } from '../src/store/db.ts';
import { copyTemplateInto, templateDir } from '../src/store/embedded-template.ts';
import { migrate } from '../src/store/migrate.ts';
import { makeServiceHome, type ServiceHome } from './support/home.ts';

let home: ServiceHome | undefined;
afterEach(async () => { await home?.remove(); home = undefined; });

it('copies the template into a new data directory once, and the database opens on it', async () => {
  home = await makeServiceHome('sheethook-template-');
  const pgdata = join(home.dataDir, 'pgdata');
  expect(existsSync(join(templateDir(), 'PG_VERSION'))).toBe(true);
  expect(copyTemplateInto(pgdata)).toBe(true);
  expect(existsSync(join(pgdata, 'PG_VERSION'))).toBe(true);
  expect(copyTemplateInto(pgdata)).toBe(false);
  const store = await openStore({ dataDir: home.dataDir });
  try {
    expect(await migrate(store)).not.toHaveLength(0);
    expect(await migrate(store)).toHaveLength(0);
  } finally {
    await store.close();
  }
});

it('replaces what a copy cut short left behind', async () => {
  home = await makeServiceHome('sheethook-template-');
  const pgdata = join(home.dataDir, 'pgdata');
  mkdirSync(`${pgdata}.copying`, { recursive: true });
  writeFileSync(join(`${pgdata}.copying`, 'half'), '');
  mkdirSync(pgdata, { recursive: true });
  writeFileSync(join(pgdata, 'half'), '');
  expect(copyTemplateInto(pgdata)).toBe(true);
  expect(existsSync(join(pgdata, 'half'))).toBe(false);
  expect(existsSync(`${pgdata}.copying`)).toBe(false);
  const store = await openStore({ dataDir: home.dataDir });
  await store.close();
});
