// SNMP over UDP (RFC 1157/3416/3412): a BER SEQUENCE spanning the whole datagram, then INTEGER
// version 0 (v1), 1 (v2c) or 3 (v3). v1/v2c continue with an OCTET STRING community and a PDU
// (context tags 0xA0-0xA8, v1 trap 0xA4); v3 continues with the msgGlobalData SEQUENCE.
import type { AppMeta, Dir, Dissector, FlowView, ProbeResult } from '../dissector.js';

export type SnmpState = Record<string, never>;

const SEQUENCE = 0x30;
const INTEGER = 0x02;
const OCTET_STRING = 0x04;

/** BER length at `o`: value, with the header size (tag excluded) in `hdr[0]`; -1 if bad or cut. */
function berLength(b: Uint8Array, o: number, end: number, hdr: Int32Array): number {
  if (o >= end) return -1;
  const c = b[o];
  if (c < 0x80) { hdr[0] = 1; return c; }
  if (c === 0x81) {
    if (o + 1 >= end) return -1;
    hdr[0] = 2;
    return b[o + 1];
  }
  if (c === 0x82) {
    if (o + 2 >= end) return -1;
    hdr[0] = 3;
    return (b[o + 1] << 8) | b[o + 2];
  }
  return -1;
}

const hdr = new Int32Array(1);

/** SNMP version number on the wire (0, 1 or 3) when `b` is an SNMP message, else -1. */
export function snmpVersion(b: Uint8Array): number {
  const end = b.length;
  if (end < 12 || b[0] !== SEQUENCE) return -1;
  const total = berLength(b, 1, end, hdr);
  if (total < 0 || 1 + hdr[0] + total !== end) return -1;
  let p = 1 + hdr[0];
  if (b[p] !== INTEGER || b[p + 1] !== 1) return -1;
  const version = b[p + 2];
  if (version !== 0 && version !== 1 && version !== 3) return -1;
  p += 3;
  if (version === 3) {
    if (b[p] !== SEQUENCE) return -1;
    const g = berLength(b, p + 1, end, hdr);
    if (g < 0 || p + 1 + hdr[0] + g > end) return -1;
    const q = p + 1 + hdr[0];
    return b[q] === INTEGER ? 3 : -1; // msgID
  }
  if (b[p] !== OCTET_STRING) return -1;
  const clen = berLength(b, p + 1, end, hdr);
  if (clen < 0) return -1;
  p += 1 + hdr[0] + clen;
  if (p >= end) return -1;
  const pdu = b[p];
  if (pdu < 0xa0 || pdu > 0xa8) return -1;
  const plen = berLength(b, p + 1, end, hdr);
  if (plen < 0 || p + 1 + hdr[0] + plen !== end) return -1;
  return version;
}

export const snmpDissector: Dissector<SnmpState> = {
  name: 'SNMP',
  when: { l4: 'udp', ports: [161, 162] },
  budget: 2,
  init: () => ({}),
  probe(data: Uint8Array): ProbeResult {
    return snmpVersion(data) >= 0 ? 'match' : 'exclude';
  },
  extract(data: Uint8Array, _dir: Dir, _flow: FlowView, _st: SnmpState, meta: AppMeta): void {
    const v = snmpVersion(data);
    if (v < 0) return;
    // EVE's snmp.version is the SNMP version (1, 2 or 3), not the wire value.
    meta.snmp = v === 3 ? { version: 3 } : { version: v + 1, community_present: true };
  },
};
