// The Inspection report record's shape (schemas/inspection-report.schema.json), with no imports, so
// every consumer - the data path, the validator, the dashboard's build - shares one definition.

export type AppMethod = 'port' | 'dpi' | 'dns-cache' | 'catalog';

export interface TrafficCounters {
  packets: number;
  /** IP-layer bytes (sum of IP total lengths). */
  bytes: number;
}

export interface ReportDestination {
  address: string;
  /** Remote port; 0 for protocols without ports. */
  port: number;
  /** TCP, UDP, ICMP, ICMPV6, GRE, ESP, SCTP, or IP<number>. */
  protocol: string;
  /** Host name when known (DNS, SNI, Host). */
  name?: string;
  uplinkBytes: number;
  downlinkBytes: number;
  bytes: number;
  packets: number;
}

export interface ReportApplication {
  app: string;
  method: AppMethod;
  packets: number;
  bytes: number;
  uplinkBytes: number;
  downlinkBytes: number;
  flows: number;
}

export interface InspectionReport {
  recordType: 'inspection';
  /** `<gatewayId>:<timestamp>:<device ip>` */
  recordId: string;
  operatorId: string;
  gatewayId: string;
  /** Absent when the device has no IMSI (always for unregistered devices). */
  imsi?: string;
  /** UNIX ms, the end of the interval. */
  timestamp: number;
  payloads: {
    device: { ip: string; name?: string; group?: string; registered: boolean };
    interval: { start: number; end: number };
    uplink: TrafficCounters;
    downlink: TrafficCounters;
    flows: { active: number; new: number };
    /** Top N remote endpoints by bytes (N = gateway.inspection.topDestinations, default 10). */
    destinations: ReportDestination[];
    applications: ReportApplication[];
  };
}
