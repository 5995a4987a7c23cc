// How each part of a request is checked against its schema: JSON bodies as typed, query strings and paths converted.
import { Ajv, type Options } from 'ajv';
import formats from 'ajv-formats';
import type { FastifyInstance, FastifySchema } from 'fastify';

const common: Options = {
  // Stops at the first problem: every error of a large body would cost time an attacker chooses.
  allErrors: false,
  removeAdditional: false,
  useDefaults: true,
  addUsedSchema: false,
  // Errors carry their schema and value, so that one message can be made of them (request-errors.ts).
  verbose: true,
};

/**
 * A JSON body says what type each value is, so "100" is not 100: it is refused, naming the field. A query string or
 * a path holds only text, so there "100" is converted to the integer its schema asks for (and one value to a list).
 * Multipart fields are read by the routes themselves (receive-file.ts).
 */
export function useRequestValidation(app: FastifyInstance): void {
  const typed = new Ajv({ ...common, coerceTypes: false });
  const text = new Ajv({ ...common, coerceTypes: 'array' });
  // ajv-formats is a CommonJS module whose export is the plugin; `.default` is that same function.
  formats.default(typed);
  formats.default(text);
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? typed : text).compile(schema as FastifySchema & object));
}
