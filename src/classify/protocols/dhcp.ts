// DHCP (RFC 2131/2132) over UDP 67/68: a BOOTP header (op 1/2, hardware address length ≤ 16)
// followed at offset 236 by the magic cookie 63 82 53 63, then TLV options. The options are read
// best-effort (fuzzed or cut option lists still leave a DHCP flow): 53 message type, 12 host name,
// 60 vendor class identifier.
import type { AppMeta, Dir, Dissector, FlowView, ProbeResult } from '../dissector.js';

export type DhcpState = Record<string, never>;

const MIN_LEN = 240; // 236-byte BOOTP header + 4-byte cookie
const COOKIE_OFF = 236;
const MAX_OPTIONS = 255;
const OPT_PAD = 0;
const OPT_END = 255;
const OPT_HOSTNAME = 12;
const OPT_MSG_TYPE = 53;
const OPT_VENDOR_CLASS = 60;
const MSG_TYPES = [
  '', 'discover', 'offer', 'request', 'decline', 'ack', 'nak', 'release', 'inform', 'forcerenew',
  'leasequery', 'leaseunassigned', 'leaseunknown', 'leaseactive', 'bulkleasequery', 'leasequerydone',
  'activeleasequery', 'leasequerystatus', 'tls',
];

export function isDhcpMessage(b: Uint8Array): boolean {
  if (b.length < MIN_LEN) return false;
  if (b[0] !== 1 && b[0] !== 2) return false;
  if (b[2] > 16) return false; // hlen
  return b[COOKIE_OFF] === 0x63 && b[COOKIE_OFF + 1] === 0x82 && b[COOKIE_OFF + 2] === 0x53 && b[COOKIE_OFF + 3] === 0x63;
}

function text(b: Uint8Array, o: number, len: number): string {
  let n = len;
  while (n > 0 && b[o + n - 1] === 0) n--; // some clients NUL-terminate
  return Buffer.from(b.buffer, b.byteOffset + o, n).toString('utf8');
}

export const dhcpDissector: Dissector<DhcpState> = {
  name: 'DHCP',
  when: { l4: 'udp', ports: [67, 68] },
  budget: 2,
  init: () => ({}),
  probe(data: Uint8Array): ProbeResult {
    return isDhcpMessage(data) ? 'match' : 'exclude';
  },
  extract(data: Uint8Array, _dir: Dir, _flow: FlowView, _st: DhcpState, meta: AppMeta): void {
    if (!isDhcpMessage(data)) return;
    const end = data.length;
    let p = MIN_LEN;
    for (let n = 0; n < MAX_OPTIONS && p < end; n++) {
      const code = data[p];
      if (code === OPT_END) break;
      if (code === OPT_PAD) { p++; continue; }
      if (p + 1 >= end) break;
      const len = data[p + 1];
      const v = p + 2;
      if (v + len > end) break;
      if (code === OPT_MSG_TYPE && len === 1 && data[v] < MSG_TYPES.length && data[v] > 0) {
        (meta.extra ??= {}).dhcp_type = MSG_TYPES[data[v]];
      } else if (code === OPT_HOSTNAME && len > 0) {
        const h = text(data, v, len);
        (meta.dhcp ??= {}).hostname = h;
        meta.hostname ??= h;
      } else if (code === OPT_VENDOR_CLASS && len > 0) {
        (meta.dhcp ??= {}).vendor_class = text(data, v, len);
      }
      p = v + len;
    }
  },
};
