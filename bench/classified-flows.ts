// Replays a capture with DPI on and returns every flow with its protocol and application label.
import { Pipeline } from '../src/pipeline/worker.js';
import { replayFile } from '../src/pipeline/replay.js';
import { DeviceDirectory } from '../src/control/devices/device-directory.js';

export interface ClassifiedFlow {
  l4: string;
  a: string;
  aPort: number;
  b: string;
  bPort: number;
  /** DPI protocol, or null when no dissector matched. */
  proto: string | null;
  /** Application label as `fleetgate flows` prints it (e.g. TLS.aws-iot). */
  label: string;
  method: string;
}

export async function classifyCapture(path: string): Promise<ClassifiedFlow[]> {
  const out: ClassifiedFlow[] = [];
  const p = new Pipeline({
    operatorId: 'eval',
    gatewayId: 'eval',
    intervalUs: 3600e6,
    flowCapacity: 1 << 16,
    devices: DeviceDirectory.empty(),
    onFlowMeta: (r, info) =>
      out.push({ l4: r.proto, a: r.aAddr, aPort: r.aPort, b: r.bAddr, bPort: r.bPort, proto: info.proto, label: r.app, method: r.appMethod }),
  });
  await replayFile(path, p);
  return out;
}
