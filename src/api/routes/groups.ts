// /v1/gateways/{gw}/groups: device groups (their policy is a placeholder for the security issues).
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../context.js';
import { actorOf, gatewayOf } from '../context.js';
import type { GroupInput } from '../../control/store/model.js';
import { errors, groupSchema, idParam, listOf, nameText } from '../schemas.js';

const policy = { type: 'object', additionalProperties: true, maxProperties: 64 } as const;

export function groupRoutes(app: FastifyInstance, { store }: ApiContext): void {
  const tags = ['groups'];
  const base = '/v1/gateways/:gw/groups';
  const one = { ...idParam('gw', 'name') };
  app.get(base, { schema: { tags, summary: 'List groups', params: idParam('gw'), response: { 200: listOf(groupSchema), ...errors } } }, async (req) => ({
    items: store.gateways.listGroups(actorOf(req).operatorId, gatewayOf(req).id),
  }));
  app.post(
    base,
    {
      schema: {
        tags,
        summary: 'Create a group',
        params: idParam('gw'),
        body: { type: 'object', additionalProperties: false, required: ['name'], properties: { name: nameText, description: { type: 'string', maxLength: 256 }, policy } },
        response: { 201: groupSchema, ...errors },
      },
    },
    async (req, reply) => {
      reply.code(201);
      return store.gateways.createGroup(actorOf(req), gatewayOf(req).id, req.body as GroupInput);
    },
  );
  app.get(`${base}/:name`, { schema: { tags, summary: 'Get a group', params: one, response: { 200: groupSchema, ...errors } } }, async (req) =>
    store.gateways.getGroup(actorOf(req).operatorId, gatewayOf(req).id, (req.params as { name: string }).name),
  );
  app.patch(
    `${base}/:name`,
    {
      schema: {
        tags,
        summary: "Change a group's description or policy",
        params: one,
        body: { type: 'object', additionalProperties: false, minProperties: 1, properties: { description: { type: 'string', maxLength: 256 }, policy } },
        response: { 200: groupSchema, ...errors },
      },
    },
    async (req) => store.gateways.updateGroup(actorOf(req), gatewayOf(req).id, (req.params as { name: string }).name, req.body as { description?: string }),
  );
  app.delete(`${base}/:name`, { schema: { tags, summary: 'Delete a group (it must have no devices)', params: one, response: { 204: { type: 'null' }, ...errors } } }, async (req, reply) => {
    store.gateways.deleteGroup(actorOf(req), gatewayOf(req).id, (req.params as { name: string }).name);
    return reply.code(204).send();
  });
}
