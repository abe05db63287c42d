// /v1/gateways/{gw}/counters: live counters from the data plane.
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../context.js';
import { gatewayOf } from '../context.js';
import { errors, idParam } from '../schemas.js';

export function counterRoutes(app: FastifyInstance, { dataPlane }: ApiContext): void {
  app.get(
    '/v1/gateways/:gw/counters',
    {
      schema: {
        tags: ['gateways'],
        summary: 'Live data-path counters (running: false when no data path runs for the gateway)',
        params: idParam('gw'),
        response: {
          200: {
            type: 'object',
            required: ['gatewayId', 'at', 'running', 'counters'],
            properties: { gatewayId: { type: 'string' }, at: { type: 'string' }, running: { type: 'boolean' }, counters: { type: 'object', additionalProperties: { type: 'number' } } },
          },
          ...errors,
        },
      },
    },
    async (req) => {
      const gw = gatewayOf(req);
      const c = dataPlane.counters(gw.id);
      return { gatewayId: gw.id, at: new Date().toISOString(), running: c !== null, counters: c ?? {} };
    },
  );
}
