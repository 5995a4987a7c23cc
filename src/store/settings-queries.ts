// Installation-wide settings that every process sharing the database must agree on.
import { sql } from 'drizzle-orm';
import { rows, type Db } from './db.ts';

/**
 * Stores `value` under `name` unless a value is there already; the value every process must use. The first
 * process to start decides, the others are checked against it.
 */
export async function settleSetting(db: Db, name: string, value: string): Promise<string> {
  const [row] = await rows<{ value: string }>(db, sql`
    WITH added AS (
      INSERT INTO service_settings (name, value) VALUES (${name}, ${value}) ON CONFLICT (name) DO NOTHING RETURNING value
    )
    SELECT value FROM added UNION ALL SELECT value FROM service_settings WHERE name = ${name}`);
  return row.value;
}
