// The records a real replay produces, as sink records: replays corpus captures through the Pipeline
// and turns every finished flow into one `flow` record plus its EVE records (`eve`). Ids are stable
// (`<capture>:<flowId>:<n>`), as the batcher's would be.
import type { TestContext } from 'node:test';
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Pipeline } from '../../../../src/pipeline/worker.js';
import { replayFile } from '../../../../src/pipeline/replay.js';
import { DeviceDirectory } from '../../../../src/control/devices/device-directory.js';
import { buildEveRecords } from '../../../../src/export/records/eve/build-eve-records.js';
import type { SinkRecord } from '../../../../src/export/sinks/sink.js';
import { corpusDir } from '../../../_support/tools.js';

const CAPTURES = ['dns.pcap', 'mqtt.pcap', 'coap_mqtt.pcap', 'http.pcapng', 'google_ssl.pcap', 'quic-29.pcap', 'android.pcap', 'iphone.pcap', 'synscan.pcap'];

/** Records of a few nDPI corpus captures, in replay order; null (test skipped) without the corpus. */
export async function replayRecords(t: TestContext): Promise<SinkRecord[] | null> {
  const dir = corpusDir(t, 'ndpi/pcap');
  if (!dir) return null;
  const enc = new TextEncoder();
  const out: SinkRecord[] = [];
  for (const name of CAPTURES) {
    const file = join(dir, name);
    if (!existsSync(file)) continue;
    const tag = basename(name).replace(/\W/g, '_');
    const pipeline = new Pipeline({
      operatorId: 'op-1',
      gatewayId: 'gw-1',
      intervalUs: 3600e6,
      flowCapacity: 1 << 14,
      devices: DeviceDirectory.empty(),
      onFlowMeta: (flow, info) => {
        out.push({ id: `${tag}:${info.flowId}:0`, type: 'flow', body: enc.encode(JSON.stringify(flow)) });
        const eve = buildEveRecords({ flowId: info.flowId, flow, proto: info.proto, meta: info.meta, gatewayId: 'gw-1', operatorId: 'op-1' });
        eve.forEach((r, n) => out.push({ id: `${tag}:${info.flowId}:${n + 1}`, type: 'eve', body: enc.encode(JSON.stringify(r)) }));
      },
    });
    await replayFile(file, pipeline);
  }
  if (out.length === 0) throw new Error(`no records from ${CAPTURES.join(', ')} in ${dir}`);
  return out;
}

/** Splits records into batches of `size` (as the batcher would hand them over). */
export function batches(records: readonly SinkRecord[], size: number): SinkRecord[][] {
  const out: SinkRecord[][] = [];
  for (let i = 0; i < records.length; i += size) out.push(records.slice(i, i + size));
  return out;
}

export const text = (b: Uint8Array): string => new TextDecoder().decode(b);
