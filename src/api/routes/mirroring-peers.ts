// /v1/gateways/{gw}/junction/mirroring/peers[/{ipaddr}] (Junction Mirroring: peers keyed by IP).
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../context.js';
import { actorOf, gatewayOf } from '../context.js';
import type { MirroringPeer } from '../../control/store/model.js';
import { errors, idParam, listOf, peerBody, peerSchema, peerUpdateBody } from '../schemas.js';

export function mirroringRoutes(app: FastifyInstance, { store }: ApiContext): void {
  const tags = ['junction'];
  const base = '/v1/gateways/:gw/junction/mirroring/peers';
  const one = idParam('gw', 'ipaddr');
  const ip = (req: { params: unknown }) => (req.params as { ipaddr: string }).ipaddr;
  app.get(base, { schema: { tags, summary: 'List mirroring peers', params: idParam('gw'), response: { 200: listOf(peerSchema), ...errors } } }, async (req) => ({
    items: gatewayOf(req).junction.mirroring.peers,
  }));
  app.post(base, { schema: { tags, summary: 'Add a mirroring peer (gre or vxlan)', params: idParam('gw'), body: peerBody, response: { 201: peerSchema, ...errors } } }, async (req, reply) => {
    const b = req.body as MirroringPeer;
    reply.code(201);
    return store.gateways.addPeer(actorOf(req), gatewayOf(req).id, { ...b, enabled: b.enabled ?? false });
  });
  app.get(`${base}/:ipaddr`, { schema: { tags, summary: 'Get a mirroring peer', params: one, response: { 200: peerSchema, ...errors } } }, async (req) =>
    store.gateways.getPeer(actorOf(req).operatorId, gatewayOf(req).id, ip(req)),
  );
  app.put(`${base}/:ipaddr`, { schema: { tags, summary: 'Replace a mirroring peer', params: one, body: peerUpdateBody, response: { 200: peerSchema, ...errors } } }, async (req) => {
    const b = req.body as MirroringPeer;
    return store.gateways.updatePeer(actorOf(req), gatewayOf(req).id, ip(req), { ...b, enabled: b.enabled ?? false });
  });
  app.delete(`${base}/:ipaddr`, { schema: { tags, summary: 'Remove a mirroring peer', params: one, response: { 204: { type: 'null' }, ...errors } } }, async (req, reply) => {
    store.gateways.deletePeer(actorOf(req), gatewayOf(req).id, ip(req));
    return reply.code(204).send();
  });
}
