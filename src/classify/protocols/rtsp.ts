// RTSP 1.0/2.0 (RFC 2326/7826) over TCP or UDP: a request line "<METHOD> <rtsp[s|u]://…|*> RTSP/x.y"
// or a status line "RTSP/x.y NNN …". The first line must be complete in the segment.
import type { AppMeta, Dir, Dissector, FlowView, ProbeResult } from '../dissector.js';

export type RtspState = Record<string, never>;

const METHODS = [
  'OPTIONS', 'DESCRIBE', 'ANNOUNCE', 'SETUP', 'PLAY', 'PAUSE', 'TEARDOWN', 'GET_PARAMETER',
  'SET_PARAMETER', 'REDIRECT', 'RECORD', 'PLAY_NOTIFY',
];
const MAX_LINE = 2048;
const MAX_HEADERS_SCAN = 4096;

function startsWith(b: Uint8Array, o: number, s: string): boolean {
  if (o + s.length > b.length) return false;
  for (let i = 0; i < s.length; i++) if (b[o + i] !== s.charCodeAt(i)) return false;
  return true;
}

/** Index of the first CR or LF (the end of the first line), or -1 when absent/too long or not text. */
function lineEnd(b: Uint8Array, from: number): number {
  const limit = Math.min(b.length, from + MAX_LINE);
  for (let i = from; i < limit; i++) {
    const c = b[i];
    if (c === 0x0d || c === 0x0a) return i;
    if (c < 0x20 || c > 0x7e) return -1;
  }
  return -1;
}

/** "RTSP/d.d" at `o`. */
function isVersion(b: Uint8Array, o: number): boolean {
  return startsWith(b, o, 'RTSP/') && o + 8 <= b.length && b[o + 5] >= 0x31 && b[o + 5] <= 0x32 && b[o + 6] === 0x2e &&
    b[o + 7] >= 0x30 && b[o + 7] <= 0x39;
}

/** Index into METHODS of a request line, -2 for a status line, -1 when neither. */
export function rtspFirstLine(b: Uint8Array): number {
  const eol = lineEnd(b, 0);
  if (eol < 0) return -1;
  if (isVersion(b, 0)) {
    // status line: version SP 3 digits (SP reason)
    if (eol < 12 || b[8] !== 0x20) return -1;
    for (let i = 9; i < 12; i++) if (b[i] < 0x30 || b[i] > 0x39) return -1;
    return eol === 12 || b[12] === 0x20 ? -2 : -1;
  }
  for (let m = 0; m < METHODS.length; m++) {
    const name = METHODS[m];
    if (!startsWith(b, 0, name) || b[name.length] !== 0x20) continue;
    const uri = name.length + 1;
    if (!(startsWith(b, uri, 'rtsp://') || startsWith(b, uri, 'rtsps://') || startsWith(b, uri, 'rtspu://') || b[uri] === 0x2a)) return -1;
    // the line ends with " RTSP/x.y"
    return eol >= 9 && b[eol - 9] === 0x20 && isVersion(b, eol - 8) ? m : -1;
  }
  return -1;
}

/** Value of header `name` (given lower case, with the colon) in the first bytes of `b`, or undefined. */
function headerValue(b: Uint8Array, name: string): string | undefined {
  const limit = Math.min(b.length, MAX_HEADERS_SCAN);
  for (let i = 0; i < limit; i++) {
    if (i > 0 && b[i - 1] !== 0x0a) continue;
    let ok = i + name.length <= limit;
    for (let k = 0; ok && k < name.length; k++) if ((b[i + k] | 0x20) !== name.charCodeAt(k) && b[i + k] !== name.charCodeAt(k)) ok = false;
    if (!ok) continue;
    let s = i + name.length;
    while (s < limit && b[s] === 0x20) s++;
    const e = lineEnd(b, s);
    return e < 0 ? undefined : Buffer.from(b.buffer, b.byteOffset + s, e - s).toString('latin1');
  }
  return undefined;
}

export const rtspDissector: Dissector<RtspState> = {
  name: 'RTSP',
  when: { l4: 'both', ports: [554, 8554] },
  budget: 4,
  init: () => ({}),
  probe(data: Uint8Array): ProbeResult {
    return rtspFirstLine(data) === -1 ? 'exclude' : 'match';
  },
  extract(data: Uint8Array, _dir: Dir, _flow: FlowView, _st: RtspState, meta: AppMeta): void {
    const m = rtspFirstLine(data);
    if (m === -1) return;
    const x = (meta.extra ??= {});
    if (m >= 0) {
      const name = METHODS[m];
      x.rtsp_method ??= name;
      if (x.rtsp_url === undefined) {
        const eol = lineEnd(data, 0);
        x.rtsp_url = Buffer.from(data.buffer, data.byteOffset + name.length + 1, eol - 9 - name.length - 1).toString('latin1');
      }
      if (x.user_agent === undefined) {
        const ua = headerValue(data, 'user-agent:');
        if (ua !== undefined) x.user_agent = ua;
      }
    } else if (x.rtsp_status === undefined) {
      x.rtsp_status = (data[9] - 0x30) * 100 + (data[10] - 0x30) * 10 + (data[11] - 0x30);
    }
  },
};
