// /v1/gateways/{gw}/live: a Server-Sent Events stream of the gateway's live counters (and the
// Junction peers' run-time state when the data plane reports it), one `live` event per period, for
// clients that accept text/event-stream; any other client gets one event as plain JSON (so generic
// API clients and crawlers of the OpenAPI document never hang on it). The dashboard reads the stream
// with fetch, so the key travels in a header, never in the URL.
import type { FastifyInstance } from 'fastify';
import type { ServerResponse } from 'node:http';
import type { ApiContext } from '../context.js';
import { gatewayOf } from '../context.js';
import type { DataPlane, DataPlaneCounters } from '../../control/data-plane.js';
import { ApiError } from '../errors.js';
import { errors, idParam } from '../schemas.js';

/**
 * Run-time state of the Junction peers, as an optional data plane reports it (LiveDataPlane:
 * DataPlaneJunctionStatus in src/control/data-plane-junction.ts; counters of src/actions/).
 */
export interface JunctionLiveStatus {
  /** Per mirroring peer: address, state (mirroring | connecting | disabled | error), error, sent, dropped, truncated, bytes, errors… */
  mirroring: ({ address: string } & Record<string, unknown>)[];
  /** Redirection: enabled, mode, active ('primary' | 'standby'), redirected, peers[{role, address, healthy, state, switches…}]. */
  redirection: Record<string, unknown> | null;
  /** Junction settings the data path could not apply. */
  problems?: string[];
}

/** A data plane that can also say how its Junction peers are doing (optional; see LiveDataPlane). */
export interface JunctionStatusSource {
  junctionStatus(gatewayId: string): JunctionLiveStatus | null;
}

export interface LiveEvent {
  gatewayId: string;
  at: string;
  running: boolean;
  counters: DataPlaneCounters;
  /** Per second since the previous event (0 on the first). */
  /** upBitsPerSec: IP bits device → network; downBitsPerSec: network → device (0 when the data plane has no direction counters). */
  rates: { framesPerSec: number; ipPacketsPerSec: number; ipBitsPerSec: number; upBitsPerSec: number; downBitsPerSec: number };
  junction: JunctionLiveStatus | null;
}

/** Most concurrent streams per server: each holds a socket and a timer. */
export const MAX_LIVE_STREAMS = 64;

function junctionOf(dp: DataPlane, gatewayId: string): JunctionLiveStatus | null {
  const src = dp as Partial<JunctionStatusSource>;
  // the data plane's own status type is checked where it is built; here it is plain JSON to send
  return typeof src.junctionStatus === 'function' ? (src.junctionStatus(gatewayId) as JunctionLiveStatus | null) : null;
}

/** One live event; prev is the previous event's counters and time (ms) for the rates. */
export function liveEvent(dp: DataPlane, gatewayId: string, prev: { counters: DataPlaneCounters; ms: number } | null, nowMs: number): LiveEvent {
  const c = dp.counters(gatewayId);
  const counters = c ?? {};
  const rate = (name: string, scale = 1) => {
    if (!prev || nowMs <= prev.ms) return 0;
    const d = (counters[name] ?? 0) - (prev.counters[name] ?? 0);
    return d > 0 ? Math.round((d * scale * 1000) / (nowMs - prev.ms)) : 0;
  };
  return {
    gatewayId,
    at: new Date(nowMs).toISOString(),
    running: c !== null,
    counters,
    rates: {
      framesPerSec: rate('frames'),
      ipPacketsPerSec: rate('ipPackets'),
      ipBitsPerSec: rate('ipBytes', 8),
      upBitsPerSec: rate('upBytes', 8),
      downBitsPerSec: rate('downBytes', 8),
    },
    junction: junctionOf(dp, gatewayId),
  };
}

export function liveRoutes(app: FastifyInstance, { dataPlane }: ApiContext): void {
  const open = new Set<ServerResponse>();
  // Streams never end by themselves: end them before the server waits for its connections.
  app.addHook('preClose', async () => {
    for (const res of open) res.end();
    open.clear();
  });
  app.get(
    '/v1/gateways/:gw/live',
    {
      schema: {
        tags: ['gateways'],
        summary: 'Live counters: with Accept: text/event-stream, Server-Sent Events (one `live` event per period); otherwise one event as JSON',
        params: idParam('gw'),
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { period: { type: 'integer', minimum: 250, maximum: 60000, default: 1000, description: 'ms between events' } },
        },
        response: { ...errors },
      },
    },
    async (req, reply) => {
      const gw = gatewayOf(req);
      if (!/\btext\/event-stream\b/.test(req.headers.accept ?? '')) return liveEvent(dataPlane, gw.id, null, Date.now());
      if (open.size >= MAX_LIVE_STREAMS) throw new ApiError(429, 'FG_API_RATE_LIMITED', `too many live streams (at most ${MAX_LIVE_STREAMS})`);
      const period = (req.query as { period: number }).period;
      const res = reply.raw;
      reply.hijack();
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-store',
        'x-accel-buffering': 'no',
        connection: 'keep-alive',
      });
      open.add(res);
      let prev: { counters: DataPlaneCounters; ms: number } | null = null;
      const send = () => {
        const now = Date.now();
        const ev = liveEvent(dataPlane, gw.id, prev, now);
        prev = { counters: ev.counters, ms: now };
        res.write(`event: live\ndata: ${JSON.stringify(ev)}\n\n`);
      };
      res.write(`retry: 2000\n\n`);
      send();
      const timer = setInterval(send, period);
      res.on('close', () => {
        clearInterval(timer);
        open.delete(res);
      });
    },
  );
}
