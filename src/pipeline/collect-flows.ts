// Replays a capture and returns its flows sorted by their text line (for `fleetgate flows`, golden
// tests and the flow evaluation).
import { Pipeline } from './worker.js';
import { replayFile } from './replay.js';
import { formatFlowLine, type FlowRecord } from '../export/flows/flow-record.js';
import { DeviceDirectory } from '../control/devices/device-directory.js';
import type { AppCatalog } from '../classify/catalog/index.js';

export interface CollectOptions {
  devices?: DeviceDirectory;
  catalog?: AppCatalog;
  flowCapacity?: number;
}

export async function collectFlows(path: string, opts: CollectOptions = {}): Promise<{ flows: FlowRecord[]; lines: string[]; error?: string }> {
  const flows: FlowRecord[] = [];
  const pipeline = new Pipeline({
    operatorId: 'local',
    gatewayId: 'local',
    intervalUs: 60_000_000,
    flowCapacity: opts.flowCapacity ?? 1 << 16,
    devices: opts.devices ?? DeviceDirectory.empty(),
    catalog: opts.catalog,
    onFlowEnd: (r) => flows.push(r),
  });
  const res = await replayFile(path, pipeline);
  const lines = flows.map(formatFlowLine).sort();
  return res.captureError ? { flows, lines, error: res.captureError.message } : { flows, lines };
}
