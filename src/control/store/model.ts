// The control-plane model as the store returns it (plain JSON-ready objects; times are ISO 8601 text).
// No imports: the dashboard imports these types too (ui/src/types.ts), so they cannot drift.

/** What an API key may do: read, or read and write. */
export type Scope = 'read' | 'write';

export interface Operator {
  id: string;
  name: string;
  created: string;
}

export interface ApiKeyInfo {
  id: string;
  name: string;
  scopes: Scope[];
  created: string;
  lastUsed: string | null;
}

export interface InspectionSettings {
  enabled: boolean;
  /** 10..3600 s. */
  intervalSeconds: number;
  /** 1..1000. */
  topDestinations: number;
}

export interface PeerFilter {
  protocols?: ('tcp' | 'udp' | 'icmp')[];
  /** Remote CIDRs (canonical text). */
  cidrs?: string[];
  ports?: number[];
}

/** A mirroring peer, keyed by its IP address (Junction shape plus AWS Traffic Mirroring's VXLAN options). */
export interface MirroringPeer {
  ipAddress: string;
  protocol: 'gre' | 'vxlan';
  /** GRE key, 0..4294967295 (gre only). */
  key?: number;
  /** VXLAN network identifier, 0..16777215 (vxlan only). */
  vni?: number;
  enabled: boolean;
  description?: string;
  /** Mirror at most this many bytes of each packet (64..65535). */
  truncate?: number;
  filter?: PeerFilter;
}

export interface RedirectionTarget {
  address: string;
  protocol: 'vxlan' | 'geneve';
  /** 1..16777215. */
  vni: number;
  /** Outer UDP port (default 4789 for vxlan, 6081 for geneve). */
  port?: number;
  /** The appliance's IPv4 address inside the tunnel: health probes (ICMP echo) go there; absent = not probed. */
  innerAddress?: string;
}

export interface RedirectionSelector {
  groups?: string[];
  tags?: string[];
  cidrs?: string[];
}

export interface Redirection {
  enabled: boolean;
  gateway: RedirectionTarget;
  standby?: RedirectionTarget;
  /** The gateway's IPv4 address inside the tunnel: the source of health probes (required with innerAddress). */
  localAddress?: string;
  /** UDP port the gateway's redirection socket binds: where the peers send packets back (default: any free port). */
  localPort?: number;
  /** Health probes: every intervalMs (default 500), a peer is down after threshold misses (default 3). */
  probe?: { intervalMs?: number; threshold?: number };
  selector?: RedirectionSelector;
  description?: string;
}

export interface Junction {
  inspection: InspectionSettings;
  mirroring: { peers: MirroringPeer[] };
  redirection: Redirection | null;
}

export interface Gateway {
  id: string;
  operatorId: string;
  name: string;
  deviceSubnets: string[];
  maxUnregisteredDevices: number;
  junction: Junction;
  /** Bumped by every committed change to the gateway or anything under it. */
  version: number;
  created: string;
  updated: string;
}

export interface Group {
  gatewayId: string;
  name: string;
  description?: string;
  policy: Record<string, unknown>;
  created: string;
}

export type DeviceStatus = 'active' | 'quarantined';

export interface Device {
  id: string;
  gatewayId: string;
  imsi?: string;
  ip: string;
  name?: string;
  group?: string;
  tags: string[];
  teid?: number;
  /** GTP-U TEID written into downlink G-PDUs in VPG mode (the device side allocated it). */
  downlinkTeid?: number;
  status: DeviceStatus;
  created: string;
  updated: string;
}

export type CaptureStatus = 'CAPTURING' | 'DONE' | 'STOPPED' | 'FAILED';

export interface CaptureSession {
  sessionId: string;
  gatewayId: string;
  status: CaptureStatus;
  prefix: string;
  duration: number;
  deviceIp?: string;
  createdTime: string;
  startedTime?: string;
  endedTime?: string;
  failedReason?: string;
}

export interface AuditEntry {
  id: number;
  at: string;
  operatorId: string;
  keyId: string | null;
  action: string;
  resource: string;
  details: unknown;
}

// ---- inputs ----

export interface GatewayInput {
  /** Only seeding may choose the id; the API lets the store generate one. */
  id?: string;
  name?: string;
  deviceSubnets: string[];
  maxUnregisteredDevices?: number;
  inspection?: Partial<InspectionSettings>;
}

export interface GatewayPatch {
  name?: string;
  deviceSubnets?: string[];
  maxUnregisteredDevices?: number;
}

export interface GroupInput {
  name: string;
  description?: string;
  policy?: Record<string, unknown>;
}

export interface DeviceInput {
  imsi?: string;
  ip: string;
  name?: string;
  group?: string;
  tags?: string[];
  teid?: number;
  downlinkTeid?: number;
  status?: DeviceStatus;
}

export type DevicePatch = Partial<DeviceInput>;
