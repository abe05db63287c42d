// Every resource's routes, registered in this order under the authenticated /v1 scope.
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../context.js';
import { operatorRoutes } from './operators.js';
import { keyRoutes } from './keys.js';
import { auditRoutes } from './audit.js';
import { gatewayRoutes } from './gateways.js';
import { groupRoutes } from './groups.js';
import { deviceRoutes } from './devices.js';
import { inspectionRoutes } from './junction-inspection.js';
import { mirroringRoutes } from './mirroring-peers.js';
import { redirectionRoutes } from './redirection.js';
import { reportRoutes } from './reports.js';
import { flowRoutes } from './flows.js';
import { counterRoutes } from './counters.js';
import { captureRoutes } from './captures.js';
import { liveRoutes } from './live.js';
import { outputRoutes } from './outputs.js';

export type RouteRegistrar = (app: FastifyInstance, ctx: ApiContext) => void;

export const ROUTES: readonly RouteRegistrar[] = [
  operatorRoutes,
  keyRoutes,
  auditRoutes,
  gatewayRoutes,
  groupRoutes,
  deviceRoutes,
  inspectionRoutes,
  mirroringRoutes,
  redirectionRoutes,
  outputRoutes,
  reportRoutes,
  flowRoutes,
  counterRoutes,
  captureRoutes,
  liveRoutes,
];
