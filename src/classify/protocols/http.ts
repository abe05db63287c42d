// HTTP/1.x: a request line with a known method, or a status line "HTTP/1.x NNN". Headers are read from a
// bounded per-direction buffer so a request split over several segments still yields Host/User-Agent.
import type { AppMeta, Dir, Dissector, FlowView, ProbeResult } from '../dissector.js';
import { latin1Text } from '../../core/latin1.js';

/** Header bytes kept per direction while waiting for the end of the header block. */
const HEAD_CAP = 4096;

const METHODS = [
  'GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH', 'CONNECT', 'TRACE',
  // WebDAV (RFC 4918, 3253, 3744, 5323)
  'PROPFIND', 'PROPPATCH', 'MKCOL', 'COPY', 'MOVE', 'LOCK', 'UNLOCK', 'SEARCH', 'REPORT', 'MKACTIVITY',
  'CHECKOUT', 'MERGE', 'MKCALENDAR', 'ACL', 'VERSION-CONTROL', 'BIND', 'UNBIND', 'REBIND', 'ORDERPATCH',
];
const METHOD_BYTES = METHODS.map((m) => Array.from(m, (c) => c.charCodeAt(0)));

export interface HttpState {
  /** Header block bytes per direction (allocated on first need). */
  buf: [Uint8Array | null, Uint8Array | null];
  len: [number, number];
  /** The header block of this direction has been parsed (or the buffer is full). */
  done: [boolean, boolean];
  /** Packet counter value of the last payload taken per direction (probe and extract share it). */
  seen: [number, number];
  /** What the first bytes of each direction looked like. */
  kind: [StartKind, StartKind];
}

type StartKind = 'unknown' | 'request' | 'response' | 'other';

/** Classifies the start of a direction: request line, status line, too short to tell, or neither. */
function startKind(b: Uint8Array, n: number): StartKind | 'short' {
  // Status line: HTTP/1.x NNN
  const resp = 'HTTP/1.';
  let prefixOk = true;
  for (let i = 0; i < resp.length && i < n; i++) if (b[i] !== resp.charCodeAt(i)) prefixOk = false;
  if (prefixOk) {
    if (n < 12) return 'short';
    const v = b[7];
    if ((v === 0x30 || v === 0x31) && b[8] === 0x20 && isDigit(b[9]) && isDigit(b[10]) && isDigit(b[11])) return 'response';
    return 'other';
  }
  for (let m = 0; m < METHOD_BYTES.length; m++) {
    const mb = METHOD_BYTES[m];
    let same = true;
    const k = mb.length < n ? mb.length : n;
    for (let i = 0; i < k; i++) if (b[i] !== mb[i]) { same = false; break; }
    if (!same) continue;
    if (n < mb.length + 2) return 'short';
    if (b[mb.length] !== 0x20) continue;
    const t = b[mb.length + 1];
    // Request target: origin-form "/", asterisk "*", absolute-form or authority-form (CONNECT host:port).
    if (t === 0x2f || t === 0x2a || (t > 0x20 && t < 0x7f)) return 'request';
  }
  return 'other';
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function take(data: Uint8Array, dir: Dir, flow: FlowView, st: HttpState): void {
  const count = flow.payloadPackets[dir];
  if (st.seen[dir] === count && count !== 0) return;
  st.seen[dir] = count;
  if (st.done[dir]) return;
  let buf = st.buf[dir];
  if (!buf) buf = st.buf[dir] = new Uint8Array(HEAD_CAP);
  const held = st.len[dir];
  const copy = data.length < HEAD_CAP - held ? data.length : HEAD_CAP - held;
  buf.set(data.subarray(0, copy), held);
  st.len[dir] = held + copy;
  if (st.kind[dir] === 'unknown') {
    const k = startKind(buf, st.len[dir]);
    if (k !== 'short') st.kind[dir] = k;
  }
}

/** Index just past "\r\n\r\n" (or "\n\n") in b[0..n), or -1. */
function headEnd(b: Uint8Array, n: number): number {
  for (let i = 1; i < n; i++) {
    if (b[i] !== 0x0a) continue;
    if (b[i - 1] === 0x0a) return i + 1;
    if (i >= 3 && b[i - 1] === 0x0d && b[i - 2] === 0x0a) return i + 1;
  }
  return -1;
}

export const httpDissector: Dissector<HttpState> = {
  name: 'HTTP',
  when: { l4: 'tcp', ports: [80, 8080, 8000, 8008, 8081, 3128] },
  budget: 4,
  init(): HttpState {
    return {
      buf: [null, null], len: [0, 0], done: [false, false], seen: [0, 0], kind: ['unknown', 'unknown'],
    };
  },
  probe(data: Uint8Array, dir: Dir, flow: FlowView, st: HttpState): ProbeResult {
    take(data, dir, flow, st);
    const k = st.kind[dir];
    if (k === 'request' || k === 'response') return 'match';
    if (k === 'other') return 'exclude';
    return 'more';
  },
  extract(data: Uint8Array, dir: Dir, flow: FlowView, st: HttpState, meta: AppMeta): void {
    take(data, dir, flow, st);
    if (st.done[dir]) return;
    const k = st.kind[dir];
    const buf = st.buf[dir];
    if (!buf || (k !== 'request' && k !== 'response')) return;
    const n = st.len[dir];
    let end = headEnd(buf, n);
    if (end < 0) {
      if (n < HEAD_CAP) {
        // Not complete yet: still publish the request line / status as soon as it is whole.
        const line = lineEnd(buf, 0, n);
        if (line >= 0) parseHead(buf, line + 1, k, meta);
        return;
      }
      end = n; // full buffer: take what we have
    }
    st.done[dir] = true;
    parseHead(buf, end, k, meta);
  },
};

function lineEnd(b: Uint8Array, from: number, n: number): number {
  for (let i = from; i < n; i++) if (b[i] === 0x0a) return i;
  return -1;
}

/** Parses the request/status line and the headers found in b[0..end). */
function parseHead(b: Uint8Array, end: number, kind: 'request' | 'response', meta: AppMeta): void {
  const http = meta.http ?? (meta.http = {});
  let le = lineEnd(b, 0, end);
  if (le < 0) le = end;
  const first = latin1Text(b, 0, le > 0 && b[le - 1] === 0x0d ? le - 1 : le);
  const parts = first.split(' ');
  if (kind === 'request') {
    http.http_method = parts[0];
    if (parts.length > 1) http.url = parts[1];
    if (parts.length > 2 && parts[2].startsWith('HTTP/')) http.protocol = parts[2];
  } else {
    http.protocol = parts[0];
    const status = parseInt(parts[1] ?? '', 10);
    if (status >= 100 && status <= 999) http.status = status;
  }
  // Header lines: bounded by the buffer, one pass.
  let pos = le + 1;
  for (let lines = 0; lines < 200 && pos < end; lines++) {
    let e = lineEnd(b, pos, end);
    if (e < 0) e = end;
    const lineStop = e > pos && b[e - 1] === 0x0d ? e - 1 : e;
    if (lineStop === pos) break; // blank line: end of headers
    let colon = -1;
    for (let i = pos; i < lineStop; i++) if (b[i] === 0x3a) { colon = i; break; }
    if (colon > pos) header(latin1Text(b, pos, colon).trim().toLowerCase(), b, colon + 1, lineStop, kind, meta, http);
    pos = e + 1;
  }
}

function header(
  name: string, b: Uint8Array, from: number, to: number, kind: 'request' | 'response', meta: AppMeta,
  http: NonNullable<AppMeta['http']>,
): void {
  if (name === 'host' && kind === 'request') {
    const v = latin1Text(b, from, to).trim();
    http.hostname = stripPort(v);
    if (http.hostname !== '') meta.hostname = http.hostname;
  } else if (name === 'user-agent' && kind === 'request') {
    http.http_user_agent = latin1Text(b, from, to).trim();
  } else if (name === 'content-type') {
    // EVE reports the response's content type; a request's is kept only until a response gives one.
    if (kind === 'response' || http.http_content_type === undefined) http.http_content_type = latin1Text(b, from, to).trim();
  } else if (name === 'server' && kind === 'response') {
    (meta.extra ?? (meta.extra = {})).http_server = latin1Text(b, from, to).trim();
  }
}

/** "example.com:8080" → "example.com", "[2001:db8::1]:80" → "2001:db8::1". */
export function stripPort(host: string): string {
  if (host.startsWith('[')) {
    const close = host.indexOf(']');
    return close > 0 ? host.slice(1, close) : host;
  }
  const colon = host.indexOf(':');
  if (colon >= 0 && host.indexOf(':', colon + 1) < 0) return host.slice(0, colon);
  return host;
}
