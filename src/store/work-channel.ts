// Wakes workers in other processes when new work is queued: PostgreSQL NOTIFY from the API, LISTEN in workers.
import pg from 'pg';
import { sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Db } from './db.ts';

export const WORK_CHANNEL = 'sheethook_work';
/** Marks the listening connection in pg_stat_activity. */
export const LISTENER_APPLICATION_NAME = 'sheethook-work-listener';

export type WorkKind = 'ingest' | 'delivery';
const KINDS: readonly WorkKind[] = ['ingest', 'delivery'];

/**
 * Tells every listening worker that work of this kind is waiting. Called after the work is committed: outside a
 * transaction NOTIFY is delivered at once, so a worker that wakes finds the rows.
 */
export async function announceWork(db: Db, kind: WorkKind): Promise<void> {
  await db.execute(sql`SELECT pg_notify(${WORK_CHANNEL}, ${kind})`);
}

export interface WorkListener {
  stop(): Promise<void>;
}

/**
 * Listens on a connection of its own, outside the pool: a pooled connection would be handed to other queries.
 * When the connection is lost it reconnects, and wakes both kinds of work on each new connection since
 * announcements made meanwhile were lost; the workers' polling covers the gap.
 */
export async function listenForWork(
  connectionString: string, log: Logger, onWork: (kind: WorkKind) => void, reconnectMs = 1000,
): Promise<WorkListener> {
  let client: pg.Client | undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  async function connect(): Promise<void> {
    const next = new pg.Client({ connectionString, application_name: LISTENER_APPLICATION_NAME, keepAlive: true });
    next.on('error', (err) => log.warn({ err }, 'the work listener lost its connection; polling until it is back'));
    next.on('end', () => {
      if (client !== next) return;
      client = undefined;
      if (!stopped) timer = setTimeout(reconnect, reconnectMs);
    });
    next.on('notification', (message) => {
      const kind = KINDS.find((k) => k === message.payload);
      if (kind) onWork(kind);
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${WORK_CHANNEL}`);
    } catch (err) {
      await next.end().catch(() => {});
      throw err;
    }
    if (stopped) {
      await next.end();
      return;
    }
    client = next;
  }

  function reconnect(): void {
    connect().then(() => {
      if (stopped) return;
      log.info('the work listener is connected again');
      for (const kind of KINDS) onWork(kind);
    }, (err) => {
      log.warn({ err }, 'the work listener could not reconnect; trying again');
      if (!stopped) timer = setTimeout(reconnect, reconnectMs);
    });
  }

  await connect();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      const last = client;
      client = undefined;
      await last?.end().catch(() => {});
    },
  };
}
