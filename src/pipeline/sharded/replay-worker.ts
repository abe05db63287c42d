// One shard of a sharded replay: advances packet time on every frame (so every shard closes intervals
// at the same times) and decodes and processes the frames the main thread assigned to this shard.
import { parentPort, workerData } from 'node:worker_threads';
import { Pipeline } from '../worker.js';
import { decodeFrame } from '../../packet/decode.js';
import { fleetSetup } from '../../cli/fleet-setup.js';
import type { InspectionReportOut } from '../../export/inspection/report-builder.js';
import type { FlowRecord } from '../../export/flows/flow-record.js';
import type { EveRecord } from '../../export/records/eve/eve-types.js';
import type { FromWorker, ShardWorkerData, ToWorker } from './messages.js';
import { eveRecordsOf } from './flow-eve.js';

const { shard, shards, setup } = workerData as ShardWorkerData;
const port = parentPort!;
const post = (m: FromWorker) => port.postMessage(m);

try {
  const s = fleetSetup(setup);
  const reports: InspectionReportOut[] = [];
  const flowRecords: FlowRecord[] = [];
  const eve: EveRecord[] = [];
  const pipeline = new Pipeline({
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
    onReport: (r) => reports.push(r),
    onFlowEnd: setup.flows ? (f) => flowRecords.push(f) : undefined,
    onFlowMeta: setup.eve
      ? (flow, info) => {
          // flow ids count per shard: spread them so they stay unique across shards
          for (const r of eveRecordsOf(flow, { ...info, flowId: info.flowId * shards + shard }, s.gatewayId, s.operatorId)) eve.push(r);
        }
      : undefined,
  });
  const out = () => ({ reports: reports.splice(0), flowRecords: flowRecords.splice(0), eve: eve.splice(0) });
  const p = pipeline.view;
  port.on('message', (m: ToWorker) => {
    try {
      if (m.type === 'batch') {
        for (let i = 0; i < m.count; i++) {
          const ts = m.tsUs[i];
          // every frame moves packet time on, so all shards close intervals together
          pipeline.advanceTime(ts);
          if (m.shard[i] !== shard) continue;
          decodeFrame(p, m.buf, m.off[i], m.capLen[i], m.wireLen[i], ts, m.linkType[i], m.ifIndex[i]);
          pipeline.processDecoded();
        }
        post({ type: 'ack', seq: m.seq, ...out() });
      } else {
        pipeline.finish();
        const f = pipeline.flows.stats;
        post({ type: 'done', ...out(), stats: pipeline.stats, flows: { created: f.created, evicted: f.evicted } });
        port.close();
      }
    } catch (e) {
      post({ type: 'error', message: (e as Error).stack ?? String(e) });
    }
  });
} catch (e) {
  post({ type: 'error', message: (e as Error).message });
}
