// EVE-style metadata records (flow, dns, http, tls, quic, mqtt): builders, types and the validator.
export { buildEveRecords } from './build-eve-records.js';
export { validateEveRecord } from './validate-eve-record.js';
export { eveTimestamp, eveAgeSeconds } from './eve-time.js';
export { eveAppProto, eveFlowReason, eveProto, eveQuicVersion } from './eve-names.js';
export type * from './eve-types.js';
