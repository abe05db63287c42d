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
  /** By destination key (FlowDestination.key). */
  readonly destinations = new Map<string, DestinationTotals>();
  /** By application key (FlowDescriber.appKey: the label id and the naming method in one number). */
  readonly apps = new Map<number, AppTotals>();

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

/** A flow's remote end, described once per flow (the aggregator keeps it while the flow lives). */
export interface FlowDestination {
  /** `protocol|address|port`: the destination's key in a device's interval. */
  readonly key: string;
  readonly address: string;
  readonly port: number;
  readonly protocol: string;
}

/**
 * Adds one flow's delta to a device's interval. `name` is the remote's host name when known (it can
 * appear during a flow: SNI, HTTP Host, a cached DNS answer). When flows to one destination carry
 * different names (a CDN address serving several), the alphabetically first wins: the report does not
 * depend on the order flows are visited in, nor on how they were spread over workers. `appKey`
 * identifies the application, and `appOf` describes it the first time the interval sees that key (so
 * nothing is allocated for an application already counted).
 */
export function addFlowDelta(
  acc: DeviceInterval,
  d: FlowDelta,
  dest: FlowDestination,
  name: string | undefined,
  appKey: number,
  appOf: (key: number) => { app: string; method: string },
): void {
  acc.uplink.packets += d.upPackets;
  acc.uplink.bytes += d.upBytes;
  acc.downlink.packets += d.downPackets;
  acc.downlink.bytes += d.downBytes;
  acc.activeFlows++;

  let dt = acc.destinations.get(dest.key);
  if (!dt) {
    dt = { address: dest.address, port: dest.port, protocol: dest.protocol, uplinkBytes: 0, downlinkBytes: 0, packets: 0 };
    if (name) dt.name = name;
    acc.destinations.set(dest.key, dt);
  } else if (name && (dt.name === undefined || name < dt.name)) {
    dt.name = name;
  }
  dt.uplinkBytes += d.upBytes;
  dt.downlinkBytes += d.downBytes;
  dt.packets += d.upPackets + d.downPackets;

  let at = acc.apps.get(appKey);
  if (!at) {
    const a = appOf(appKey);
    at = { app: a.app, method: a.method, packets: 0, uplinkBytes: 0, downlinkBytes: 0, flows: 0 };
    acc.apps.set(appKey, at);
  }
  at.packets += d.upPackets + d.downPackets;
  at.uplinkBytes += d.upBytes;
  at.downlinkBytes += d.downBytes;
  at.flows++;
}
