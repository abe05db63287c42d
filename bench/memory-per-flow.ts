// Memory per active flow with N concurrent flows: the flow table plus every per-flow column the
// pipeline attaches (device/app attributes, Inspection's reported counters), filled with N real flows.
import { Pipeline } from '../src/pipeline/worker.js';
import { DeviceDirectory } from '../src/control/devices/device-directory.js';

/** A minimal Ethernet/IPv4/UDP frame whose source address and port we vary per flow. */
function frameTemplate(): Uint8Array {
  const f = new Uint8Array(14 + 20 + 8 + 4);
  f[12] = 0x08; // EtherType IPv4
  const ip = 14;
  f[ip] = 0x45;
  f[ip + 3] = 20 + 8 + 4; // total length
  f[ip + 8] = 64;
  f[ip + 9] = 17;
  f.set([10, 128, 0, 0], ip + 12);
  f.set([203, 0, 113, 7], ip + 16);
  const udp = ip + 20;
  f[udp + 2] = 0x07; // dst port 1883+... (any)
  f[udp + 3] = 0x5b;
  f[udp + 5] = 12;
  return f;
}

/**
 * N concurrent flows from 1,000 devices (10.128.0.0/22) to N/1000 remote endpoints each, so the
 * figure is per flow, not per device. DPI keeps extra state only for flows still being classified
 * (their first packets) and frees it when done, so it is not part of the steady per-flow cost.
 */
export function measureMemoryPerFlow(flows: number, dpi: boolean): { bytesPerFlow: number; created: number } {
  global.gc?.();
  const before = process.memoryUsage();
  const pipeline = new Pipeline({
    operatorId: 'bench',
    gatewayId: 'bench',
    intervalUs: 3600e6,
    flowCapacity: flows,
    devices: DeviceDirectory.empty(),
    dpi,
  });
  const f = frameTemplate();
  const ip = 14;
  for (let i = 0; i < flows; i++) {
    // device = i % 1000 (10.128.0.0/22); remote = 203.0.x.y and source port from i / 1000
    const dev = i % 1000;
    const r = Math.floor(i / 1000);
    f[ip + 14] = dev >>> 8;
    f[ip + 15] = dev & 0xff;
    f[ip + 17] = (r >>> 8) & 0xff;
    f[ip + 18] = r & 0xff;
    f[ip + 20] = 0x80 | ((r >>> 16) & 0x3f);
    pipeline.processFrame(f, 0, f.length, f.length, 1_700_000_000_000_000 + i, 1, 0);
  }
  global.gc?.();
  const after = process.memoryUsage();
  // `external` already includes `arrayBuffers` (the typed-array columns); heap holds the side tables
  const used = after.heapUsed + after.external - (before.heapUsed + before.external);
  return { bytesPerFlow: used / flows, created: pipeline.flows.stats.active };
}
