// DNS over UDP and over TCP (RFC 1035 §4.2.2: each message carries a 2-byte length prefix).
// A flow is DNS when a whole message parses and its header is sane; metadata comes from parseDnsMessage.
import type { AppMeta, Dir, Dissector, FlowView, ProbeResult } from '../dissector.js';
import { dnsRcodeName, parseDnsMessage } from './dns-wire.js';
import type { DnsMessage } from './dns-wire.js';

/** Bytes kept per direction to reassemble one TCP DNS message split over segments. */
const TCP_BUF_CAP = 4096;
/** Section counts above this are not plausible for the messages a gateway sees. */
const MAX_COUNT = 512;

export interface DnsState {
  /** Last message parsed per direction (reused by extract on the same packet). */
  last: [DnsMessage | null, DnsMessage | null];
  /** Packet counter value (FlowView.payloadPackets[dir]) of the last payload taken, per direction. */
  seen: [number, number];
  /** TCP only: bytes of a message still incomplete, per direction (allocated on first need). */
  buf: [Uint8Array | null, Uint8Array | null];
  len: [number, number];
}

function sane(m: DnsMessage): boolean {
  const op = m.opcode;
  if (op !== 0 && op !== 1 && op !== 2 && op !== 4 && op !== 5) return false;
  if (m.ancount > MAX_COUNT || m.nscount > MAX_COUNT || m.arcount > MAX_COUNT) return false;
  if (op === 5) return m.qdcount === 1; // UPDATE: exactly one zone
  if (!m.qr) {
    if (m.qdcount < 1 || m.qdcount > 16 || m.rcode !== 0) return false;
  } else if (m.qdcount > 16) return false;
  if (m.queries.length > 0) {
    const cls = m.queries[0].rrclass & 0x7fff; // top bit: mDNS unicast-response
    if (cls !== 1 && cls !== 3 && cls !== 4 && cls !== 254 && cls !== 255) return false;
  } else if (!m.qr) return false;
  return true;
}

/** Takes this payload into the state (once per packet) and returns the message it completes, if any. */
function take(data: Uint8Array, dir: Dir, flow: FlowView, st: DnsState): 'ok' | 'bad' | 'partial' {
  const count = flow.payloadPackets[dir];
  if (st.seen[dir] === count && count !== 0) return st.last[dir] ? 'ok' : 'bad';
  st.seen[dir] = count;
  st.last[dir] = null;
  if (flow.l4 === 'udp') {
    const m = parseDnsMessage(data, 0, data.length);
    if (!m || !sane(m)) return 'bad';
    st.last[dir] = m;
    return 'ok';
  }
  // TCP: gather up to one message behind the 2-byte length.
  let src = data;
  let n = data.length;
  const held = st.len[dir];
  if (held > 0) {
    let buf = st.buf[dir];
    if (!buf) buf = st.buf[dir] = new Uint8Array(TCP_BUF_CAP);
    const room = TCP_BUF_CAP - held;
    const copy = data.length < room ? data.length : room;
    buf.set(data.subarray(0, copy), held);
    st.len[dir] = held + copy;
    src = buf;
    n = held + copy;
  }
  if (n < 2) return keep(src, n, dir, st);
  const msgLen = (src[0] << 8) | src[1];
  if (msgLen < 12) return 'bad';
  if (n < 14) return keep(src, n, dir, st);
  // Check the header early so a non-DNS stream is excluded without waiting for more.
  const opcode = (src[4] >> 3) & 0xf;
  if (opcode > 5 || opcode === 3) return 'bad';
  if (2 + msgLen > n) return msgLen + 2 > TCP_BUF_CAP ? 'bad' : keep(src, n, dir, st);
  st.len[dir] = 0;
  const m = parseDnsMessage(src, 2, 2 + msgLen);
  if (!m || !sane(m)) return 'bad';
  st.last[dir] = m;
  return 'ok';
}

function keep(src: Uint8Array, n: number, dir: Dir, st: DnsState): 'partial' | 'bad' {
  if (st.len[dir] === 0) {
    let buf = st.buf[dir];
    if (!buf) buf = st.buf[dir] = new Uint8Array(TCP_BUF_CAP);
    if (n > TCP_BUF_CAP) return 'bad';
    buf.set(src.subarray(0, n), 0);
    st.len[dir] = n;
  }
  return 'partial';
}

export const dnsDissector: Dissector<DnsState> = {
  name: 'DNS',
  when: { l4: 'both', ports: [53] },
  budget: 4,
  init(): DnsState {
    return { last: [null, null], seen: [0, 0], buf: [null, null], len: [0, 0] };
  },
  probe(data: Uint8Array, dir: Dir, flow: FlowView, st: DnsState): ProbeResult {
    const r = take(data, dir, flow, st);
    if (r === 'ok') return 'match';
    if (r === 'partial') return 'more';
    return 'exclude';
  },
  extract(data: Uint8Array, dir: Dir, flow: FlowView, st: DnsState, meta: AppMeta): void {
    if (take(data, dir, flow, st) !== 'ok') return;
    const m = st.last[dir];
    if (!m) return;
    // The flow's first transaction is reported; its response carries the question too and replaces
    // what the request gave.
    if (meta.dns && (meta.dns.id !== m.id || (meta.dns.type === 'response' && !m.qr))) return;
    meta.dns = {
      id: m.id,
      type: m.qr ? 'response' : 'request',
      queries: m.queries.map((q) => ({ rrname: q.rrname, rrtype: q.rrtype })),
    };
    if (m.qr) {
      meta.dns.rcode = dnsRcodeName(m.rcode);
      meta.dns.answers = m.answers;
    }
    if (meta.hostname === undefined && m.queries.length > 0 && m.queries[0].rrname !== '<root>') meta.hostname = m.queries[0].rrname;
  },
};
