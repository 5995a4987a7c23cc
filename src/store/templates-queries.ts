// Templates and their webhook destinations, always looked up within one project.
import { and, asc, eq, getTableColumns, sql } from 'drizzle-orm';
import type { Column } from '../domain/column.ts';
import { rows, type Db } from './db.ts';
import { firstFreeSlot, slotGap } from './delivery-queue.ts';
import { destinations, templates } from './schema.ts';

export type TemplateRow = typeof templates.$inferSelect;
export type DestinationRow = typeof destinations.$inferSelect;
/** The settings a PUT sets; signing secrets change only when one is first made or rotated. */
export type DestinationInput = Omit<typeof destinations.$inferInsert,
  'templateId' | 'createdAt' | 'updatedAt' | 'signingSecret' | 'previousSigningSecret' | 'previousSecretExpiresAt' | 'nextSlotAt'
  | 'pausedAt'>;

export async function insertTemplate(db: Db, projectId: string, t: { code: string; name: string; columns: Column[] }) {
  const rows = await db.insert(templates).values({ projectId, ...t }).onConflictDoNothing().returning();
  return rows[0] as TemplateRow | undefined;
}

export function listTemplates(db: Db, projectId: string): Promise<TemplateRow[]> {
  return db.select().from(templates).where(eq(templates.projectId, projectId)).orderBy(asc(templates.createdAt));
}

export async function findTemplate(db: Db, projectId: string, code: string): Promise<TemplateRow | undefined> {
  const [row] = await db.select().from(templates).where(and(eq(templates.projectId, projectId), eq(templates.code, code)));
  return row;
}

export async function findTemplateById(db: Db, projectId: string, id: string): Promise<TemplateRow | undefined> {
  const [row] = await db.select().from(templates).where(and(eq(templates.projectId, projectId), eq(templates.id, id)));
  return row;
}

export async function updateTemplate(db: Db, projectId: string, code: string, patch: { name?: string; columns?: Column[] }) {
  const [row] = await db.update(templates).set({ ...patch, updatedAt: sql`now()` })
    .where(and(eq(templates.projectId, projectId), eq(templates.code, code))).returning();
  return row as TemplateRow | undefined;
}

export async function deleteTemplate(db: Db, projectId: string, code: string): Promise<boolean> {
  const rows = await db.delete(templates).where(and(eq(templates.projectId, projectId), eq(templates.code, code)))
    .returning({ id: templates.id });
  return rows.length > 0;
}

export async function findDestination(db: Db, templateId: string): Promise<DestinationRow | undefined> {
  const [row] = await db.select().from(destinations).where(eq(destinations.templateId, templateId));
  return row;
}

/**
 * Creates or changes a destination. `sealedSecret` becomes its signing secret when it has none (it is being created, or
 * was saved before signing existed); `secretMade` says whether it did, so the caller shows the secret that once.
 */
export async function upsertDestination(
  db: Db, templateId: string, input: DestinationInput, sealedSecret: string,
): Promise<{ row: DestinationRow; secretMade: boolean }> {
  const [row] = await db.insert(destinations).values({ templateId, ...input, signingSecret: sealedSecret })
    .onConflictDoUpdate({
      target: destinations.templateId,
      set: { ...input, signingSecret: sql`coalesce(${destinations.signingSecret}, excluded.signing_secret)`, updatedAt: sql`now()` },
    })
    .returning();
  return { row, secretMade: row.signingSecret === sealedSecret };
}

/**
 * Makes `sealedSecret` the signing secret; the one it replaces keeps signing for `graceSeconds` (none when 0). Only one
 * previous secret is kept: rotating again during a grace period ends the older secret's grace at once.
 */
export async function rotateSigningSecret(
  db: Db, templateId: string, sealedSecret: string, graceSeconds: number,
): Promise<{ previousSecretExpiresAt: Date | null } | undefined> {
  const keepOld = sql`${graceSeconds} > 0 AND ${destinations.signingSecret} IS NOT NULL`;
  const [row] = await db.update(destinations).set({
    previousSigningSecret: sql`CASE WHEN ${keepOld} THEN ${destinations.signingSecret} END`,
    previousSecretExpiresAt: sql`CASE WHEN ${keepOld} THEN now() + ${graceSeconds} * interval '1 second' END`,
    signingSecret: sealedSecret,
    updatedAt: sql`now()`,
  }).where(eq(destinations.templateId, templateId)).returning({ previousSecretExpiresAt: destinations.previousSecretExpiresAt });
  return row;
}

/** The destination with its previous signing secret only while its grace lasts, judged by the database clock as deliveries are. */
export async function findDestinationForSending(db: Db, templateId: string): Promise<DestinationRow | undefined> {
  const [row] = await db.select({
    ...getTableColumns(destinations),
    previousSigningSecret: sql<string | null>`CASE WHEN ${destinations.previousSecretExpiresAt} > now() THEN ${destinations.previousSigningSecret} END`,
  }).from(destinations).where(eq(destinations.templateId, templateId));
  return row;
}

/**
 * Reserves the next send slot of a rate-limited destination for one request outside the delivery queue (a test
 * send): milliseconds until it, or null when the destination has no rate limit. See delivery/send-slots.ts.
 */
export async function reserveSendSlot(db: Db, templateId: string): Promise<number | null> {
  const gap = sql.raw(slotGap('max_requests_per_second'));
  const [row] = await rows<{ slotInMs: number }>(db, sql`
    UPDATE ${destinations} SET next_slot_at = ${sql.raw(firstFreeSlot('next_slot_at'))} + ${gap}
    WHERE ${destinations.templateId} = ${templateId} AND ${destinations.maxRequestsPerSecond} IS NOT NULL
    RETURNING (extract(epoch FROM ${destinations.nextSlotAt} - ${gap} - clock_timestamp()) * 1000)::float8 AS "slotInMs"`);
  return row ? row.slotInMs : null;
}

/**
 * Pauses deliveries to a destination (keeping when it was first paused, should it be paused again) or resumes them;
 * undefined when the template has no destination. The delivery queue leaves a paused destination's pages pending.
 */
export async function setDestinationPaused(db: Db, templateId: string, paused: boolean): Promise<DestinationRow | undefined> {
  const [row] = await db.update(destinations)
    .set({ pausedAt: paused ? sql`coalesce(${destinations.pausedAt}, now())` : null, updatedAt: sql`now()` })
    .where(eq(destinations.templateId, templateId)).returning();
  return row;
}

export async function deleteDestination(db: Db, templateId: string): Promise<boolean> {
  const rows = await db.delete(destinations).where(eq(destinations.templateId, templateId)).returning({ id: destinations.templateId });
  return rows.length > 0;
}
