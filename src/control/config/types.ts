// The fleet config after loading: every default filled in, every value checked (see docs/config.md).
import type { MirroringConfig } from '../../actions/mirror/config.js';
import type { RedirectionConfig } from '../../actions/redirect/config.js';

export interface OperatorConfig {
  id: string;
  name?: string;
}

export interface InspectionConfig {
  /** Default true. */
  enabled: boolean;
  /** Report interval, 10..3600 s, default 60. */
  intervalSeconds: number;
  /** How many destinations (by bytes) a report lists, 1..1000, default 10. */
  topDestinations: number;
}

export interface GatewayConfig {
  id: string;
  name?: string;
  /** Canonical CIDR texts (host bits zero), IPv4 and/or IPv6; at least one. */
  deviceSubnets: string[];
  inspection: InspectionConfig;
  /** Bound on devices created on first sight from undeclared addresses; default 100000, 0 = none. */
  maxUnregisteredDevices: number;
  /** Export outputs (docs/outputs.md); absent = none. */
  outputs?: OutputsConfig;
  /** The live gateway's ports (`fleetgate gateway`); absent = none declared. */
  ports?: PortsConfig;
  /** Junction actions of the live gateway (Mirroring, Redirection); absent = none. */
  junction?: JunctionConfig;
}

/** `gateway.junction`: validated by the actions' own parsers (docs/mirroring.md, docs/redirection.md). */
export interface JunctionConfig {
  mirroring?: MirroringConfig;
  redirection?: RedirectionConfig;
}

export type OutputRecordType = 'inspection' | 'flow' | 'alert' | 'anomaly' | 'eve';

/** One export destination (`gateway.outputs.sinks[]`). */
export interface OutputSinkConfig {
  /** Unique per gateway; names the spool folder and the metrics label. */
  name: string;
  /** jsonl, webhook, ipfix, prometheus, mqtt, nats, postgres, kafka, elasticsearch. */
  kind: string;
  /** Record types this output takes; default all. */
  types: OutputRecordType[];
  /** Wrap each record as { id, type, gateway, operator, time, record }; default true. */
  envelope: boolean;
  /** Most records per write; default 500. */
  batchSize: number;
  /** The kind's own options (every other key of the entry), checked by the sink's factory. */
  options: Record<string, unknown>;
}

export interface OutputsConfig {
  /** On-disk spool for slow or unreachable destinations; absent: `gateway` and the API's data plane use a
   *  default spool folder, and a replay waits for its outputs instead (docs/outputs.md). */
  spool?: { dir: string; limitBytes: number; durable: boolean };
  sinks: OutputSinkConfig[];
}

/** A UDP tunnel port where device traffic arrives (VXLAN, GENEVE, GTP-U). */
export interface UdpTunnelPortConfig {
  kind: 'vxlan' | 'geneve' | 'gtpu';
  /** Local IPv4 address, default 0.0.0.0. */
  address: string;
  /** Local UDP port; default 4789 / 6081 / 2152. */
  port: number;
  /** UDP port packets to a device's tunnel endpoint go to; default the well-known port; 0 = its source port. */
  replyPort: number;
}

export interface TunPortConfig {
  kind: 'tun';
  name: string;
  /** CIDRs added to the device; default none. */
  addresses: string[];
  mtu?: number;
}

export interface PcapPortConfig {
  kind: 'pcap';
  file: string;
  pace: 'fast' | 'capture';
}

export type DevicePortConfig = UdpTunnelPortConfig | TunPortConfig | PcapPortConfig;

/**
 * `gateway.ports`: `devices` is where device traffic arrives; `network` (a TUN) is where it leaves
 * toward the servers. Without `network`, a tunnel port returns every packet to its sender (bump in
 * the wire) and a TUN port writes packets back into the same device.
 */
export interface PortsConfig {
  devices: DevicePortConfig;
  network?: TunPortConfig;
  /** The gateway's MAC inside Ethernet tunnels (ARP replies, re-encapsulated frames); default 02:66:67:00:00:01. */
  gatewayMac: string;
}

export interface GroupConfig {
  name: string;
  description?: string;
}

export interface DeviceConfig {
  /** 14 or 15 digits. */
  imsi?: string;
  /** Canonical address text (IPv6 in RFC 5952 form). */
  ip: string;
  name?: string;
  group?: string;
  /** GTP-U tunnel endpoint id, 1..4294967295. */
  teid?: number;
  /**
   * GTP-U TEID the device side (eNodeB/gNB) allocated for downlink, 1..4294967295: VPG mode writes it
   * into downlink G-PDUs; absent = the TEID the device last sent with.
   */
  downlinkTeid?: number;
  tags: string[];
}

/** Idle timeouts in seconds; absent = the flow table's own defaults. */
export interface FlowTimeoutsConfig {
  tcpEstablished?: number;
  tcpOpening?: number;
  tcpClosed?: number;
  udp?: number;
  icmp?: number;
  other?: number;
  /** Active timeout: a long flow is reported and its counters restart after this long. */
  active?: number;
}

export interface FlowTableConfig {
  /** Default 1000000. */
  capacity: number;
  timeouts: FlowTimeoutsConfig;
}

/**
 * An operator-defined application (`applications:` in the config), normalized: category filled in
 * ('custom' when absent), addresses and CIDRs in canonical text, every port as { proto, port } (a
 * plain number without `protocol` becomes one tcp and one udp entry). Custom wins over built-in.
 */
export interface CustomAppDef {
  name: string;
  category: string;
  /** Host patterns as written (trimmed); rules in docs/applications.md. */
  hosts: string[];
  ips: string[];
  cidrs: string[];
  ports: { proto: 'tcp' | 'udp'; port: number }[];
}

export interface FleetConfig {
  operator: OperatorConfig;
  gateway: GatewayConfig;
  /** As declared; when the file has no `groups`, one entry per group name the devices use. */
  groups: GroupConfig[];
  devices: DeviceConfig[];
  flowTable: FlowTableConfig;
  /** Custom application definitions, in file order; [] when absent. */
  applications: CustomAppDef[];
}

export const CONFIG_DEFAULTS = {
  inspectionEnabled: true,
  intervalSeconds: 60,
  topDestinations: 10,
  maxUnregisteredDevices: 100_000,
  flowTableCapacity: 1_000_000,
  customAppCategory: 'custom',
  gatewayMac: '02:66:67:00:00:01',
  tunnelPorts: { vxlan: 4789, geneve: 6081, gtpu: 2152 },
} as const;
