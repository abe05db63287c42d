// The API's resources as the dashboard uses them (see docs/api.md and schemas/).
export interface Gateway {
  id: string;
  name: string;
  deviceSubnets: string[];
}

export interface Device {
  id: string;
  ip: string;
  imsi?: string | null;
  name?: string | null;
  group?: string | null;
  tags?: string[];
  status: string;
}

export interface AppUse {
  app: string;
  method: string;
  packets: number;
  bytes: number;
  uplinkBytes: number;
  downlinkBytes: number;
  flows: number;
}

export interface Destination {
  address: string;
  port: number;
  protocol: string;
  name?: string;
  uplinkBytes: number;
  downlinkBytes: number;
  bytes: number;
  packets: number;
}

export interface Report {
  recordId: string;
  gatewayId: string;
  imsi?: string;
  timestamp: number;
  payloads: {
    device: { ip: string; name?: string; group?: string; registered: boolean };
    interval: { start: number; end: number };
    uplink: { packets: number; bytes: number };
    downlink: { packets: number; bytes: number };
    flows: { active: number; new: number };
    applications: AppUse[];
    destinations: Destination[];
  };
}

export interface Flow {
  proto: string;
  aAddr: string;
  aPort: number;
  bAddr: string;
  bPort: number;
  pktsAB: number;
  pktsBA: number;
  bytesAB: number;
  bytesBA: number;
  firstUs: number;
  lastUs: number;
  app: string;
  appMethod: string;
  endReason: string;
}

export interface MirroringPeer {
  ipAddress: string;
  protocol: 'gre' | 'vxlan';
  key?: number;
  vni?: number;
  enabled: boolean;
  description?: string;
  truncate?: number;
}

export interface RedirectionTarget {
  address: string;
  protocol: string;
  vni: number;
}

export interface Junction {
  inspection: { enabled: boolean; intervalSeconds: number; topDestinations: number };
  mirroring: { peers: MirroringPeer[] };
  redirection: { enabled: boolean; gateway: RedirectionTarget; standby?: RedirectionTarget; description?: string } | null;
}

export interface CaptureSession {
  sessionId: string;
  status: string;
  createdTime: string;
  duration: number;
  deviceIp?: string | null;
  imsi?: string | null;
  url?: string;
  failedReason?: string;
}

/** One event of GET /v1/gateways/{gw}/live. */
export interface LiveEvent {
  gatewayId: string;
  at: string;
  running: boolean;
  counters: Record<string, number>;
  rates: { framesPerSec: number; ipPacketsPerSec: number; ipBitsPerSec: number };
  junction: {
    mirroring: ({ address: string } & Record<string, unknown>)[];
    redirection: { enabled?: boolean; active?: string; peers?: ({ role: string; address: string; healthy: boolean; state: string; switches?: number } & Record<string, unknown>)[] } | null;
  } | null;
}
