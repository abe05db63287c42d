// CoAP (RFC 7252) over UDP: version 1, token length ≤ 8, a code in a defined class, and an option
// list that walks exactly to the end of the datagram (or to a payload marker followed by payload).
// Like nDPI, only the CoAP ports count (5683/5684 and the 6LoWPAN-compressible 61616-61631): the
// 4-byte header is too weak off-port, and CoAP-shaped traffic on e.g. UDP 17500 is Dropbox to nDPI.
import type { AppMeta, Dir, Dissector, FlowView, ProbeResult } from '../dissector.js';

export type CoapState = Record<string, never>;

const COAP_PORTS: readonly number[] = [5683, 5684];

function isCoapPort(port: number): boolean {
  return port === 5683 || port === 5684 || (port >= 61616 && port <= 61631);
}
const MAX_OPTIONS = 64;
const OPT_URI_PATH = 11;
const METHODS = ['', 'GET', 'POST', 'PUT', 'DELETE', 'FETCH', 'PATCH', 'iPATCH'];

function codeValid(code: number): boolean {
  const cls = code >> 5;
  const detail = code & 0x1f;
  if (cls === 0) return detail <= 7; // 0.00 empty, 0.01-0.07 methods
  if (cls === 2) return (detail >= 1 && detail <= 5) || detail === 31;
  if (cls === 4) return detail <= 15 || detail === 22 || detail === 29;
  if (cls === 5) return detail <= 5;
  if (cls === 7) return detail >= 1 && detail <= 6; // RFC 8323 signaling codes
  return false;
}

/** Reads an option delta/length nibble with its extension bytes at `p`; -1 on 15 or truncation. */
function extNibble(nibble: number, b: Uint8Array, p: number, end: number, ext: Int32Array): number {
  if (nibble < 13) {
    ext[0] = 0;
    return nibble;
  }
  if (nibble === 13) {
    if (p >= end) return -1;
    ext[0] = 1;
    return b[p] + 13;
  }
  if (nibble === 14) {
    if (p + 1 >= end) return -1;
    ext[0] = 2;
    return ((b[p] << 8) | b[p + 1]) + 269;
  }
  return -1;
}

const ext = new Int32Array(1);

/** True when the datagram is a well-formed CoAP message. */
export function isCoapMessage(b: Uint8Array): boolean {
  const end = b.length;
  if (end < 4) return false;
  if (b[0] >> 6 !== 1) return false;
  const tkl = b[0] & 0x0f;
  if (tkl > 8) return false;
  const code = b[1];
  if (!codeValid(code)) return false;
  const type = (b[0] >> 4) & 3;
  if (code === 0) return tkl === 0 && end === 4; // empty message (ACK/RST/ping)
  if (type === 3) return false; // RST is always empty
  if (type === 2 && code >> 5 === 0) return false; // an ACK carries a response, never a request
  let p = 4 + tkl;
  if (p > end) return false;
  for (let n = 0; n < MAX_OPTIONS && p < end; n++) {
    const h = b[p];
    if (h === 0xff) return p + 1 < end; // the marker must be followed by payload
    p++;
    const delta = extNibble(h >> 4, b, p, end, ext);
    if (delta < 0) return false;
    p += ext[0];
    const len = extNibble(h & 0x0f, b, p, end, ext);
    if (len < 0) return false;
    p += ext[0] + len;
    if (p > end) return false;
  }
  return p === end;
}

export const coapDissector: Dissector<CoapState> = {
  name: 'COAP',
  when: { l4: 'udp', ports: COAP_PORTS },
  budget: 2,
  init: () => ({}),
  probe(data: Uint8Array, _dir: Dir, flow: FlowView): ProbeResult {
    if (!isCoapPort(flow.srcPort) && !isCoapPort(flow.dstPort)) return 'exclude';
    return isCoapMessage(data) ? 'match' : 'exclude';
  },
  extract(data: Uint8Array, _dir: Dir, _flow: FlowView, _st: CoapState, meta: AppMeta): void {
    if (!isCoapMessage(data)) return;
    const code = data[1];
    if (code === 0 || code >> 5 !== 0) return; // only requests carry a method and URI
    const c = (meta.coap ??= {});
    c.method = METHODS[code & 0x1f];
    const end = data.length;
    let p = 4 + (data[0] & 0x0f);
    let number = 0;
    let path = '';
    let segments = 0;
    for (let n = 0; n < MAX_OPTIONS && p < end; n++) {
      const h = data[p];
      if (h === 0xff) break;
      p++;
      const delta = extNibble(h >> 4, data, p, end, ext);
      p += ext[0];
      const len = extNibble(h & 0x0f, data, p, end, ext);
      p += ext[0];
      if (delta < 0 || len < 0 || p + len > end) break;
      number += delta;
      if (number === OPT_URI_PATH) {
        path += (segments++ > 0 ? '/' : '') + Buffer.from(data.buffer, data.byteOffset + p, len).toString('utf8');
      }
      p += len;
    }
    if (segments > 0) c.uri_path = path;
  },
};
