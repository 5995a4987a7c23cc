// The database schema: one definition for the embedded store and PostgreSQL; migrations are generated from it.
import { sql } from 'drizzle-orm';
import {
  bigint, bigserial, boolean, customType, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid,
} from 'drizzle-orm/pg-core';
import type { RetryBackoff } from '../domain/retry-backoff.ts';
import type { Column } from '../domain/column.ts';

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow();

export const projects = pgTable('projects', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  isDefault: boolean('is_default').notNull().default(false),
  createdAt: createdAt(),
}, (t) => [uniqueIndex('projects_one_default').on(t.isDefault).where(sql`${t.isDefault}`)]);

export const apiKeys = pgTable('api_keys', {
  id: uuid('id').primaryKey().defaultRandom(),
  projectId: uuid('project_id').notNull().references(() => projects.id, { onDelete: 'cascade' }),
  /** sha256 of the key: a leaked database does not leak working keys. */
  keyHash: text('key_hash').notNull().unique(),
  /** The key's first characters, to tell keys apart in a list; null for a key chosen through SHEETHOOK_API_KEY or made before prefixes were kept. */
  prefix: text('prefix'),
  name: text('name'),
  /** When a request last used the key, written at most about once a minute per key. */
  lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
  createdAt: createdAt(),
});

/**
 * A console session: a browser signed in with an API key holds only a random token in an HttpOnly cookie, whose hash
 * is kept here. It acts as its key, for the key's project, and goes with the key when the key is revoked.
 */
export const consoleSessions = pgTable('console_sessions', {
  id: uuid('id').primaryKey().defaultRandom(),
  /** sha256 of the cookie's token. */
  tokenHash: text('token_hash').notNull().unique(),
  apiKeyId: uuid('api_key_id').notNull().references(() => apiKeys.id, { onDelete: 'cascade' }),
  projectId: uuid('project_id').notNull().references(() => projects.id, { onDelete: 'cascade' }),
  createdAt: createdAt(),
  /** When a request last used the session, written at most about once a minute: its idle time counts from here. */
  lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
  /** Its end however busy it is. */
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
}, (t) => [index('console_sessions_api_key').on(t.apiKeyId)]);

export const templates = pgTable('templates', {
  id: uuid('id').primaryKey().defaultRandom(),
  projectId: uuid('project_id').notNull().references(() => projects.id, { onDelete: 'cascade' }),
  code: text('code').notNull(),
  name: text('name').notNull(),
  columns: jsonb('columns').$type<Column[]>().notNull(),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
}, (t) => [uniqueIndex('templates_project_code').on(t.projectId, t.code)]);

export const destinations = pgTable('destinations', {
  templateId: uuid('template_id').primaryKey().references(() => templates.id, { onDelete: 'cascade' }),
  callbackUrl: text('callback_url').notNull(),
  chunkSize: integer('chunk_size').notNull(),
  authHeaderName: text('auth_header_name'),
  retryCount: integer('retry_count').notNull(),
  retryIntervalMs: integer('retry_interval_ms').notNull(),
  /** 'fixed': retryInterval between attempts; 'exponential': doubling from it, with jitter. */
  retryBackoff: text('retry_backoff').$type<RetryBackoff>().notNull().default('fixed'),
  timeoutMs: integer('timeout_ms').notNull(),
  /** Pages of one upload that may be in flight at once: 1 sends them strictly one after the other. */
  concurrency: integer('concurrency').notNull().default(1),
  /** Most requests started in any one second, across every upload and process; null: no limit. */
  maxRequestsPerSecond: integer('max_requests_per_second'),
  /** When the next request may start: each claim reserves its send slot here, under the row lock (see send-slots.ts). */
  nextSlotAt: timestamp('next_slot_at', { withTimezone: true }),
  /** Standard Webhooks signing secret (`whsec_...`), encrypted; null only for a destination saved before signing existed. */
  signingSecret: text('signing_secret'),
  /** The secret before the last rotation, encrypted: it signs too until `previousSecretExpiresAt`. */
  previousSigningSecret: text('previous_signing_secret'),
  previousSecretExpiresAt: timestamp('previous_secret_expires_at', { withTimezone: true }),
  /** Set while deliveries to it are paused: its pages stay pending, unclaimed, until it is resumed. */
  pausedAt: timestamp('paused_at', { withTimezone: true }),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/**
 * An import session: what a host backend lets one person's browser do. The browser holds only the token, whose
 * hash is kept here; the secret `authHeaderValue` and the `extra` stay on the server and go into the session's uploads.
 */
export const importSessions = pgTable('import_sessions', {
  id: uuid('id').primaryKey().defaultRandom(),
  projectId: uuid('project_id').notNull().references(() => projects.id, { onDelete: 'cascade' }),
  /** Fixed at creation; null once the template is deleted (the session can then make no upload). */
  templateId: uuid('template_id').references(() => templates.id, { onDelete: 'set null' }),
  /** sha256 of the token. */
  tokenHash: text('token_hash').notNull().unique(),
  /** Encrypted; never returned or logged. */
  authHeaderValue: text('auth_header_value'),
  /** The `extra` as it goes into the webhook body: JSON text. */
  extraJson: text('extra_json').notNull().default('null'),
  /** Who the host says the person is: { id, email?, name? }. */
  user: jsonb('user').$type<{ id: string; email?: string; name?: string }>(),
  /** Origins a page may call the API from with the token; null: any. */
  allowedOrigins: jsonb('allowed_origins').$type<string[]>(),
  /** Most data rows one upload of the session may have; null: the service's limit. */
  maxRecords: integer('max_records'),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  revokedAt: timestamp('revoked_at', { withTimezone: true }),
  createdAt: createdAt(),
});

export const uploads = pgTable('uploads', {
  id: uuid('id').primaryKey(),
  projectId: uuid('project_id').notNull().references(() => projects.id, { onDelete: 'cascade' }),
  /** Kept when the template is deleted, so an upload's history outlives it. */
  templateId: uuid('template_id').references(() => templates.id, { onDelete: 'set null' }),
  templateCode: text('template_code').notNull(),
  /** The template's columns when the import started: a later edit of the template does not change this upload. */
  columns: jsonb('columns').$type<Column[]>().notNull(),
  status: text('status').notNull(),
  fileName: text('file_name'),
  fileFormat: text('file_format').notNull(),
  fileBytes: bigint('file_bytes', { mode: 'number' }).notNull(),
  /** The file's parsing parameters found when it was received (encoding, delimiter, sheet). */
  fileSniff: jsonb('file_sniff').notNull(),
  /** Which non-blank row of the file holds the headings (0 = the first). */
  headerRow: integer('header_row').notNull().default(0),
  /** For each heading, by position, the column key it feeds, or null; set before the file is read. */
  mapping: jsonb('mapping').$type<(string | null)[]>(),
  /** The import session that made the upload; null for one made with an API key. */
  sessionId: uuid('session_id').references(() => importSessions.id, { onDelete: 'set null' }),
  /** Server-side imports go straight to delivery; interactive ones wait in review for a confirm. */
  autoConfirm: boolean('auto_confirm').notNull().default(true),
  /** Encrypted; never returned or logged. */
  authHeaderValue: text('auth_header_value'),
  /** The `extra` as it goes into the webhook body: JSON text. */
  extraJson: text('extra_json').notNull().default('null'),
  /** Chunk size fixed when the chunk plan was written. */
  chunkSize: integer('chunk_size'),
  rowsRead: integer('rows_read').notNull().default(0),
  validRecords: integer('valid_records').notNull().default(0),
  invalidRecords: integer('invalid_records').notNull().default(0),
  totalPages: integer('total_pages').notNull().default(0),
  error: text('error'),
  /** Who is ingesting the file, until when: an expired lease lets another process take over. */
  leaseUntil: timestamp('lease_until', { withTimezone: true }),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
  finishedAt: timestamp('finished_at', { withTimezone: true }),
}, (t) => [
  index('uploads_project_created').on(t.projectId, t.createdAt),
  index('uploads_working').on(t.status).where(sql`${t.status} IN ('ingesting', 'delivering')`),
]);

/**
 * An upload's records, stored as blocks of consecutive rows: one database row holds up to RECORD_BLOCK records,
 * so a million-row file is a thousand writes, not a million.
 */
export const recordBlocks = pgTable('record_blocks', {
  uploadId: uuid('upload_id').notNull().references(() => uploads.id, { onDelete: 'cascade' }),
  /** 0-based; block b holds the rows from b * RECORD_BLOCK + 1. */
  block: integer('block').notNull(),
  /** 1-based data row number in the file (the header is row 0) of the first line. */
  firstRow: integer('first_row').notNull(),
  /** Lines in `lines`, deleted rows included. */
  rowCount: integer('row_count').notNull(),
  /**
   * One record per line as the receiver gets it (JSON keeps the template's column order), row firstRow + i on
   * line i; a deleted row's line is empty.
   */
  lines: text('lines').notNull(),
  /**
   * Each line's row number as the spreadsheet shows it (title rows, headings and blank rows counted), line i at
   * [i + 1]; null for blocks written before it was kept.
   */
  sheetRows: integer('sheet_rows').array(),
  /** The invalid rows' messages by row number: { "17": { "email": "Email must be an email address" } }. */
  errors: jsonb('errors').$type<Record<string, Record<string, string>>>().notNull().default({}),
  /** Rows deleted in review. */
  deleted: integer('deleted').array().notNull().default(sql`'{}'::int[]`),
  validCount: integer('valid_count').notNull(),
  invalidCount: integer('invalid_count').notNull(),
}, (t) => [primaryKey({ columns: [t.uploadId, t.block] })]);

const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });

/**
 * A received file kept in the database, in parts, while it waits to be read: on PostgreSQL any process may be the
 * one that reads it. The embedded store keeps received files on its own disk instead.
 */
export const uploadFileParts = pgTable('upload_file_parts', {
  uploadId: uuid('upload_id').notNull().references(() => uploads.id, { onDelete: 'cascade' }),
  part: integer('part').notNull(),
  bytes: bytea('bytes').notNull(),
}, (t) => [primaryKey({ columns: [t.uploadId, t.part] })]);

export const chunks = pgTable('chunks', {
  uploadId: uuid('upload_id').notNull().references(() => uploads.id, { onDelete: 'cascade' }),
  page: integer('page').notNull(),
  firstRow: integer('first_row').notNull(),
  lastRow: integer('last_row').notNull(),
  recordCount: integer('record_count').notNull(),
  /** Standard Webhooks message id: the same on every retry and replay of this page. */
  webhookId: text('webhook_id').notNull(),
  status: text('status').notNull(),
  /** Attempts in the current round; a redelivery starts a new round. */
  attempts: integer('attempts').notNull().default(0),
  nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
  leaseUntil: timestamp('lease_until', { withTimezone: true }),
  deliveredAt: timestamp('delivered_at', { withTimezone: true }),
  lastError: text('last_error'),
  updatedAt: updatedAt(),
}, (t) => [
  primaryKey({ columns: [t.uploadId, t.page] }),
  index('chunks_pending').on(t.uploadId, t.page).where(sql`${t.status} = 'pending'`),
]);

export const deliveryAttempts = pgTable('delivery_attempts', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  uploadId: uuid('upload_id').notNull().references(() => uploads.id, { onDelete: 'cascade' }),
  page: integer('page').notNull(),
  startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
  durationMs: integer('duration_ms').notNull(),
  outcome: text('outcome').notNull(),
  httpStatus: integer('http_status'),
  error: text('error'),
  responseExcerpt: text('response_excerpt'),
}, (t) => [
  index('delivery_attempts_upload_page').on(t.uploadId, t.page, t.id),
  // The dashboard's statistics read the attempts of a time range, however old their uploads.
  index('delivery_attempts_started').on(t.startedAt),
]);

/** Facts about the installation that every process must agree on, such as which secret key seals its secrets. */
export const serviceSettings = pgTable('service_settings', {
  name: text('name').primaryKey(),
  value: text('value').notNull(),
});
