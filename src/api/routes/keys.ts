// /v1/keys: API keys of the caller's operator. POST returns the key once; it is stored hashed.
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../context.js';
import { actorOf } from '../context.js';
import type { Scope } from '../../control/auth/api-key.js';
import { errors, idParam, keySchema, listOf, nameText } from '../schemas.js';

export function keyRoutes(app: FastifyInstance, { store }: ApiContext): void {
  const tags = ['keys'];
  app.get('/v1/keys', { schema: { tags, summary: 'List API keys (never their secrets)', response: { 200: listOf(keySchema), ...errors } } }, async (req) => ({
    items: store.operators.listKeys(actorOf(req).operatorId),
  }));
  app.post(
    '/v1/keys',
    {
      schema: {
        tags,
        summary: 'Create an API key; the response is the only time the key is shown',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['name', 'scopes'],
          properties: { name: nameText, scopes: { type: 'array', minItems: 1, maxItems: 2, uniqueItems: true, items: { type: 'string', enum: ['read', 'write'] } } },
        },
        response: { 201: { ...keySchema, required: [...keySchema.required, 'key'], properties: { ...keySchema.properties, key: { type: 'string' } } }, ...errors },
      },
    },
    async (req, reply) => {
      const b = req.body as { name: string; scopes: Scope[] };
      const { info, key } = store.operators.createKey(actorOf(req), b.name, b.scopes);
      reply.code(201).header('cache-control', 'no-store');
      return { ...info, key };
    },
  );
  app.delete(
    '/v1/keys/:keyId',
    { schema: { tags, summary: 'Revoke an API key', params: idParam('keyId'), response: { 204: { type: 'null' }, ...errors } } },
    async (req, reply) => {
      store.operators.revokeKey(actorOf(req), (req.params as { keyId: string }).keyId);
      return reply.code(204).send();
    },
  );
}
