// STUN/TURN over UDP and TCP. RFC 5389: type with the top two bits clear, length a multiple of 4,
// magic cookie 0x2112A442, and attributes (type, length, value padded to 4) filling the length.
// Classic RFC 3489 STUN has no cookie: only its six message types and its attribute numbers are
// accepted, and it needs two messages off port 3478. Over TCP a segment may hold several
// messages back to back, or RFC 4571 framing (a 16-bit length before each message).
import type { AppMeta, Dir, Dissector, FlowView, ProbeResult } from '../dissector.js';

export interface StunState {
  classic: number;
}

const STUN_PORTS: readonly number[] = [3478, 5349];
const HEADER = 20;
const MAX_ATTRS = 64;
const MAX_MESSAGES = 16;
const SOFTWARE = 0x8022;
const REALM = 0x0014;

/** Length of one STUN message at `o` (header + body) when valid; -1 otherwise. `classic` selects RFC 3489 rules. */
function messageLength(b: Uint8Array, o: number, end: number, classic: boolean): number {
  if (o + HEADER > end) return -1;
  const type = (b[o] << 8) | b[o + 1];
  const len = (b[o + 2] << 8) | b[o + 3];
  if (type & 0xc000 || (len & 3) !== 0 || o + HEADER + len > end) return -1;
  const cookie = b[o + 4] === 0x21 && b[o + 5] === 0x12 && b[o + 6] === 0xa4 && b[o + 7] === 0x42;
  if (classic) {
    if (cookie) return -1;
    if (type !== 0x0001 && type !== 0x0101 && type !== 0x0111 && type !== 0x0002 && type !== 0x0102 && type !== 0x0112) return -1;
  } else {
    if (!cookie) return -1;
    const method = (type & 0x000f) | ((type & 0x00e0) >> 1) | ((type & 0x3e00) >> 2);
    if (method === 0 || (method > 0x0c && method !== 0x080 && method !== 0x200 && method !== 0x300)) return -1;
  }
  // Attributes must fill the body exactly.
  let p = o + HEADER;
  const bodyEnd = p + len;
  for (let n = 0; n < MAX_ATTRS && p < bodyEnd; n++) {
    if (p + 4 > bodyEnd) return -1;
    const at = (b[p] << 8) | b[p + 1];
    const alen = (b[p + 2] << 8) | b[p + 3];
    if (classic && !(at >= 0x0001 && at <= 0x000b) && at !== 0x0020 && at !== 0x8020 && at !== SOFTWARE && at !== 0x8028) return -1;
    p += 4 + ((alen + 3) & ~3);
  }
  return p === bodyEnd ? HEADER + len : -1;
}

/** True when `b` is whole STUN messages: back to back, or (TCP) each after a 16-bit RFC 4571 length. */
function wholeMessages(b: Uint8Array, classic: boolean, tcp: boolean): boolean {
  const end = b.length;
  if (end < HEADER) return false;
  let o = 0;
  for (let n = 0; n < MAX_MESSAGES && o < end; n++) {
    const m = messageLength(b, o, end, classic);
    if (m < 0) break;
    o += m;
    if (!tcp) break;
  }
  if (o === end) return true;
  if (!tcp || o !== 0) return false;
  // RFC 4571 framing
  for (let n = 0; n < MAX_MESSAGES && o < end; n++) {
    if (o + 2 > end) return false;
    const f = (b[o] << 8) | b[o + 1];
    if (o + 2 + f > end || messageLength(b, o + 2, o + 2 + f, classic) !== f) return false;
    o += 2 + f;
  }
  return o === end;
}

export const stunDissector: Dissector<StunState> = {
  name: 'STUN',
  when: { l4: 'both', ports: STUN_PORTS },
  budget: 6,
  init: () => ({ classic: 0 }),
  probe(data: Uint8Array, _dir: Dir, flow: FlowView, st: StunState): ProbeResult {
    const tcp = flow.l4 === 'tcp';
    if (wholeMessages(data, false, tcp)) return 'match';
    if (wholeMessages(data, true, tcp)) {
      st.classic++;
      const onPort = STUN_PORTS.includes(flow.srcPort) || STUN_PORTS.includes(flow.dstPort);
      return onPort || st.classic >= 2 ? 'match' : 'more';
    }
    return 'exclude';
  },
  extract(data: Uint8Array, _dir: Dir, flow: FlowView, _st: StunState, meta: AppMeta): void {
    // SOFTWARE and REALM of the first message, when present (REALM is the TURN server's name).
    let o = 0;
    if (flow.l4 === 'tcp' && data.length >= 2 && messageLength(data, 0, data.length, false) < 0) o = 2;
    if (messageLength(data, o, data.length, false) < 0 && messageLength(data, o, data.length, true) < 0) return;
    const len = (data[o + 2] << 8) | data[o + 3];
    let p = o + HEADER;
    const end = p + len;
    for (let n = 0; n < MAX_ATTRS && p + 4 <= end; n++) {
      const at = (data[p] << 8) | data[p + 1];
      const alen = (data[p + 2] << 8) | data[p + 3];
      if (p + 4 + alen > end) return;
      if (at === SOFTWARE || at === REALM) {
        const v = Buffer.from(data.buffer, data.byteOffset + p + 4, alen).toString('utf8');
        (meta.extra ??= {})[at === SOFTWARE ? 'stun_software' : 'stun_realm'] ??= v;
        if (at === REALM && alen > 0) meta.hostname ??= v; // nDPI reports the realm as the flow's host name
      }
      p += 4 + ((alen + 3) & ~3);
    }
  },
};
