// Where a one-thread pipeline's records go, for `replay` and `gateway`: Inspection reports to --out
// (standard output without it), finished flows to --flows-out, EVE-shaped records to --records, and
// each to the outputs that take its type. Callbacks are made only for what someone wants.
import type { PipelineOptions } from '../pipeline/worker.js';
import type { JsonlWriter } from '../export/jsonl-writer.js';
import type { Outputs } from '../export/outputs.js';
import { eveRecordId, eveRecordsOf } from '../pipeline/sharded/flow-eve.js';

export interface RecordDestinations {
  out: JsonlWriter | null;
  flowsOut: JsonlWriter | null;
  records: JsonlWriter | null;
  /** Outputs, or anything that routes records like them (the gateway's reloadable GatewayOutputs). */
  outputs: Pick<Outputs, 'emit' | 'emitFlow' | 'wants'> | null;
  /** Read at each record: the gateway changes them on a reload of gateway.id / operator.id. */
  gatewayId: string;
  operatorId: string;
}

export function pipelineRecordHandlers(d: RecordDestinations): Pick<PipelineOptions, 'onReport' | 'onFlowEnd' | 'onFlowMeta'> {
  const { out, flowsOut, records, outputs } = d;
  let eveSeq = 0;
  const wantEve = !!records || !!outputs?.wants('eve');
  return {
    onReport: (r) => {
      if (out) out.write(r);
      else process.stdout.write(JSON.stringify(r) + '\n');
      outputs?.emit('inspection', r.recordId, r, r.timestamp);
    },
    onFlowEnd:
      flowsOut || outputs
        ? (f) => {
            flowsOut?.write(f);
            outputs?.emitFlow(f);
          }
        : undefined,
    onFlowMeta: wantEve
      ? (flow, info) => {
          for (const r of eveRecordsOf(flow, info, d.gatewayId, d.operatorId)) {
            records?.write(r);
            outputs?.emit('eve', eveRecordId(d.gatewayId, info.flowId, r.event_type, eveSeq++), r);
          }
        }
      : undefined,
  };
}
