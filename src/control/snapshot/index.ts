// Immutable per-gateway config snapshots for the data path.
export { buildGatewaySnapshot, deepFreeze, type GatewaySnapshot } from './gateway-snapshot.js';
export { SnapshotHub, type SnapshotListener } from './snapshot-hub.js';
