// TypeScript shapes of fleetgate's Suricata-EVE-style records (schemas/eve-record.schema.json,
// docs/records.md). Field names follow EVE; fleetgate's own fields live under `fleetgate`.
import type { FlowRecord } from '../../flows/flow-record.js';
import type { AppMeta } from '../../../classify/dissector.js';

/** What the pipeline knows about one finished flow; buildEveRecords turns it into records. */
export interface EveInput {
  /** Stable per flow (e.g. the flow's creation sequence); becomes `flow_id` on every record. */
  flowId: number;
  flow: FlowRecord;
  /** DPI master protocol name ('DNS', 'TLS', 'HTTP', 'QUIC', 'MQTT', …); null when none matched. */
  proto: string | null;
  app?: string;
  category?: string;
  meta: AppMeta;
  /** Defaults to flow.device. */
  device?: { imsi?: string; ip: string };
  gatewayId: string;
  operatorId: string;
  /** Packet number (1-based) of the flow's first packet in the capture; written on app-layer records. */
  pcapCnt?: number;
}

export interface EveFleetgate {
  operatorId: string;
  gatewayId: string;
  imsi?: string;
  device_ip?: string;
  app?: string;
  category?: string;
  /** Flow records only: FlowRecord.endReason as fleetgate says it (idle, active, evicted, end). */
  end_reason?: string;
}

/** Fields every record has (EVE "common section"). */
export interface EveCommon {
  /** ISO 8601, microseconds, `+0000` (Suricata's form). */
  timestamp: string;
  flow_id: number;
  pcap_cnt?: number;
  src_ip: string;
  /** Absent for protocols without ports (ICMP, …), like Suricata. */
  src_port?: number;
  dest_ip: string;
  dest_port?: number;
  /** TCP, UDP, ICMP, IPv6-ICMP, SCTP, GRE, ESP, or the protocol number. */
  proto: string;
  /** Lower-case application protocol (dns, http, tls, quic, mqtt, ssh, …); absent when unknown. */
  app_proto?: string;
  /** App-layer records: always 0 (fleetgate reports one transaction per flow). */
  tx_id?: number;
  fleetgate: EveFleetgate;
}

export interface EveFlowSection {
  pkts_toserver: number;
  pkts_toclient: number;
  bytes_toserver: number;
  bytes_toclient: number;
  start: string;
  end: string;
  age: number;
  state: 'new' | 'established';
  reason: 'timeout' | 'forced' | 'shutdown';
}

export interface EveDnsSection {
  version: 3;
  type: 'request' | 'response';
  id: number;
  rcode?: string;
  queries?: { rrname: string; rrtype: string }[];
  answers?: { rrname: string; rrtype: string; ttl: number; rdata: string }[];
}

export interface EveHttpSection {
  hostname?: string;
  url?: string;
  http_user_agent?: string;
  http_content_type?: string;
  http_method?: string;
  protocol?: string;
  status?: number;
  length?: number;
}

export interface EveTlsSection {
  sni?: string;
  version?: string;
  subject?: string;
  issuerdn?: string;
  ja3?: { hash: string; string: string };
  ja3s?: { hash: string; string: string };
  ja4?: string;
  client_alpns?: string[];
  server_alpns?: string[];
}

export interface EveQuicSection {
  /** Suricata's spelling: "1" for QUIC v1, hex for drafts ("ff00001d"), "Q046" for Google QUIC. */
  version?: string;
  sni?: string;
  ja3?: { hash: string };
  ja4?: string;
  /** Only the ALPN extension (type 16) is reported. */
  extensions?: { name: string; type: number; values: string[] }[];
}

export interface EveMqttSection {
  connect?: {
    protocol_string?: string;
    protocol_version?: number;
    client_id?: string;
    flags?: { username: boolean };
  };
  /** fleetgate extension: topic names and filters seen in PUBLISH and SUBSCRIBE. */
  topics?: string[];
}

export type EveFlowRecord = EveCommon & { event_type: 'flow'; flow: EveFlowSection };
export type EveDnsRecord = EveCommon & { event_type: 'dns'; dns: EveDnsSection };
export type EveHttpRecord = EveCommon & { event_type: 'http'; http: EveHttpSection };
export type EveTlsRecord = EveCommon & { event_type: 'tls'; tls: EveTlsSection };
export type EveQuicRecord = EveCommon & { event_type: 'quic'; quic: EveQuicSection };
export type EveMqttRecord = EveCommon & { event_type: 'mqtt'; mqtt: EveMqttSection };

export type EveAppRecord = EveDnsRecord | EveHttpRecord | EveTlsRecord | EveQuicRecord | EveMqttRecord;
export type EveRecord = EveFlowRecord | EveAppRecord;
