// Hand-built flows and metadata shared by the EVE record tests (not a test file itself).
import type { FlowRecord } from '../../../../src/export/flows/flow-record.js';
import type { EveInput } from '../../../../src/export/records/eve/eve-types.js';

/** 2023-09-18T06:13:41.532140Z in UNIX µs (the EVE doc's example time). */
export const T0 = 1695017621532140;

export function flowRecord(over: Partial<FlowRecord> = {}): FlowRecord {
  return {
    proto: 'TCP', ipVersion: 4, aAddr: '10.20.0.5', aPort: 49152, bAddr: '93.184.216.34', bPort: 443,
    pktsAB: 12, pktsBA: 10, bytesAB: 1800, bytesBA: 9000, firstUs: T0, lastUs: T0 + 2_500_000,
    app: 'TLS.example.com', appMethod: 'dpi', endReason: 'idle', ...over,
  };
}

export function input(over: Partial<EveInput> = {}): EveInput {
  return { flowId: 42, flow: flowRecord(), proto: null, meta: {}, gatewayId: 'gw-1', operatorId: 'op-1', ...over };
}
