// What route handlers get: the store, the data plane and the capture service; plus the request
// decorations set by the auth hooks (the caller's actor and, for /v1/gateways/{gw}/…, its gateway).
import type { FastifyRequest } from 'fastify';
import type { Store } from '../control/store/store.js';
import type { DataPlane } from '../control/data-plane.js';
import type { CaptureService } from '../control/capture-service.js';
import type { Actor } from '../control/auth/actor.js';
import type { Gateway } from '../control/store/model.js';
import { ApiError } from './errors.js';

export interface ApiContext {
  store: Store;
  dataPlane: DataPlane;
  captures: CaptureService;
}

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
    gateway: Gateway | null;
  }
}

export function actorOf(req: FastifyRequest): Actor {
  if (!req.actor) throw new ApiError(401, 'FG_API_UNAUTHORIZED', 'authentication required');
  return req.actor;
}

/** The caller's gateway named by the {gw} path parameter (already checked by the scope hook). */
export function gatewayOf(req: FastifyRequest): Gateway {
  if (!req.gateway) throw new ApiError(404, 'FG_API_NOT_FOUND', 'gateway not found');
  return req.gateway;
}
