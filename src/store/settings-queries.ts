// Installation-wide settings that every process sharing the database must agree on.
import { sql } from 'drizzle-orm';
import { rows, type Db } from './db.ts';

/**
 * Stores `value` under `name` unless a value is there already; the value every process must use. The first
 * process to start decides, the others are checked against it.
 */
export async function settleSetting(db: Db, name: string, value: string): Promise<string> {
  await db.execute(sql`INSERT INTO service_settings (name, value) VALUES (${name}, ${value}) ON CONFLICT (name) DO NOTHING`);
  // A statement of its own: it sees the row another process committed while this one waited to insert.
  const [row] = await rows<{ value: string }>(db, sql`SELECT value FROM service_settings WHERE name = ${name}`);
  return row.value;
}
