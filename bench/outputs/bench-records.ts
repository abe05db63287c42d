// The records the outputs bench pushes: finished-flow records of a replayed simulator capture, enveloped
// as Outputs does (`{ id, type, gateway, operator, time, record }`), with the flow's stable id.
import { rmSync } from 'node:fs';
import { writeSimCapture } from '../../test/_support/sim-capture.js';
import { Pipeline } from '../../src/pipeline/worker.js';
import { replayFile } from '../../src/pipeline/replay.js';
import { DeviceDirectory } from '../../src/control/devices/device-directory.js';
import { flowRecordId } from '../../src/export/outputs.js';
import type { FlowRecord } from '../../src/export/flows/flow-record.js';
import type { SinkRecord } from '../../src/export/sinks/sink.js';

const GATEWAY = 'gw-bench';

/** n flow records (the capture's flows, repeated with a `#k` id suffix when it has fewer). */
export async function benchRecords(n: number): Promise<{ records: SinkRecord[]; flows: number; meanBytes: number }> {
  const cap = await writeSimCapture({ devices: 50, durationSec: 300, seed: 11 });
  const flows: FlowRecord[] = [];
  try {
    const pipeline = new Pipeline({
      operatorId: 'op-bench',
      gatewayId: GATEWAY,
      intervalUs: 3600e6,
      flowCapacity: 1 << 16,
      devices: DeviceDirectory.empty(),
      onFlowMeta: (flow) => flows.push(flow),
    });
    await replayFile(cap.pcap, pipeline);
  } finally {
    rmSync(cap.dir, { recursive: true, force: true });
  }
  if (flows.length === 0) throw new Error('the simulator capture gave no flows');
  const records: SinkRecord[] = [];
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    const f = flows[i % flows.length];
    const k = Math.floor(i / flows.length);
    const id = flowRecordId(GATEWAY, f) + (k ? `#${k}` : '');
    const time = new Date(Math.floor(f.lastUs / 1000)).toISOString();
    const body = Buffer.from(JSON.stringify({ id, type: 'flow', gateway: GATEWAY, operator: 'op-bench', time, record: f }));
    bytes += body.length;
    records.push({ id, type: 'flow', body });
  }
  return { records, flows: flows.length, meanBytes: Math.round(bytes / n) };
}
