// SIP (RFC 3261) over UDP or TCP: a request line "<METHOD> <sip:|sips:|tel:…> SIP/2.0" or a status
// line "SIP/2.0 NNN …". CRLF keep-alives (RFC 5626) are neutral: they ask for more packets.
import type { AppMeta, Dir, Dissector, FlowView, ProbeResult } from '../dissector.js';

export type SipState = Record<string, never>;

const METHODS = [
  'INVITE', 'ACK', 'BYE', 'CANCEL', 'OPTIONS', 'REGISTER', 'PRACK', 'SUBSCRIBE', 'NOTIFY', 'PUBLISH',
  'INFO', 'REFER', 'MESSAGE', 'UPDATE',
];
const MAX_LINE = 2048;

function startsWith(b: Uint8Array, o: number, s: string): boolean {
  if (o + s.length > b.length) return false;
  for (let i = 0; i < s.length; i++) if (b[o + i] !== s.charCodeAt(i)) return false;
  return true;
}

/** Case-insensitive URI scheme check (schemes are case-insensitive in RFC 3261). */
function startsWithLower(b: Uint8Array, o: number, s: string): boolean {
  if (o + s.length > b.length) return false;
  for (let i = 0; i < s.length; i++) if ((b[o + i] | 0x20) !== s.charCodeAt(i) && b[o + i] !== s.charCodeAt(i)) return false;
  return true;
}

function lineEnd(b: Uint8Array): number {
  const limit = Math.min(b.length, MAX_LINE);
  for (let i = 0; i < limit; i++) {
    const c = b[i];
    if (c === 0x0d || c === 0x0a) return i;
    if (c < 0x20 || c > 0x7e) return -1;
  }
  return -1;
}

/** Index into METHODS of a request line, -2 for a status line, -1 when neither. */
export function sipFirstLine(b: Uint8Array): number {
  const eol = lineEnd(b);
  if (eol < 0) return -1;
  if (startsWith(b, 0, 'SIP/2.0 ')) {
    if (eol < 11) return -1;
    for (let i = 8; i < 11; i++) if (b[i] < 0x30 || b[i] > 0x39) return -1;
    return (eol === 11 || b[11] === 0x20) && b[8] >= 0x31 && b[8] <= 0x36 ? -2 : -1;
  }
  for (let m = 0; m < METHODS.length; m++) {
    const name = METHODS[m];
    if (!startsWith(b, 0, name) || b[name.length] !== 0x20) continue;
    const uri = name.length + 1;
    if (!(startsWithLower(b, uri, 'sip:') || startsWithLower(b, uri, 'sips:') || startsWithLower(b, uri, 'tel:'))) return -1;
    return eol >= 8 && b[eol - 8] === 0x20 && startsWith(b, eol - 7, 'SIP/2.0') ? m : -1;
  }
  return -1;
}

function isKeepAlive(b: Uint8Array): boolean {
  if (b.length === 0 || b.length > 4) return false;
  for (let i = 0; i < b.length; i++) if (b[i] !== 0x0d && b[i] !== 0x0a) return false;
  return true;
}

export const sipDissector: Dissector<SipState> = {
  name: 'SIP',
  when: { l4: 'both', ports: [5060, 5061] },
  budget: 4,
  init: () => ({}),
  probe(data: Uint8Array): ProbeResult {
    if (sipFirstLine(data) !== -1) return 'match';
    return isKeepAlive(data) ? 'more' : 'exclude';
  },
  extract(data: Uint8Array, _dir: Dir, _flow: FlowView, _st: SipState, meta: AppMeta): void {
    const m = sipFirstLine(data);
    if (m === -1) return;
    const x = (meta.extra ??= {});
    if (m >= 0) {
      x.sip_method ??= METHODS[m];
      if (x.sip_uri === undefined) {
        const start = METHODS[m].length + 1;
        x.sip_uri = Buffer.from(data.buffer, data.byteOffset + start, lineEnd(data) - 8 - start).toString('latin1');
      }
    } else {
      x.sip_status ??= (data[8] - 0x30) * 100 + (data[9] - 0x30) * 10 + (data[10] - 0x30);
    }
  },
};
