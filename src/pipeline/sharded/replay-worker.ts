// One shard (1 .. n-1; the reading thread is shard 0) of a sharded replay: advances packet time on
// every frame (so every shard closes intervals at the same times) and processes the frames the main
// thread assigned to this shard (Pipeline.processFrameOfBatch: the fast path for a plain packet of a
// known flow, else decode and the stages).
import { parentPort, workerData } from 'node:worker_threads';
import { fleetSetup } from '../../cli/fleet-setup.js';
import type { InspectionReportOut } from '../../export/inspection/report-builder.js';
import type { FlowRecord } from '../../export/flows/flow-record.js';
import type { EveRecord } from '../../export/records/eve/eve-types.js';
import type { FromWorker, ShardWorkerData, ToWorker } from './messages.js';
import { shardPipeline } from './shard-pipeline.js';

const { shard, shards, setup } = workerData as ShardWorkerData;
const port = parentPort!;
const post = (m: FromWorker) => port.postMessage(m);

try {
  const s = fleetSetup(setup);
  const reports: InspectionReportOut[] = [];
  const flowRecords: FlowRecord[] = [];
  const eve: EveRecord[] = [];
  const pipeline = shardPipeline(s, setup, shard, shards, {
    report: (r) => reports.push(r),
    flow: (f) => flowRecords.push(f),
    eve: (r) => eve.push(r),
  });
  const out = () => ({ reports: reports.splice(0), flowRecords: flowRecords.splice(0), eve: eve.splice(0) });
  port.on('message', (m: ToWorker) => {
    try {
      if (m.type === 'batch') {
        for (let i = 0; i < m.count; i++) {
          // every frame moves packet time on, so all shards close intervals together
          pipeline.advanceTime(m.tsUs[i]);
          if (m.shard[i] === shard) pipeline.processFrameOfBatch(m, i);
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
