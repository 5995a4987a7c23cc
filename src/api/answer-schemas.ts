// The shapes of the API's answers: the API reference shows them, and fastify writes each answer by its shape.
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { ROLES } from '../config.ts';
import { RETRY_BACKOFFS } from '../domain/retry-backoff.ts';
import { COLUMN_TYPES } from '../domain/column.ts';
import { ChunkStatus, UploadStatus } from '../domain/states.ts';
import { ErrorBody } from './schemas.ts';

// fastify writes an answer with its schema (fast-json-stringify): a property the schema does not name is left out,
// and a value is made to fit its type (null written as "" for a string). So each shape names every field its route
// returns, in the order the route returns them (fastify writes the required ones first, then the optional ones), and
// a field always there is required (a required field missing fails the answer); one that may be null has the type
// null too; an open shape (a record's cells, a session's user) takes any property. Values are plain types with the
// allowed values listed (`enum`), never unions of literals: a union is checked value by value as it is written.

/** A value or null: one schema of two types, which is written as null or as the value's type, never coerced. */
function orNull<T extends TSchema>(schema: T) {
  const { type, enum: values, ...rest } = schema;
  return Type.Unsafe<Static<T> | null>({ ...rest, type: [type, 'null'], ...(values ? { enum: [...values, null] } : {}) });
}

const oneOf = (values: readonly string[], description?: string) => Type.Unsafe<string>({ type: 'string', enum: [...values], description });

/** A moment in ISO 8601. A route may give a Date: it is written as its toISOString() is. */
const Moment = (description?: string) => Type.Unsafe<string | Date>({ type: 'string', format: 'date-time', description });

const Id = (description?: string) => Type.String({ format: 'uuid', description });
const Count = (description?: string) => Type.Integer({ minimum: 0, description });

/** ErrorBody as fastify knows it (`app.addSchema`): error answers refer to it, and the API reference names it once. */
export const ERROR_BODY_SCHEMA = { $id: 'ErrorBody', title: 'ErrorBody', ...ErrorBody };

/** An error answer, saying when a route gives it. */
export const errorAnswer = (description: string) => Type.Unsafe<Static<typeof ErrorBody>>({ $ref: 'ErrorBody#', description });

/** An answer with no body (204): the route sends nothing. */
export const noContent = (description: string) => Type.Unsafe<void>({ type: 'null', description });

const UPLOAD_STATUSES = Object.values(UploadStatus);

export const ColumnView = Type.Object({
  key: Type.String(),
  name: Type.String(),
  type: oneOf(COLUMN_TYPES),
  required: Type.Boolean(),
  unique: Type.Boolean(),
  alternateKeys: Type.Array(Type.String()),
  selectValues: Type.Optional(Type.Array(Type.String())),
  multiSelect: Type.Optional(Type.Boolean()),
  delimiter: Type.Optional(Type.String()),
  regex: Type.Optional(Type.String()),
  min: Type.Optional(Type.Number()),
  max: Type.Optional(Type.Number()),
  minLength: Type.Optional(Type.Integer()),
  maxLength: Type.Optional(Type.Integer()),
  dateFormats: Type.Optional(Type.Array(Type.String())),
  defaultValue: Type.Optional(Type.Unsafe<string | number | boolean>({ description: 'a string, number or boolean' })),
}, { additionalProperties: true, description: 'A column as the template holds it: its rules as given when the template was saved' });

export const TemplateView = Type.Object({
  code: Type.String(),
  name: Type.String(),
  columns: Type.Array(ColumnView),
  createdAt: Moment(),
  updatedAt: Moment(),
}, { description: 'The template' });

export const TemplateList = Type.Object({ templates: Type.Array(TemplateView) }, { description: 'The project\'s templates' });

const WebhookView = Type.Object({
  callbackUrl: Type.String(),
  chunkSize: Type.Integer(),
  authHeaderName: orNull(Type.String()),
  retryCount: Type.Integer(),
  retryInterval: Type.Integer({ description: 'milliseconds' }),
  retryBackoff: oneOf(RETRY_BACKOFFS),
  timeoutMs: Type.Integer(),
  concurrency: Type.Integer(),
  maxRequestsPerSecond: orNull(Type.Integer({ description: 'null: no limit' })),
});

const Paused = {
  paused: Type.Boolean({ description: 'true: its pages wait, untried, until it is resumed' }),
  pausedAt: orNull(Moment('when it was paused; null while it is not')),
};

export const DestinationView = Type.Object({ webhook: WebhookView, ...Paused }, { description: 'The destination (never its secrets)' });

export const DestinationSaved = Type.Object({
  webhook: WebhookView,
  ...Paused,
  signingSecret: Type.Optional(Type.String({ description: 'whsec_...: only in the answer that creates the destination' })),
  warnings: Type.Optional(Type.Array(Type.String(), { description: 'e.g. a host that does not resolve yet' })),
}, { description: 'The destination as saved' });

export const SecretRotated = Type.Object({
  signingSecret: Type.String({ description: 'whsec_...: answered this once' }),
  previousSecretExpiresAt: orNull(Moment('until when the replaced secret keeps signing; null when it stopped at once')),
}, { description: 'The new signing secret' });

export const TestDelivery = Type.Object({
  webhookId: Type.String(),
  outcome: Type.String({
    description: 'delivered, http_error, timeout, connection_refused, connection_reset, dns_error, tls_error, address_blocked, network_error or not_sent',
  }),
  httpStatus: orNull(Type.Integer()),
  durationMs: Type.Integer(),
  error: orNull(Type.String()),
  responseExcerpt: orNull(Type.String()),
}, { description: 'What the receiver answered, whatever it was' });

export const UploadQueued = Type.Object({
  uploadId: Id(),
  status: oneOf(UPLOAD_STATUSES),
}, { description: 'Taken: the work goes on in the background' });

/** Which sheet of a workbook is read: null for a CSV. */
const sheetFields = {
  sheet: orNull(Type.String()),
  sheets: orNull(Type.Array(Type.String(), { description: 'the workbook\'s visible sheets' })),
  sheetChosen: orNull(oneOf(['given', 'only', 'best_match', 'first'])),
};

export const UploadView = Type.Object({
  uploadId: Id(),
  template: Type.String({ description: 'the template\'s code' }),
  status: oneOf(UPLOAD_STATUSES),
  fileName: orNull(Type.String()),
  fileFormat: oneOf(['csv', 'xlsx']),
  ...sheetFields,
  totalRecords: Count('data rows read'),
  validRecords: Count(),
  invalidRecords: Count(),
  totalPages: Count(),
  pagesDelivered: Count(),
  pagesFailed: Count(),
  pagesPending: Count(),
  pagesCancelled: Count(),
  error: orNull(Type.String()),
  createdAt: Moment(),
  finishedAt: orNull(Moment()),
}, { description: 'The upload' });

/** Where a page of a list is: `nextOffset` is null on the last page. */
const pageFields = { total: Count(), offset: Count(), limit: Type.Integer(), nextOffset: orNull(Count()) };

export const UploadList = Type.Object({ uploads: Type.Array(UploadView), ...pageFields }, { description: 'Uploads, newest first' });

const Attempt = Type.Object({
  at: Moment(),
  durationMs: Type.Integer(),
  outcome: Type.String(),
  httpStatus: orNull(Type.Integer()),
  error: orNull(Type.String()),
  responseExcerpt: orNull(Type.String()),
});

export const DeliveryList = Type.Object({
  uploadId: Id(),
  pages: Type.Array(Type.Object({
    page: Type.Integer(),
    status: oneOf(Object.values(ChunkStatus)),
    webhookId: Type.String(),
    recordCount: Count(),
    attempts: Type.Array(Attempt),
  })),
  total: Count(),
  fromPage: Type.Integer(),
  limit: Type.Integer(),
  nextFromPage: orNull(Type.Integer()),
}, { description: 'Each page\'s delivery and attempts' });

export const RecordView = Type.Object({
  row: Type.Integer({ description: 'the record\'s place among the data rows, from 1' }),
  sheetRow: orNull(Type.Integer({ description: 'the row as the spreadsheet shows it' })),
  valid: Type.Boolean(),
  data: Type.Object({}, { additionalProperties: true, description: 'cells by column key, typed by their column' }),
  errors: orNull(Type.Object({}, { additionalProperties: Type.String(), description: 'messages by column key' })),
}, { description: 'The record' });

export const RecordList = Type.Object({ uploadId: Id(), records: Type.Array(RecordView), ...pageFields }, { description: 'Records' });

export const Redelivery = Type.Object({
  uploadId: Id(),
  status: oneOf(UPLOAD_STATUSES),
  pages: Type.Array(Type.Integer(), { description: 'the pages queued again' }),
}, { description: 'Queued again' });

export const MappingView = Type.Object({
  uploadId: Id(),
  status: oneOf(UPLOAD_STATUSES),
  ...sheetFields,
  headerRow: Type.Integer({ description: 'among the non-blank rows, from 0' }),
  headerSheetRow: Type.Optional(Type.Integer({ description: 'as the spreadsheet shows it (only while mapping)' })),
  headings: Type.Optional(Type.Array(Type.Object({
    index: Type.Integer(),
    heading: Type.String(),
    key: orNull(Type.String({ description: 'the column it feeds' })),
    suggestedKey: orNull(Type.String()),
    confidence: Type.Number(),
  }), { description: 'only while mapping' })),
  columns: Type.Array(Type.Object({
    key: Type.String(),
    name: Type.String(),
    required: Type.Boolean(),
    heading: orNull(Type.Integer({ description: 'the index of the heading that feeds it' })),
  })),
  missingRequired: Type.Array(Type.String()),
  sample: Type.Optional(Type.Array(Type.Array(Type.Unknown()), { description: 'the first rows below the headings (only while mapping)' })),
  sampleSheetRows: Type.Optional(Type.Array(Type.Integer())),
}, { description: 'The headings and which column each feeds' });

export const ReplaceResult = Type.Object({ rowsChanged: Count(), validRecords: Count(), invalidRecords: Count() }, { description: 'Replaced' });

export const DeletedRows = Type.Object({ deleted: Type.Array(Type.Integer(), { description: 'the rows deleted (rows not there are left out)' }) }, {
  description: 'Deleted',
});

export const Confirmed = Type.Object({
  uploadId: Id(),
  status: oneOf(UPLOAD_STATUSES),
  validRecords: Count(),
  invalidRecords: Count(),
  totalPages: Count(),
}, { description: 'Confirmed: delivery starts' });

const KeyFields = {
  id: Id(),
  prefix: orNull(Type.String({ description: 'the key\'s first 11 characters' })),
  name: orNull(Type.String()),
  createdAt: Moment(),
};

export const ApiKeyList = Type.Object({
  apiKeys: Type.Array(Type.Object({ ...KeyFields, lastUsedAt: orNull(Moment()) })),
}, { description: 'The project\'s keys, never a key itself' });

export const ApiKeyMade = Type.Object({
  id: KeyFields.id, key: Type.String({ description: 'sk_...: answered this once' }), prefix: KeyFields.prefix, name: KeyFields.name,
  createdAt: KeyFields.createdAt,
}, { description: 'The new key' });

export const SessionMade = Type.Object({
  sessionId: Id(),
  sessionToken: Type.String({ description: 'ist_...: answered this once; the only thing the browser gets' }),
  expiresAt: Moment(),
}, { description: 'The new session' });

const SessionUser = orNull(Type.Object({
  id: Type.String(),
  email: Type.Optional(Type.String()),
  name: Type.Optional(Type.String()),
}, { additionalProperties: true }));

export const SessionView = Type.Object({
  sessionId: Id(),
  template: orNull(Type.String({ description: 'null once the template is deleted' })),
  status: oneOf(['active', 'expired', 'revoked']),
  user: SessionUser,
  allowedOrigins: orNull(Type.Array(Type.String())),
  maxRecords: orNull(Type.Integer()),
  expiresAt: Moment(),
  revokedAt: orNull(Moment()),
  createdAt: Moment(),
}, { description: 'The session (never its token or secret)' });

export const CurrentSession = Type.Object({
  sessionId: Id(),
  expiresAt: Moment(),
  user: SessionUser,
  allowedOrigins: orNull(Type.Array(Type.String())),
  template: Type.Object({ code: Type.String(), name: Type.String(), columns: Type.Array(ColumnView) }, {
    description: 'its columns and their rules; nothing of the destination',
  }),
  limits: Type.Object({ maxFileBytes: Type.Integer(), maxRecords: Type.Integer(), maxColumns: Type.Integer() }),
}, { description: 'What the import may do' });

export const Health = Type.Object({ status: oneOf(['ok']), role: oneOf(ROLES) }, { description: 'Ready' });

export const ConsoleSession = Type.Object({
  expiresAt: Moment('when the session ends however busy it is'),
  idleExpiresAt: Moment('when it ends unless another request comes first'),
  apiKey: Type.Object({ id: Type.String({ format: 'uuid' }), prefix: orNull(Type.String({ description: 'the first characters of the key, to recognise it' })) }),
}, { description: 'A console session (its token is only in the HttpOnly cookie)' });

const Figures = {
  attempts: Type.Integer(),
  delivered: Type.Integer(),
  successRate: orNull(Type.Number({ description: 'delivered / attempts, 0 to 1; null without attempts' })),
  p50Ms: orNull(Type.Integer({ description: 'median latency of the attempts, milliseconds' })),
  p95Ms: orNull(Type.Integer({ description: '95th percentile latency of the attempts, milliseconds' })),
  rowsImported: Type.Integer({ description: 'rows read from the uploads created in the range' }),
};

export const DeliveryStats = Type.Object({
  from: Moment(),
  to: Moment(),
  bucket: Type.Union([Type.Literal('hour'), Type.Literal('day')]),
  totals: Type.Object({
    ...Figures,
    failed: Type.Integer({ description: 'attempts that did not deliver' }),
    uploads: Type.Integer(),
    outcomes: Type.Record(Type.String(), Type.Integer(), { description: 'attempts by outcome: delivered, http_error, timeout, ...' }),
  }),
  series: Type.Array(Type.Object({ at: Moment('the bucket\'s start, UTC'), ...Figures, failedAttempts: Type.Integer() }), {
    description: 'every bucket of the range, in order, with zeros where nothing happened',
  }),
}, { description: 'Delivery attempts and rows imported over a range' });
