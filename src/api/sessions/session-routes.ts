// What an import session token may call: every route a session may use, and which of its own things it must be about.

/**
 * `session`: the session itself; `template`: the `:code` must be the session's template; `new-upload`: makes an
 * upload of the session's template; `upload`: the `:uploadId` must be an upload the session made.
 */
export type SessionScope = 'session' | 'template' | 'new-upload' | 'upload';

/** Keyed by method and route pattern as fastify names it. A route not listed answers 403 forbidden_for_session. */
export const SESSION_ROUTES: Readonly<Record<string, SessionScope>> = {
  'GET /v1/import-sessions/current': 'session',
  'GET /v1/templates/:code/sample': 'template',
  'POST /v1/uploads': 'new-upload',
  'GET /v1/uploads/:uploadId': 'upload',
  'GET /v1/uploads/:uploadId/mapping': 'upload',
  'PUT /v1/uploads/:uploadId/mapping': 'upload',
  'POST /v1/uploads/:uploadId/validate': 'upload',
  'GET /v1/uploads/:uploadId/records': 'upload',
  'GET /v1/uploads/:uploadId/records.csv': 'upload',
  'PATCH /v1/uploads/:uploadId/records/:row': 'upload',
  'DELETE /v1/uploads/:uploadId/records/:row': 'upload',
  'POST /v1/uploads/:uploadId/records/delete': 'upload',
  'POST /v1/uploads/:uploadId/records/replace': 'upload',
  'POST /v1/uploads/:uploadId/confirm': 'upload',
  'POST /v1/uploads/:uploadId/cancel': 'upload',
};
