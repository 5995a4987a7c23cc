// Request and response shapes of the REST API, in one place.
import { Type, type Static } from '@sinclair/typebox';
import { RETRY_BACKOFFS } from '../domain/retry-backoff.ts';
import { MAX_CONCURRENCY } from '../store/delivery-queue.ts';
import { COLUMN_TYPES } from '../domain/column.ts';
import { ChunkStatus, UploadStatus } from '../domain/states.ts';

/** Every error answer: a code for programs, and a sentence for people that names the problem. */
export const ErrorBody = Type.Object({
  code: Type.String({ description: 'e.g. invalid_request, not_found, wrong_status, forbidden_for_session' }),
  detail: Type.String({ description: 'what is wrong, naming the field or thing at fault' }),
});

/** Longer than any cell can be (the field size limit is 1 MiB). */
const MAX_TEXT_LENGTH = 1024 * 1024;

/** A string, number or boolean, checked by checkColumns, which types it like a cell of its column and says why it is refused. */
const DefaultValue = Type.Unsafe<string | number | boolean>({ description: 'a string, number or boolean, typed and validated like a cell' });

export const ColumnSchema = Type.Object({
  key: Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z_][A-Za-z0-9_.-]*$' }),
  name: Type.String({ minLength: 1, maxLength: 200 }),
  type: Type.Union(COLUMN_TYPES.map((t) => Type.Literal(t)), { default: 'string' }),
  required: Type.Boolean({ default: false }),
  unique: Type.Boolean({ default: false }),
  alternateKeys: Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { default: [], maxItems: 50 }),
  selectValues: Type.Optional(Type.Array(Type.String({ maxLength: 500 }), { minItems: 1, maxItems: 10_000 })),
  regex: Type.Optional(Type.String({
    minLength: 1, maxLength: 1000,
    description: 'tested against the trimmed text; JavaScript syntax, run by RE2 in time linear in the text: lookahead, lookbehind and backreferences are refused',
  })),
  min: Type.Optional(Type.Number()),
  max: Type.Optional(Type.Number()),
  minLength: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_TEXT_LENGTH })),
  maxLength: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_TEXT_LENGTH })),
  dateFormats: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { minItems: 1, maxItems: 20 })),
  multiSelect: Type.Optional(Type.Boolean()),
  delimiter: Type.Optional(Type.String({ minLength: 1, maxLength: 10 })),
  defaultValue: Type.Optional(DefaultValue),
}, { additionalProperties: false });

const Columns = Type.Array(ColumnSchema, { minItems: 1, maxItems: 1000 });

export const TemplateCreate = Type.Object({
  code: Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_-]+$' }),
  name: Type.String({ minLength: 1, maxLength: 200 }),
  columns: Columns,
}, {
  additionalProperties: false,
  // What the API reference shows as the body to send; it is not checked against.
  examples: [{
    code: 'people', name: 'People',
    columns: [
      { key: 'name', name: 'Name', type: 'string', required: true },
      { key: 'email', name: 'Email', type: 'email', required: true, unique: true },
      { key: 'age', name: 'Age', type: 'integer', min: 0 },
    ],
  }],
});
export type TemplateCreate = Static<typeof TemplateCreate>;

export const TemplatePatch = Type.Object({
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  columns: Type.Optional(Columns),
}, { additionalProperties: false, minProperties: 1 });

export const CodeParams = Type.Object({ code: Type.String({ maxLength: 100 }) });

/** The ranges a destination's settings must fall in; the defaults are the documented ones. */
export const WEBHOOK_LIMITS = {
  chunkSize: { minimum: 1, maximum: 10_000, default: 100 },
  retryCount: { minimum: 0, maximum: 100, default: 0 },
  retryInterval: { minimum: 0, maximum: 3_600_000, default: 1000 },
  timeoutMs: { minimum: 100, maximum: 120_000, default: 30_000 },
  concurrency: { minimum: 1, maximum: MAX_CONCURRENCY, default: 1 },
  maxRequestsPerSecond: { minimum: 1, maximum: 10_000, default: null },
} as const;

const limit = (name: keyof typeof WEBHOOK_LIMITS) =>
  Type.Optional(Type.Integer({ minimum: WEBHOOK_LIMITS[name].minimum, maximum: WEBHOOK_LIMITS[name].maximum }));

/**
 * A whole number in range, or null for none. One schema with two types rather than a union, so that it would stay
 * right even where values are converted (a query string): there a union turns 0 into its null branch's null.
 */
const limitOrNull = (name: 'maxRequestsPerSecond') => Type.Optional(Type.Unsafe<number | null>({
  type: ['integer', 'null'], minimum: WEBHOOK_LIMITS[name].minimum, maximum: WEBHOOK_LIMITS[name].maximum,
}));

export const WebhookSettings = Type.Object({
  callbackUrl: Type.String({ minLength: 1, maxLength: 2048 }),
  chunkSize: limit('chunkSize'),
  authHeaderName: Type.Optional(Type.Union([Type.String({ maxLength: 100 }), Type.Null()])),
  retryCount: limit('retryCount'),
  retryInterval: limit('retryInterval'),
  retryBackoff: Type.Optional(Type.Union(RETRY_BACKOFFS.map((b) => Type.Literal(b)))),
  timeoutMs: limit('timeoutMs'),
  concurrency: limit('concurrency'),
  maxRequestsPerSecond: limitOrNull('maxRequestsPerSecond'),
}, { additionalProperties: false });

export const DestinationBody = Type.Object({ webhook: WebhookSettings }, {
  additionalProperties: false,
  examples: [{ webhook: { callbackUrl: 'https://api.example.com/imports', chunkSize: 100, authHeaderName: 'X-Api-Key', retryCount: 3, retryInterval: 1000 } }],
});
export type DestinationBody = Static<typeof DestinationBody>;

/** How long the replaced signing secret keeps signing after a rotation: a day by default, a week at most. */
export const SECRET_GRACE_SECONDS = { minimum: 0, maximum: 7 * 24 * 3600, default: 24 * 3600 } as const;

export const RotateSecretBody = Type.Union([
  Type.Null(),
  Type.Object({
    graceSeconds: Type.Optional(Type.Integer({ minimum: SECRET_GRACE_SECONDS.minimum, maximum: SECRET_GRACE_SECONDS.maximum })),
  }, { additionalProperties: false }),
]);

/** A test delivery may carry the auth header value an import would, so a receiver that requires it can answer 2xx. */
export const DestinationTestBody = Type.Union([
  Type.Null(),
  Type.Object({ authHeaderValue: Type.Optional(Type.String({ maxLength: 8192 })) }, { additionalProperties: false }),
]);

export const UploadParams = Type.Object({ uploadId: Type.String({ format: 'uuid' }) });

/** The most items one page of a list may hold; a larger `limit` is refused with a 400 that names it. */
export const MAX_PAGE_LIMIT = 1000;

const pageLimit = Type.Integer({ minimum: 1, maximum: MAX_PAGE_LIMIT, default: 100 });
const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));

// Query strings name only parameters the route reads, so that a misspelt one ("limt") is refused rather than ignored.
export const UploadsQuery = Type.Object({
  status: Type.Optional(literals(Object.values(UploadStatus))),
  template: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  /** On `createdAt`: from included, to excluded. */
  from: Type.Optional(Type.String({ format: 'date-time' })),
  to: Type.Optional(Type.String({ format: 'date-time' })),
  offset: Type.Integer({ minimum: 0, default: 0 }),
  limit: pageLimit,
}, { additionalProperties: false });

/** The most buckets one statistics request may ask for: a year of days. */
export const MAX_STATS_BUCKETS = 366;

export const StatsQuery = Type.Object({
  from: Type.Optional(Type.String({ format: 'date-time' })),
  to: Type.Optional(Type.String({ format: 'date-time' })),
  bucket: Type.Union([Type.Literal('hour'), Type.Literal('day')], { default: 'hour' }),
  template: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
}, { additionalProperties: false });

export const DeliveriesQuery = Type.Object({
  status: Type.Optional(literals(Object.values(ChunkStatus))),
  fromPage: Type.Integer({ minimum: 1, default: 1 }),
  limit: pageLimit,
}, { additionalProperties: false });

export const RecordsCsvQuery = Type.Object({
  type: Type.Union([Type.Literal('all'), Type.Literal('valid'), Type.Literal('invalid')], { default: 'invalid' }),
}, { additionalProperties: false });

export const ReplaceBody = Type.Object({
  column: Type.String({ minLength: 1 }),
  find: Type.String({ minLength: 1 }),
  replace: Type.String(),
  matchCase: Type.Boolean({ default: false }),
  wholeCell: Type.Boolean({ default: false }),
}, { additionalProperties: false });

export const SampleQuery = Type.Object({
  format: Type.Union([Type.Literal('csv'), Type.Literal('xlsx')], { default: 'csv' }),
}, { additionalProperties: false });

export const RecordsQuery = Type.Object({
  type: Type.Union([Type.Literal('all'), Type.Literal('valid'), Type.Literal('invalid')], { default: 'invalid' }),
  offset: Type.Integer({ minimum: 0, default: 0 }),
  limit: pageLimit,
}, { additionalProperties: false });

export const RedeliverBody = Type.Union([
  Type.Null(),
  Type.Object({ pages: Type.Optional(Type.Array(Type.Integer({ minimum: 1 }), { minItems: 1, maxItems: 100_000 })) },
    { additionalProperties: false }),
]);

export const ApiKeyCreate = Type.Union([
  Type.Null(),
  Type.Object({ name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })) }, { additionalProperties: false }),
]);

/** A key is never this long; a longer value is refused before it is hashed. */
export const ConsoleSignIn = Type.Object({ apiKey: Type.String({ minLength: 1, maxLength: 1000 }) }, { additionalProperties: false });

export const ApiKeyParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

/** How long an import session lives: a minute to a day, an hour by default. */
export const SESSION_SECONDS = { minimum: 60, maximum: 86_400, default: 3600 } as const;

export const SessionCreate = Type.Object({
  template: Type.String({ minLength: 1, maxLength: 100 }),
  authHeaderValue: Type.Optional(Type.String({ minLength: 1, maxLength: 8192, pattern: '^[^\\r\\n\\0]*$' })),
  /** Any JSON value: an object goes into each page as it is, a string as a string (or as the JSON it holds, as an import's). */
  extra: Type.Optional(Type.Unknown()),
  user: Type.Optional(Type.Object({
    id: Type.String({ minLength: 1, maxLength: 200 }),
    email: Type.Optional(Type.String({ maxLength: 320 })),
    name: Type.Optional(Type.String({ maxLength: 200 })),
  }, { additionalProperties: false })),
  allowedOrigins: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 300 }), { minItems: 1, maxItems: 50 })),
  expiresInSeconds: Type.Integer({ ...SESSION_SECONDS }),
  maxRecords: Type.Optional(Type.Integer({ minimum: 1, maximum: 2 ** 31 - 1 })),
}, {
  additionalProperties: false,
  examples: [{
    template: 'people', authHeaderValue: 'the receiver\'s token for this person', extra: { userId: 42 },
    user: { id: '42', email: 'ann@example.com' }, allowedOrigins: ['https://app.example.com'],
  }],
});
export type SessionCreate = Static<typeof SessionCreate>;

export const SessionParams = Type.Object({ sessionId: Type.String({ format: 'uuid' }) });

/**
 * The multipart form of an import. The route reads the form itself as it arrives (receive-file.ts): this schema is
 * for the API reference only, and fastify does not check a body against it.
 */
export const ImportForm = Type.Object({
  template: Type.String({ description: 'the template\'s code' }),
  file: Type.String({ format: 'binary', contentMediaType: 'application/octet-stream', description: 'a CSV (or other delimited text) or XLSX file' }),
  sheet: Type.Optional(Type.String({ description: 'the name of the XLSX sheet to read; else the one whose headings match best' })),
  headerRow: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000, description: 'the header row among the non-blank rows, from 0; else found' })),
  authHeaderValue: Type.Optional(Type.String({ maxLength: 8192, description: 'sent to the receiver in the destination\'s authHeaderName header' })),
  extra: Type.Optional(Type.String({ description: 'goes into every page as `extra`: parsed when it is JSON, else the text' })),
});

/** The form of an interactive upload: with an import session token, `template` may be left out, and `authHeaderValue` and `extra` come from the session. */
export const UploadForm = Type.Object({
  ...ImportForm.properties,
  template: Type.Optional(Type.String({ description: 'the template\'s code; with an import session token, the session\'s (and may be left out)' })),
  authHeaderValue: Type.Optional(Type.String({ maxLength: 8192, description: 'not with an import session token: the session carries it' })),
  extra: Type.Optional(Type.String({ description: 'not with an import session token: the session carries it' })),
});
