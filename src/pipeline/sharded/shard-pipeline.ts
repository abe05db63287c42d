// The Pipeline of one shard of a sharded replay, the same on the reading thread (shard 0) and in each
// worker thread (the others): its share of the flow table, and its records handed to `sinks`.
import { Pipeline } from '../worker.js';
import type { FleetSetup } from '../../cli/fleet-setup.js';
import type { InspectionReportOut } from '../../export/inspection/report-builder.js';
import type { FlowRecord } from '../../export/flows/flow-record.js';
import type { EveRecord } from '../../export/records/eve/eve-types.js';
import type { ShardSetup } from './messages.js';
import { eveRecordsOf } from './flow-eve.js';

export interface ShardSinks {
  report: (r: InspectionReportOut) => void;
  flow: (f: FlowRecord) => void;
  eve: (r: EveRecord) => void;
}

export function shardPipeline(s: FleetSetup, setup: ShardSetup, shard: number, shards: number, sinks: ShardSinks): Pipeline {
  return new Pipeline({
    operatorId: s.operatorId,
    gatewayId: s.gatewayId,
    intervalUs: s.intervalSec * 1e6,
    // each shard holds about its share of the flows; keep headroom for an uneven split
    flowCapacity: Math.ceil((s.flowCapacity * 2) / shards),
    timeouts: s.config?.flowTable.timeouts,
    devices: s.devices,
    catalog: s.catalog,
    topDestinations: s.config?.gateway.inspection.topDestinations,
    dpi: setup.dpi,
    onReport: sinks.report,
    onFlowEnd: setup.flows ? sinks.flow : undefined,
    onFlowMeta: setup.eve
      ? (flow, info) => {
          // flow ids count per shard: spread them so they stay unique across shards
          for (const r of eveRecordsOf(flow, { ...info, flowId: info.flowId * shards + shard }, s.gatewayId, s.operatorId)) sinks.eve(r);
        }
      : undefined,
  });
}
