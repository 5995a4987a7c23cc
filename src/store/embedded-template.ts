// A newly initialized embedded cluster, made once and copied into each new data directory. PGlite's own first start
// runs initdb in a second database instance beside the one it opens, and the process keeps the memory of both: made
// ahead (by the build, or a test run's setup) in a process of its own, a first start costs what a restart does.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';

/** Beside src/ and dist/, so that the service run from either finds the same template. */
const TEMPLATES = fileURLToPath(new URL('../../embedded-template/', import.meta.url));

/** A template serves the PGlite release that made it only: another release may lay out its files differently. */
function pgliteVersion(): string {
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  let dir = dirname(entry);
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
}

export function templateDir(): string {
  return join(TEMPLATES, `pglite-${pgliteVersion()}`);
}

const initialized = (dir: string) => existsSync(join(dir, 'PG_VERSION'));

/** Makes the template unless it is there; two processes making it at once both end with one whole template. */
export async function makeTemplate(): Promise<string> {
  const dir = templateDir();
  if (initialized(dir)) return dir;
  mkdirSync(TEMPLATES, { recursive: true });
  const making = mkdtempSync(join(TEMPLATES, '.making-'));
  try {
    const db = await PGlite.create(making);
    await db.close();
    renameSync(making, dir);
  } catch (err) {
    if (!initialized(dir)) throw err;
  } finally {
    rmSync(making, { recursive: true, force: true });
  }
  return dir;
}

/**
 * Gives `pgdata` an initialized cluster copied from the template, when it has none yet and the template is there.
 * The copy is made beside it and renamed into place, so a crash leaves no half cluster. Says whether it copied.
 */
export function copyTemplateInto(pgdata: string): boolean {
  if (initialized(pgdata)) return false;
  const template = templateDir();
  if (!initialized(template)) return false;
  const copying = `${pgdata}.copying`;
  rmSync(copying, { recursive: true, force: true });
  cpSync(template, copying, { recursive: true });
  rmSync(pgdata, { recursive: true, force: true });
  renameSync(copying, pgdata);
  return true;
}
