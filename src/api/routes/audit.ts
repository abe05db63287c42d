// /v1/audit: who changed what, when (the caller's operator only).
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../context.js';
import { actorOf } from '../context.js';
import { auditSchema, errors, listOf } from '../schemas.js';

export function auditRoutes(app: FastifyInstance, { store }: ApiContext): void {
  app.get(
    '/v1/audit',
    {
      schema: {
        tags: ['audit'],
        summary: 'Audit trail, newest first',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 }, before: { type: 'integer', minimum: 1 } },
        },
        response: { 200: listOf(auditSchema), ...errors },
      },
    },
    async (req) => {
      const q = req.query as { limit: number; before?: number };
      return { items: store.audit.list(actorOf(req).operatorId, q.limit, q.before) };
    },
  );
}
