// /v1/gateways/{gw}/packet_capture_sessions (SORACOM Peek shape): capture a gateway's or one device's
// traffic for N seconds into a pcap the operator downloads.
import { createReadStream, existsSync } from 'node:fs';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ApiContext } from '../context.js';
import { actorOf, gatewayOf } from '../context.js';
import { ApiError } from '../errors.js';
import type { CaptureRequest } from '../../control/capture-service.js';
import type { CaptureSession } from '../../control/store/model.js';
import { captureSchema, errors, idParam, listOf } from '../schemas.js';

export function captureRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const { store, captures } = ctx;
  const tags = ['captures'];
  const base = '/v1/gateways/:gw/packet_capture_sessions';
  const one = idParam('gw', 'sessionId');
  const sid = (req: FastifyRequest) => (req.params as { sessionId: string }).sessionId;
  const withUrl = (s: CaptureSession) => (s.status === 'DONE' || s.status === 'STOPPED' ? { ...s, url: `/v1/gateways/${s.gatewayId}/packet_capture_sessions/${s.sessionId}/pcap` } : s);

  app.post(
    base,
    {
      schema: {
        tags,
        summary: 'Start a capture of the gateway, or of one device (deviceIp or imsi)',
        params: idParam('gw'),
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['duration'],
          properties: {
            duration: { type: 'integer', minimum: 1, maximum: 3600 },
            deviceIp: { type: 'string', maxLength: 64 },
            imsi: { type: 'string', pattern: '^[0-9]{14,15}$' },
            prefix: { type: 'string', pattern: '^[0-9A-Za-z_-]{0,100}$' },
          },
        },
        response: { 201: captureSchema, ...errors },
      },
    },
    async (req, reply) => {
      reply.code(201);
      return withUrl(captures.start(actorOf(req), gatewayOf(req).id, req.body as CaptureRequest));
    },
  );
  app.get(base, { schema: { tags, summary: 'List capture sessions', params: idParam('gw'), response: { 200: listOf(captureSchema), ...errors } } }, async (req) => ({
    items: store.captures.list(actorOf(req).operatorId, gatewayOf(req).id).map(withUrl),
  }));
  app.get(`${base}/:sessionId`, { schema: { tags, summary: 'Get a capture session', params: one, response: { 200: captureSchema, ...errors } } }, async (req) =>
    withUrl(store.captures.get(actorOf(req).operatorId, gatewayOf(req).id, sid(req))),
  );
  app.post(`${base}/:sessionId/stop`, { schema: { tags, summary: 'Stop a running capture', params: one, response: { 200: captureSchema, ...errors } } }, async (req) => {
    const actor = actorOf(req);
    const gw = gatewayOf(req).id;
    captures.stop(actor, gw, sid(req));
    return withUrl(await captures.settle(actor.operatorId, gw, sid(req)));
  });
  app.get(
    `${base}/:sessionId/pcap`,
    {
      schema: {
        tags,
        summary: 'Download the pcap of a finished session',
        params: one,
        produces: ['application/vnd.tcpdump.pcap'],
        response: { 200: { description: 'pcap file', type: 'string', format: 'binary' }, ...errors },
      },
    },
    async (req, reply) => {
      const actor = actorOf(req);
      const gw = gatewayOf(req).id;
      const s = store.captures.get(actor.operatorId, gw, sid(req));
      const path = store.captures.pcapPath(actor.operatorId, gw, s.sessionId);
      if (!path) throw new ApiError(409, 'FG_API_CONFLICT', `session '${s.sessionId}' is ${s.status}; no pcap to download`);
      if (!existsSync(path)) throw new ApiError(404, 'FG_API_NOT_FOUND', 'the pcap file is gone');
      reply
        .type('application/vnd.tcpdump.pcap')
        .header('content-disposition', `attachment; filename="${s.prefix}${s.sessionId}.pcap"`)
        .header('cache-control', 'no-store');
      return reply.send(createReadStream(path));
    },
  );
}
