// /v1/gateways/{gw}/devices: CRUD, filtered listing, and all-or-nothing CSV import.
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../context.js';
import { actorOf, gatewayOf } from '../context.js';
import type { DeviceInput, DevicePatch } from '../../control/store/model.js';
import type { DeviceFilter } from '../../control/store/devices-repo.js';
import { CSV_BODY_LIMIT } from '../limits.js';
import { deviceBody, devicePatchBody, deviceSchema, errors, idParam, listOf } from '../schemas.js';

export function deviceRoutes(app: FastifyInstance, { store }: ApiContext): void {
  const tags = ['devices'];
  const base = '/v1/gateways/:gw/devices';
  const one = idParam('gw', 'deviceId');
  app.get(
    base,
    {
      schema: {
        tags,
        summary: 'List devices',
        params: idParam('gw'),
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            ip: { type: 'string', maxLength: 64 },
            imsi: { type: 'string', maxLength: 15 },
            group: { type: 'string', maxLength: 128 },
            tag: { type: 'string', maxLength: 64 },
            status: { type: 'string', enum: ['active', 'quarantined'] },
            limit: { type: 'integer', minimum: 1, maximum: 10000, default: 1000 },
            offset: { type: 'integer', minimum: 0, default: 0 },
          },
        },
        response: { 200: listOf(deviceSchema), ...errors },
      },
    },
    async (req) => {
      const q = req.query as DeviceFilter & { limit: number; offset: number };
      const { limit, offset, ...filter } = q;
      return { items: store.devices.list(actorOf(req).operatorId, gatewayOf(req).id, filter, limit, offset) };
    },
  );
  app.post(base, { schema: { tags, summary: 'Add a device', params: idParam('gw'), body: deviceBody, response: { 201: deviceSchema, ...errors } } }, async (req, reply) => {
    reply.code(201);
    return store.devices.create(actorOf(req), gatewayOf(req).id, req.body as DeviceInput);
  });
  app.post(
    `${base}/import`,
    {
      bodyLimit: CSV_BODY_LIMIT,
      schema: {
        tags,
        summary: 'Import devices from CSV (imsi,ip,name,group,tags); all or nothing; existing IPs are updated',
        params: idParam('gw'),
        consumes: ['text/csv'],
        body: { type: 'string', minLength: 1 },
        response: { 200: { type: 'object', required: ['created', 'updated'], properties: { created: { type: 'integer' }, updated: { type: 'integer' } } }, ...errors },
      },
    },
    async (req) => store.devices.importCsv(actorOf(req), gatewayOf(req).id, req.body as string),
  );
  const idOf = (req: { params: unknown }) => (req.params as { deviceId: string }).deviceId;
  app.get(`${base}/:deviceId`, { schema: { tags, summary: 'Get a device', params: one, response: { 200: deviceSchema, ...errors } } }, async (req) =>
    store.devices.get(actorOf(req).operatorId, gatewayOf(req).id, idOf(req)),
  );
  app.patch(`${base}/:deviceId`, { schema: { tags, summary: 'Change a device', params: one, body: devicePatchBody, response: { 200: deviceSchema, ...errors } } }, async (req) =>
    store.devices.update(actorOf(req), gatewayOf(req).id, idOf(req), req.body as DevicePatch),
  );
  app.delete(`${base}/:deviceId`, { schema: { tags, summary: 'Remove a device', params: one, response: { 204: { type: 'null' }, ...errors } } }, async (req, reply) => {
    store.devices.delete(actorOf(req), gatewayOf(req).id, idOf(req));
    return reply.code(204).send();
  });
}
