// /v1/gateways/{gw}/outputs: the gateway's export outputs as one list (the YAML's `gateway.outputs`),
// read with the read scope, replaced with the write scope (validated like the YAML, audited); secrets
// are write-only. /outputs/status: each running output's delivery counters from the data plane.
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../context.js';
import { actorOf, gatewayOf } from '../context.js';
import { errors, idParam, outputStatusSchema, outputsBody, outputsSchema } from '../schemas.js';

export function outputRoutes(app: FastifyInstance, { store, dataPlane }: ApiContext): void {
  const tags = ['outputs'];
  const params = idParam('gw');
  app.get('/v1/gateways/:gw/outputs', { schema: { tags, summary: "Get the gateway's outputs (secrets read \"***\")", params, response: { 200: outputsSchema, ...errors } } }, async (req) =>
    store.outputs.get(actorOf(req).operatorId, gatewayOf(req).id),
  );
  app.put(
    '/v1/gateways/:gw/outputs',
    {
      schema: {
        tags,
        summary: "Replace the gateway's outputs (the running data path picks them up; unchanged outputs keep running)",
        params,
        body: outputsBody,
        response: { 200: outputsSchema, ...errors },
      },
    },
    async (req) => store.outputs.set(actorOf(req), gatewayOf(req).id, req.body),
  );
  app.get(
    '/v1/gateways/:gw/outputs/status',
    {
      schema: {
        tags,
        summary: "Delivery counters of the gateway's running outputs (running: false when no data path runs for it)",
        params,
        response: {
          200: {
            type: 'object',
            required: ['gatewayId', 'at', 'running', 'items'],
            properties: { gatewayId: { type: 'string' }, at: { type: 'string' }, running: { type: 'boolean' }, items: { type: 'array', items: outputStatusSchema } },
          },
          ...errors,
        },
      },
    },
    async (req) => {
      const gw = gatewayOf(req);
      const items = dataPlane.outputsStatus?.(gw.id) ?? null;
      return { gatewayId: gw.id, at: new Date().toISOString(), running: items !== null, items: items ?? [] };
    },
  );
}
