// Query parameters shared by /v1/reports and /v1/flows: gateway, device (IP or IMSI), app, time range.
import type { FastifyRequest } from 'fastify';
import type { ApiContext } from '../context.js';
import { actorOf } from '../context.js';
import { ApiError } from '../errors.js';
import type { HistoryQuery } from '../../control/store/history-repo.js';

export const historyQuerystring = {
  type: 'object',
  additionalProperties: false,
  properties: {
    gateway: { type: 'string', maxLength: 128 },
    device: { type: 'string', maxLength: 64, description: 'device IP or IMSI' },
    app: { type: 'string', maxLength: 128 },
    from: { type: 'string', maxLength: 40, description: 'ISO 8601 time or ms since the epoch (inclusive)' },
    to: { type: 'string', maxLength: 40, description: 'ISO 8601 time or ms since the epoch (exclusive)' },
    limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
  },
} as const;

function timeMs(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  const ms = /^\d{1,16}$/.test(v) ? Number(v) : Date.parse(v);
  if (!Number.isFinite(ms)) throw new ApiError(400, 'FG_API_VALIDATION', `querystring.${name}: '${v}' is not a time`, [{ path: `querystring.${name}`, problem: 'not an ISO 8601 time or ms since the epoch' }]);
  return ms;
}

/** The store query for this request; a gateway of another operator is a 404. */
export function historyQuery(req: FastifyRequest, { store }: ApiContext): HistoryQuery {
  const q = req.query as { gateway?: string; device?: string; app?: string; from?: string; to?: string; limit: number };
  const actor = actorOf(req);
  if (q.gateway !== undefined && !store.gateways.get(actor.operatorId, q.gateway)) throw new ApiError(404, 'FG_API_NOT_FOUND', `gateway '${q.gateway}' not found`);
  const out: HistoryQuery = { operatorId: actor.operatorId, limit: q.limit };
  if (q.gateway !== undefined) out.gatewayId = q.gateway;
  if (q.device !== undefined) out.device = q.device;
  if (q.app !== undefined) out.app = q.app;
  const from = timeMs(q.from, 'from');
  const to = timeMs(q.to, 'to');
  if (from !== undefined) out.fromMs = from;
  if (to !== undefined) out.toMs = to;
  return out;
}
