// What one device did during one reporting interval, accumulated from per-flow deltas.

export interface TrafficTotals {
  packets: number;
  bytes: number;
}

export interface DestinationTotals {
  address: string;
  port: number;
  protocol: string;
  name?: string;
  uplinkBytes: number;
  downlinkBytes: number;
  packets: number;
}

export interface AppTotals {
  app: string;
  method: string;
  packets: number;
  uplinkBytes: number;
  downlinkBytes: number;
  flows: number;
}

export class DeviceInterval {
  readonly uplink: TrafficTotals = { packets: 0, bytes: 0 };
  readonly downlink: TrafficTotals = { packets: 0, bytes: 0 };
  activeFlows = 0;
  newFlows = 0;
  readonly destinations = new Map<string, DestinationTotals>();
  readonly apps = new Map<string, AppTotals>();

  get empty(): boolean {
    return this.uplink.packets === 0 && this.downlink.packets === 0 && this.newFlows === 0;
  }
}

/** One flow's contribution since it was last reported, seen from the device. */
export interface FlowDelta {
  upPackets: number;
  upBytes: number;
  downPackets: number;
  downBytes: number;
}

export function addFlowDelta(
  acc: DeviceInterval,
  d: FlowDelta,
  dest: { address: string; port: number; protocol: string; name?: string },
  app: { app: string; method: string },
): void {
  acc.uplink.packets += d.upPackets;
  acc.uplink.bytes += d.upBytes;
  acc.downlink.packets += d.downPackets;
  acc.downlink.bytes += d.downBytes;
  acc.activeFlows++;

  const dk = `${dest.protocol}|${dest.address}|${dest.port}`;
  let dt = acc.destinations.get(dk);
  if (!dt) {
    dt = { address: dest.address, port: dest.port, protocol: dest.protocol, uplinkBytes: 0, downlinkBytes: 0, packets: 0 };
    if (dest.name) dt.name = dest.name;
    acc.destinations.set(dk, dt);
  } else if (!dt.name && dest.name) {
    dt.name = dest.name;
  }
  dt.uplinkBytes += d.upBytes;
  dt.downlinkBytes += d.downBytes;
  dt.packets += d.upPackets + d.downPackets;

  const ak = `${app.app}|${app.method}`;
  let at = acc.apps.get(ak);
  if (!at) {
    at = { app: app.app, method: app.method, packets: 0, uplinkBytes: 0, downlinkBytes: 0, flows: 0 };
    acc.apps.set(ak, at);
  }
  at.packets += d.upPackets + d.downPackets;
  at.uplinkBytes += d.upBytes;
  at.downlinkBytes += d.downBytes;
  at.flows++;
}
