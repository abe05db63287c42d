// /v1/gateways/{gw}/junction/redirection (Junction Redirection: one gateway peer, optional standby).
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../context.js';
import { actorOf, gatewayOf } from '../context.js';
import { ApiError } from '../errors.js';
import type { Redirection } from '../../control/store/model.js';
import { errors, idParam, redirectionSchema } from '../schemas.js';

export function redirectionRoutes(app: FastifyInstance, { store }: ApiContext): void {
  const tags = ['junction'];
  const path = '/v1/gateways/:gw/junction/redirection';
  const params = idParam('gw');
  app.get(path, { schema: { tags, summary: 'Redirection settings (404 when unset)', params, response: { 200: redirectionSchema, ...errors } } }, async (req) => {
    const r = gatewayOf(req).junction.redirection;
    if (!r) throw new ApiError(404, 'FG_API_NOT_FOUND', 'redirection is not set');
    return r;
  });
  app.put(path, { schema: { tags, summary: 'Set Redirection', params, body: redirectionSchema, response: { 200: redirectionSchema, ...errors } } }, async (req) =>
    store.gateways.setRedirection(actorOf(req), gatewayOf(req).id, req.body as Redirection),
  );
  app.delete(path, { schema: { tags, summary: 'Unset Redirection', params, response: { 204: { type: 'null' }, ...errors } } }, async (req, reply) => {
    store.gateways.unsetRedirection(actorOf(req), gatewayOf(req).id);
    return reply.code(204).send();
  });
}
