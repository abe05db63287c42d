// /v1/gateways/{gw}/junction and …/junction/inspection (Junction Inspection: per-device reports).
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../context.js';
import { actorOf, gatewayOf } from '../context.js';
import { errors, idParam, inspectionSchema, junctionSchema } from '../schemas.js';

export function inspectionRoutes(app: FastifyInstance, { store }: ApiContext): void {
  const tags = ['junction'];
  const params = idParam('gw');
  app.get('/v1/gateways/:gw/junction', { schema: { tags, summary: 'All Junction settings of a gateway', params, response: { 200: junctionSchema, ...errors } } }, async (req) => gatewayOf(req).junction);
  app.get('/v1/gateways/:gw/junction/inspection', { schema: { tags, summary: 'Inspection settings', params, response: { 200: inspectionSchema, ...errors } } }, async (req) => gatewayOf(req).junction.inspection);
  app.put(
    '/v1/gateways/:gw/junction/inspection',
    {
      schema: {
        tags,
        summary: 'Set Inspection (enabled, report interval)',
        params,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['enabled'],
          properties: { enabled: { type: 'boolean' }, intervalSeconds: { type: 'integer', minimum: 10, maximum: 3600 }, topDestinations: { type: 'integer', minimum: 1, maximum: 1000 } },
        },
        response: { 200: inspectionSchema, ...errors },
      },
    },
    async (req) => store.gateways.setInspection(actorOf(req), gatewayOf(req).id, req.body as { enabled: boolean }),
  );
}
