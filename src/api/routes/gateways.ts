// /v1/gateways: the caller's gateways (VPGs). Ids are generated, so they never collide across operators.
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../context.js';
import { actorOf, gatewayOf } from '../context.js';
import type { GatewayInput, GatewayPatch } from '../../control/store/model.js';
import { errors, gatewaySchema, idParam, listOf, nameText } from '../schemas.js';

const subnets = { type: 'array', minItems: 1, maxItems: 64, items: { type: 'string', maxLength: 64 } } as const;
const maxUnreg = { type: 'integer', minimum: 0, maximum: 10_000_000 } as const;

export function gatewayRoutes(app: FastifyInstance, { store }: ApiContext): void {
  const tags = ['gateways'];
  const params = idParam('gw');
  app.get('/v1/gateways', { schema: { tags, summary: 'List gateways', response: { 200: listOf(gatewaySchema), ...errors } } }, async (req) => ({
    items: store.gateways.list(actorOf(req).operatorId),
  }));
  app.post(
    '/v1/gateways',
    {
      schema: {
        tags,
        summary: 'Create a gateway',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['deviceSubnets'],
          properties: {
            name: nameText,
            deviceSubnets: subnets,
            maxUnregisteredDevices: maxUnreg,
            inspection: {
              type: 'object',
              additionalProperties: false,
              properties: { enabled: { type: 'boolean' }, intervalSeconds: { type: 'integer', minimum: 10, maximum: 3600 }, topDestinations: { type: 'integer', minimum: 1, maximum: 1000 } },
            },
          },
        },
        response: { 201: gatewaySchema, ...errors },
      },
    },
    async (req, reply) => {
      const g = store.gateways.create(actorOf(req), req.body as GatewayInput);
      reply.code(201).header('location', `/v1/gateways/${g.id}`);
      return g;
    },
  );
  app.get('/v1/gateways/:gw', { schema: { tags, summary: 'Get a gateway', params, response: { 200: gatewaySchema, ...errors } } }, async (req) => gatewayOf(req));
  app.patch(
    '/v1/gateways/:gw',
    {
      schema: {
        tags,
        summary: 'Change a gateway (name, device subnets, unregistered-device bound)',
        params,
        body: { type: 'object', additionalProperties: false, minProperties: 1, properties: { name: nameText, deviceSubnets: subnets, maxUnregisteredDevices: maxUnreg } },
        response: { 200: gatewaySchema, ...errors },
      },
    },
    async (req) => store.gateways.update(actorOf(req), gatewayOf(req).id, req.body as GatewayPatch),
  );
  app.delete('/v1/gateways/:gw', { schema: { tags, summary: 'Delete a gateway and everything under it', params, response: { 204: { type: 'null' }, ...errors } } }, async (req, reply) => {
    store.gateways.delete(actorOf(req), gatewayOf(req).id);
    return reply.code(204).send();
  });
}
