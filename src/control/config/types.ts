// The fleet config after loading: every default filled in, every value checked (see docs/config.md).

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
} as const;
