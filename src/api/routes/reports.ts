// /v1/reports: stored Inspection reports, by gateway, device, app and time.
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../context.js';
import { errors, listOf, recordSchema } from '../schemas.js';
import { historyQuery, historyQuerystring } from './history-query.js';

export function reportRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.get(
    '/v1/reports',
    { schema: { tags: ['history'], summary: 'Inspection reports, newest first', querystring: historyQuerystring, response: { 200: listOf(recordSchema), ...errors } } },
    async (req) => ({ items: ctx.store.history.reports(historyQuery(req, ctx)) }),
  );
}
