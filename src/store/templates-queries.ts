// Templates and their webhook destinations, always looked up within one project.
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Column } from '../ingest/types.ts';
import type { Db } from './db.ts';
import { destinations, templates } from './schema.ts';

export type TemplateRow = typeof templates.$inferSelect;
export type DestinationRow = typeof destinations.$inferSelect;
export type DestinationInput = Omit<typeof destinations.$inferInsert, 'templateId' | 'createdAt' | 'updatedAt'>;

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

export async function upsertDestination(db: Db, templateId: string, input: DestinationInput): Promise<DestinationRow> {
  const [row] = await db.insert(destinations).values({ templateId, ...input })
    .onConflictDoUpdate({ target: destinations.templateId, set: { ...input, updatedAt: sql`now()` } })
    .returning();
  return row;
}

export async function deleteDestination(db: Db, templateId: string): Promise<boolean> {
  const rows = await db.delete(destinations).where(eq(destinations.templateId, templateId)).returning({ id: destinations.templateId });
  return rows.length > 0;
}
