// Applies the generated SQL migrations in order, each in a transaction that records itself,
// under an advisory lock so that several processes starting at once apply each one exactly once.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { Store } from './db.ts';

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));
/** Held by whichever process is migrating; the others wait for it, then find the migration recorded. */
export const MIGRATION_LOCK_KEY = 727_413_001;

interface JournalEntry { idx: number; tag: string }

export function listMigrations(): { name: string; script: string }[] {
  const journal = JSON.parse(readFileSync(join(MIGRATIONS_DIR, 'meta/_journal.json'), 'utf8')) as { entries: JournalEntry[] };
  return journal.entries
    .sort((a, b) => a.idx - b.idx)
    .map((e) => ({ name: e.tag, script: readFileSync(join(MIGRATIONS_DIR, `${e.tag}.sql`), 'utf8') }));
}

export async function migrate(store: Store): Promise<string[]> {
  const applied: string[] = [];
  for (const migration of listMigrations()) {
    const didApply = await store.rawTransaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
      await tx.exec(`CREATE TABLE IF NOT EXISTS sheethook_migrations (
        name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
      const inserted = await tx.query<{ name: string }>(
        'INSERT INTO sheethook_migrations (name) VALUES ($1) ON CONFLICT DO NOTHING RETURNING name', [migration.name]);
      if (inserted.length === 0) return false;
      await tx.exec(migration.script);
      return true;
    });
    if (didApply) applied.push(migration.name);
  }
  return applied;
}
