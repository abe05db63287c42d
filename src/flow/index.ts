// The flow stage: bidirectional flow table with timeouts, TCP state and fragment attribution.
export { FlowTable, bytesPerFlow } from './flow-table.js';
export type { ExpireReason, ExpireCallback, FlowTableOptions, FlowTableStats } from './flow-table.js';
export { flowHash, shardHash } from './flow-hash.js';
export { FlowKey, loadFlowKey, hasPorts } from './flow-key.js';
export { DEFAULT_FLOW_TIMEOUTS, TimeoutClass, TIMEOUT_CLASS_COUNT, resolveTimeouts } from './timeouts.js';
export type { FlowTimeouts } from './timeouts.js';
export { TcpState, TcpFlag, TCP_STATE_NAMES } from './tcp-state.js';
export { protoName } from './flow-text.js';
