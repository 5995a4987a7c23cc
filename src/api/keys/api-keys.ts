// A project's API keys: made (the key answered this once), listed by prefix and name, revoked.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { apiKeyPrefix, generateApiKey } from '../../api-key.ts';
import { conflict, notFound } from '../../errors.ts';
import { addApiKey, listApiKeys, revokeApiKey, type ApiKeyRow } from '../../store/projects-queries.ts';
import type { ApiDeps } from '../http.ts';
import type { KeyAuth } from './key-auth.ts';
import { ApiKeyCreate, ApiKeyParams } from '../schemas.ts';
import { ApiKeyList, ApiKeyMade, errorAnswer, noContent } from '../answer-schemas.ts';

const tags = ['API keys'];

export function apiKeyRoutes(app: FastifyInstance, deps: ApiDeps, auth: KeyAuth): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.post('/v1/api-keys', {
    schema: { tags, operationId: 'createApiKey', summary: 'Make a new API key (answered this once)', body: ApiKeyCreate, response: { 201: ApiKeyMade } },
  }, async (req, reply) => {
    const key = generateApiKey();
    const row = await addApiKey(deps.db, req.projectId, key, { prefix: apiKeyPrefix(key), name: req.body?.name ?? null });
    // 192 random bits do not collide; a row not made would be a bug, not a conflict to report.
    if (!row) throw new Error('a new API key was already registered');
    return reply.code(201).send({ id: row.id, key, prefix: row.prefix, name: row.name, createdAt: row.createdAt.toISOString() });
  });

  r.get('/v1/api-keys', {
    schema: { tags, operationId: 'listApiKeys', summary: 'List the project\'s API keys (never a key itself)', response: { 200: ApiKeyList } },
  }, async (req) => ({ apiKeys: (await listApiKeys(deps.db, req.projectId)).map(present) }));

  r.delete('/v1/api-keys/:id', {
    schema: {
      tags, operationId: 'revokeApiKey', summary: 'Revoke an API key (the request\'s own too)', params: ApiKeyParams,
      response: {
        204: noContent('Revoked'),
        404: errorAnswer('No API key with this id: `not_found`'),
        409: errorAnswer('The project\'s last key: `last_api_key`'),
      },
    },
  }, async (req, reply) => {
    const outcome = await revokeApiKey(deps.db, req.projectId, req.params.id);
    if (outcome === 'not_found') throw notFound(`API key ${req.params.id}`);
    if (outcome === 'last_key') {
      throw conflict('last_api_key', 'this is the project\'s last API key: create another one first, or the project is locked out');
    }
    auth.forget(req.params.id);
    return reply.code(204).send();
  });
}

function present(row: ApiKeyRow) {
  return {
    id: row.id, prefix: row.prefix, name: row.name, createdAt: row.createdAt.toISOString(), lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
  };
}
