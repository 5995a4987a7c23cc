// Which request bodies the API reads: JSON, where an empty body is no body; files come as multipart (@fastify/multipart).
import type { FastifyInstance, FastifyRequest } from 'fastify';

/**
 * A client that sets `Content-Type: application/json` on every request sends it with a DELETE, or a POST whose body
 * is optional, too: an empty body there means "no body", as it does without the header. Plain text is not read at
 * all, so a body sent without saying it is JSON gets a 415 that says what to send.
 */
export function useBodyParsers(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser(['application/json', 'text/plain']);
  // The typings allow a Buffer too; with parseAs 'string' it is always the text.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    if (body === '') return done(null, undefined);
    return parseJson(req, body as string, done);
  });
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The route reads a file: its body is multipart/form-data, not JSON, with these fields. The route reads them
     * itself as they arrive; the schema (of plain type here: fastify's config types cannot carry TypeBox's) is what the
     * API reference shows.
     */
    multipart?: object;
  }
}

/** What a 415 tells the caller to send instead, for this route. */
export function mediaTypeAdvice(req: FastifyRequest): string {
  const sent = req.headers['content-type'];
  const got = sent ? `"${sent.split(';')[0].trim()}" is not read here` : 'the body came without a Content-Type';
  return req.routeOptions.config?.multipart
    ? `${got}: send the file as multipart/form-data ("Content-Type: multipart/form-data") with the fields "template" and "file"`
    : `${got}: send the body as JSON with "Content-Type: application/json"`;
}
