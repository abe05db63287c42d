// The shape of a protocol dissector (nDPI-like): a precondition, a per-flow packet budget, and
// three outcomes per payload. Dissectors never do I/O and never throw on bad bytes.

/** 0 = the direction of the flow's first packet (usually client → server), 1 = the reverse. */
export type Dir = 0 | 1;

export type ProbeResult = 'match' | 'exclude' | 'more';

/** What a dissector may read about the flow it is probing. Ports are seen from the flow's first packet. */
export interface FlowView {
  readonly l4: 'tcp' | 'udp';
  readonly srcPort: number;
  readonly dstPort: number;
  /** Payload-carrying packets seen so far in each direction, including the current one. */
  readonly payloadPackets: readonly [number, number];
}

/** Metadata a dissector extracts; field names follow Suricata EVE where EVE has them. */
export interface AppMeta {
  /** Best host name for the flow: HTTP Host, TLS/QUIC SNI, DNS query name, DHCP host name… */
  hostname?: string;
  dns?: {
    id: number;
    type: 'request' | 'response';
    rcode?: string;
    queries: { rrname: string; rrtype: string }[];
    answers?: { rrname: string; rrtype: string; ttl: number; rdata: string }[];
  };
  http?: {
    http_method?: string;
    hostname?: string;
    url?: string;
    http_user_agent?: string;
    status?: number;
    http_content_type?: string;
    protocol?: string;
  };
  tls?: {
    sni?: string;
    version?: string;
    client_alpns?: string[];
    server_alpns?: string[];
    supported_versions?: string[];
    ja3?: { hash: string; string: string };
    ja3s?: { hash: string; string: string };
    ja4?: string;
    subject?: string;
    issuerdn?: string;
  };
  quic?: { version: string; sni?: string; client_alpns?: string[] };
  mqtt?: { client_id?: string; username_present?: boolean; protocol_version?: number; topics?: string[] };
  coap?: { method?: string; uri_path?: string };
  ssh?: { client_banner?: string; server_banner?: string; hassh?: string; hassh_server?: string };
  dhcp?: { hostname?: string; vendor_class?: string };
  snmp?: { version: number; community_present?: boolean };
  /** Free-form extras for protocols without an EVE section (Modbus function, RTSP/SIP method, …). */
  extra?: Record<string, string | number | boolean>;
}

export interface Dissector<S> {
  /** Application protocol name, nDPI master-protocol spelling (e.g. 'DNS', 'TLS', 'MQTT'). */
  readonly name: string;
  /** Precondition: the L4 protocol, and ports that make this dissector try first (not a requirement). */
  readonly when: { readonly l4: 'tcp' | 'udp' | 'both'; readonly ports?: readonly number[] };
  /** How many payload packets (both directions) it may look at before giving up. */
  readonly budget: number;
  /** Fresh per-flow state. */
  init(): S;
  /** Decide from this payload whether the flow is this protocol. */
  probe(data: Uint8Array, dir: Dir, flow: FlowView, st: S): ProbeResult;
  /** Fill metadata after (or while) matching; may be called on later packets too. */
  extract?(data: Uint8Array, dir: Dir, flow: FlowView, st: S, meta: AppMeta): void;
  /**
   * After a match: true once later packets can teach extract nothing more (e.g. both directions of a
   * TLS handshake are encrypted from here on), so the flow leaves DPI before its budget is used up.
   */
  complete?(st: S): boolean;
}
