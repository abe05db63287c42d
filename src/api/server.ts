// The REST API server: fastify with JSON Schema on every route, OpenAPI at /openapi.json, stable error
// codes, API-key auth scoped to the caller's operator, failed-auth and request rate limits, body
// limits, and a logger that never prints keys.
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import swagger from '@fastify/swagger';
import rateLimit from '@fastify/rate-limit';
import type { Store } from '../control/store/store.js';
import { NO_DATA_PLANE, type DataPlane } from '../control/data-plane.js';
import { CaptureService } from '../control/capture-service.js';
import { hasScope } from '../control/auth/api-key.js';
import { ApiError, toErrorReply } from './errors.js';
import { AuthFailureLimiter, type AuthLimiterOptions } from './auth-limiter.js';
import type { ApiContext } from './context.js';
import { ROUTES } from './routes/index.js';
import { registerDashboard } from './static.js';

import { BODY_LIMIT, CSV_BODY_LIMIT } from './limits.js';

export { BODY_LIMIT, CSV_BODY_LIMIT };

export interface ServerOptions {
  store: Store;
  dataPlane?: DataPlane;
  /** fastify logger option; keys and authorization headers are always redacted. Default off. */
  logger?: boolean | Exclude<FastifyServerOptions['logger'], undefined>;
  authLimit?: AuthLimiterOptions;
  /** Requests per minute per client address (default 1200). */
  requestsPerMinute?: number;
  /** Behind a reverse proxy: trust X-Forwarded-For for the client address. */
  trustProxy?: boolean;
  /** The built dashboard to serve at / (default ui/dist beside the package); false: no dashboard. */
  uiDir?: string | false;
}

const REDACT = ['req.headers.authorization', 'req.headers["x-api-key"]', 'headers.authorization', 'headers["x-api-key"]', 'key', '*.key'];

export function buildServer(opts: ServerOptions): FastifyInstance {
  const logger = opts.logger === undefined || opts.logger === false ? false : { ...(opts.logger === true ? {} : opts.logger), redact: { paths: REDACT, censor: '[redacted]' } };
  const app = Fastify({
    logger,
    bodyLimit: BODY_LIMIT,
    trustProxy: opts.trustProxy ?? false,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: true } },
  });
  const dataPlane = opts.dataPlane ?? NO_DATA_PLANE;
  const ctx: ApiContext = { store: opts.store, dataPlane, captures: new CaptureService(opts.store, dataPlane) };
  const limiter = new AuthFailureLimiter(opts.authLimit);

  app.decorateRequest('actor', null);
  app.decorateRequest('gateway', null);

  app.setErrorHandler((err, req, reply) => {
    const r = toErrorReply(err);
    if (r.internal) req.log.error({ err }, 'request failed');
    if (r.status === 429 && !reply.hasHeader('retry-after')) reply.header('retry-after', '60');
    return reply.code(r.status).send(r.body);
  });
  app.setNotFoundHandler((req, reply) => reply.code(404).send({ error: { code: 'FG_API_NOT_FOUND', message: `no route ${req.method} ${req.url.split('?')[0]}` } }));

  app.addContentTypeParser('text/csv', { parseAs: 'string', bodyLimit: CSV_BODY_LIMIT }, (_req, body, done) => done(null, body));

  app.register(rateLimit, {
    global: true,
    max: opts.requestsPerMinute ?? 1200,
    timeWindow: 60_000,
    errorResponseBuilder: (_req, c) => new ApiError(429, 'FG_API_RATE_LIMITED', `too many requests; retry in ${Math.ceil(c.ttl / 1000)} s`),
  });

  app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'fleetgate API', version: '1', description: 'Control plane of the fleetgate virtual private gateway. See docs/api.md.' },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'Authorization: Bearer fgk_<id>_<secret>' },
          apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
        },
      },
      security: [{ bearer: [] }, { apiKey: [] }],
    },
  });

  app.register(async (api) => {
    // Authentication and scope (onRequest: before the body is read).
    api.addHook('onRequest', async (req) => {
      const wait = limiter.retryAfter(req.ip);
      if (wait > 0) throw new ApiError(429, 'FG_API_RATE_LIMITED', `too many failed authentications; retry in ${wait} s`);
      const key = presentedKey(req.headers);
      const actor = key ? opts.store.operators.authenticate(key) : null;
      if (!actor) {
        limiter.fail(req.ip);
        throw new ApiError(401, 'FG_API_UNAUTHORIZED', key ? 'invalid API key' : 'missing API key (Authorization: Bearer <key> or X-API-Key)');
      }
      req.actor = actor;
      const need = req.method === 'GET' || req.method === 'HEAD' ? 'read' : 'write';
      if (!hasScope(actor.scopes, need)) throw new ApiError(403, 'FG_API_FORBIDDEN', `this key lacks the '${need}' scope`);
    });
    // Operator scope: a {gw} of another operator does not exist (404, before the body is validated).
    api.addHook('preValidation', async (req) => {
      const gw = (req.params as Record<string, string> | undefined)?.gw;
      if (gw === undefined || !req.actor) return;
      const g = opts.store.gateways.get(req.actor.operatorId, gw);
      if (!g) throw new ApiError(404, 'FG_API_NOT_FOUND', `gateway '${gw}' not found`);
      req.gateway = g;
    });
    for (const register of ROUTES) register(api, ctx);
  });

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  if (opts.uiDir !== false) registerDashboard(app, opts.uiDir);
  app.addHook('onClose', async () => ctx.captures.stopAll());
  return app;
}

function presentedKey(h: Record<string, string | string[] | undefined>): string | null {
  const auth = h.authorization;
  if (typeof auth === 'string' && auth.startsWith('Bearer ')) return auth.slice(7).trim();
  const x = h['x-api-key'];
  return typeof x === 'string' && x !== '' ? x.trim() : null;
}
