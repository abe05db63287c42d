// One finished flow → its EVE-style records: always one `flow` record, then at most one app-layer
// record (dns, http, tls, quic or mqtt) chosen by the flow's DPI protocol. Runs once per finished
// flow, off the per-packet path, so plain objects are fine here.
import type {
  EveAppRecord, EveCommon, EveFleetgate, EveFlowRecord, EveInput, EveRecord,
} from './eve-types.js';
import { eveAgeSeconds, eveTimestamp } from './eve-time.js';
import { eveAppProto, eveFlowReason, eveHasPorts, eveProto } from './eve-names.js';
import { eveDns, eveHttp, eveMqtt, eveQuic, eveTls } from './eve-app-sections.js';

export function buildEveRecords(input: EveInput): EveRecord[] {
  const out: EveRecord[] = [flowRecord(input)];
  const app = appRecord(input);
  if (app) out.push(app);
  return out;
}

function fleetgateFields(input: EveInput): EveFleetgate {
  const fg: EveFleetgate = { operatorId: input.operatorId, gatewayId: input.gatewayId };
  const dev = input.device ?? input.flow.device;
  if (dev?.imsi) fg.imsi = dev.imsi;
  if (dev?.ip) fg.device_ip = dev.ip;
  const app = input.app ?? input.flow.app;
  if (app) fg.app = app;
  if (input.category) fg.category = input.category;
  return fg;
}

/**
 * The common section, in Suricata's key order (timestamp, flow_id, pcap_cnt, event_type, tuple,
 * proto, app_proto, tx_id). src is the flow's side A (the side that sent the first packet, normally
 * the client) unless `reverse` (see dnsSrcIsB).
 * App-layer records carry pcap_cnt (when known) and tx_id 0; flow records carry neither, as in
 * Suricata, whose flow events come from pseudo packets.
 */
function common<E extends EveRecord['event_type']>(input: EveInput, eventType: E, reverse: boolean): EveCommon & { event_type: E } {
  const f = input.flow;
  const app = eventType !== 'flow';
  const c: Record<string, unknown> = { timestamp: eveTimestamp(f.firstUs), flow_id: input.flowId };
  if (app && input.pcapCnt !== undefined) c.pcap_cnt = input.pcapCnt;
  c.event_type = eventType;
  c.src_ip = reverse ? f.bAddr : f.aAddr;
  if (eveHasPorts(f.proto)) c.src_port = reverse ? f.bPort : f.aPort;
  c.dest_ip = reverse ? f.aAddr : f.bAddr;
  if (eveHasPorts(f.proto)) c.dest_port = reverse ? f.aPort : f.bPort;
  c.proto = eveProto(f.proto);
  const appProto = eveAppProto(input.proto);
  if (appProto !== undefined) c.app_proto = appProto;
  if (app) c.tx_id = 0;
  return c as unknown as EveCommon & { event_type: E };
}

function flowRecord(input: EveInput): EveFlowRecord {
  const f = input.flow;
  return {
    ...common(input, 'flow', false),
    flow: {
      pkts_toserver: f.pktsAB,
      pkts_toclient: f.pktsBA,
      bytes_toserver: f.bytesAB,
      bytes_toclient: f.bytesBA,
      start: eveTimestamp(f.firstUs),
      end: eveTimestamp(f.lastUs),
      age: eveAgeSeconds(f.firstUs, f.lastUs),
      // Without TCP state in FlowRecord: "established" once both sides spoke (Suricata's UDP rule).
      state: f.pktsBA > 0 ? 'established' : 'new',
      reason: eveFlowReason(f.endReason),
    },
    fleetgate: { ...fleetgateFields(input), end_reason: f.endReason },
  };
}

/** Ports a DNS server answers on (DNS, mDNS, LLMNR). */
const DNS_SERVER_PORTS = [53, 5353, 5355];

/**
 * DNS v3 names the asker as src of a request and the responder as src of a response. Side A is
 * normally the asker, but not when the capture began with the server's packet: then the server
 * port is on side A only.
 */
function dnsSrcIsB(input: EveInput, type: 'request' | 'response'): boolean {
  const f = input.flow;
  const serverIsA = DNS_SERVER_PORTS.includes(f.aPort) && !DNS_SERVER_PORTS.includes(f.bPort);
  return (type === 'response') !== serverIsA;
}

function appRecord(input: EveInput): EveAppRecord | undefined {
  const meta = input.meta;
  switch (input.proto) {
    case 'DNS': {
      const dns = eveDns(meta);
      return dns ? { ...common(input, 'dns', dnsSrcIsB(input, dns.type)), dns, fleetgate: fleetgateFields(input) } : undefined;
    }
    case 'HTTP': {
      const http = eveHttp(meta);
      return http ? { ...common(input, 'http', false), http, fleetgate: fleetgateFields(input) } : undefined;
    }
    case 'TLS': {
      const tls = eveTls(meta);
      return tls ? { ...common(input, 'tls', false), tls, fleetgate: fleetgateFields(input) } : undefined;
    }
    case 'QUIC': {
      const quic = eveQuic(meta);
      return quic ? { ...common(input, 'quic', false), quic, fleetgate: fleetgateFields(input) } : undefined;
    }
    case 'MQTT': {
      const mqtt = eveMqtt(meta);
      return mqtt ? { ...common(input, 'mqtt', false), mqtt, fleetgate: fleetgateFields(input) } : undefined;
    }
    default:
      return undefined;
  }
}
