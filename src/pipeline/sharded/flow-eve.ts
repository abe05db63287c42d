// A finished flow's EVE-shaped records (replay's --records and `eve` outputs), for one thread or a shard.
import type { AppMeta } from '../../classify/dissector.js';
import type { FlowRecord } from '../../export/flows/flow-record.js';
import { buildEveRecords } from '../../export/records/eve/index.js';
import type { EveRecord } from '../../export/records/eve/eve-types.js';

export function eveRecordsOf(flow: FlowRecord, info: { flowId: number; proto: string | null; meta: AppMeta }, gatewayId: string, operatorId: string): EveRecord[] {
  const dot = flow.app.indexOf('.');
  return buildEveRecords({
    flowId: info.flowId,
    flow,
    proto: info.proto,
    app: dot >= 0 ? flow.app.slice(dot + 1) : undefined,
    category: flow.category,
    meta: info.meta,
    gatewayId,
    operatorId,
  });
}

/** The record id of an EVE record: unique per run (seq counts every EVE record of the run or shard). */
export function eveRecordId(gatewayId: string, flowId: number | string, eventType: string, seq: number | string): string {
  return `${gatewayId}:eve:${flowId}:${eventType}:${seq}`;
}
