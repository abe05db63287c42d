// /v1/flows: finished flows, by gateway, device, app and time.
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../context.js';
import { errors, listOf, recordSchema } from '../schemas.js';
import { historyQuery, historyQuerystring } from './history-query.js';

export function flowRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.get(
    '/v1/flows',
    { schema: { tags: ['history'], summary: 'Finished flows, newest first', querystring: historyQuerystring, response: { 200: listOf(recordSchema), ...errors } } },
    async (req) => ({ items: ctx.store.history.flows(historyQuery(req, ctx)) }),
  );
}
