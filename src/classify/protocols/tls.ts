// TLS over TCP: records and handshake messages reassembled across segments (bounded per direction),
// ClientHello → SNI, ALPN, supported_versions, JA3, JA4; ServerHello → version, ALPN, JA3S;
// the server's first Certificate (TLS ≤ 1.2, sent in clear) → subject and issuer.
import type { AppMeta, Dir, Dissector, FlowView, ProbeResult } from '../dissector.js';
import { parseClientHello, parseServerHello, tlsVersionName } from './tls-hello.js';
import type { ClientHelloInfo, ServerHelloInfo } from './tls-hello.js';
import { ja3, ja3s } from './tls-ja3.js';
import { ja4 } from './tls-ja4.js';
import { certNames } from './tls-x509.js';

/** Raw stream bytes held per direction: one maximal record (2^14 + 2048 + header) fits. */
const REC_CAP = 16384 + 2048 + 5;
/** Handshake bytes held per direction. A longer message (big certificate chain) is read partially. */
const HS_CAP = 16384;
/** Records walked per payload (a segment holds at most a few dozen tiny records). */
const MAX_RECORDS = 64;
/** Handshake messages walked per payload. */
const MAX_MESSAGES = 16;

interface DirState {
  rec: Uint8Array | null;
  recLen: number;
  hs: Uint8Array | null;
  hsLen: number;
  /** No more parsing in this direction: bad bytes, encryption started, or nothing left to learn. */
  stopped: boolean;
  /** The first record header of this direction looked like a TLS handshake. */
  looksTls: boolean;
  bad: boolean;
  /** Payload counter value (FlowView.payloadPackets[dir]) last taken. */
  seen: number;
}

export interface TlsState {
  d: [DirState, DirState];
  ch: ClientHelloInfo | null;
  sh: ServerHelloInfo | null;
  subject: string | null;
  issuer: string | null;
  /** Direction that sent the ServerHello (-1 before it): only its Certificate is the server's. */
  serverDir: number;
  /** The hellos' fields are in the flow's metadata already (they never change once parsed). */
  chTold: boolean;
  shTold: boolean;
}

function dirState(): DirState {
  return { rec: null, recLen: 0, hs: null, hsLen: 0, stopped: false, looksTls: false, bad: false, seen: 0 };
}

function validRecordHeader(b: Uint8Array, o: number): boolean {
  const type = b[o];
  return type >= 20 && type <= 24 && b[o + 1] === 3 && b[o + 2] <= 4 && ((b[o + 3] << 8) | b[o + 4]) <= 16384 + 2048;
}

/** Takes one payload of direction `dir` (once per packet). */
function take(data: Uint8Array, dir: Dir, flow: FlowView, st: TlsState): void {
  const d = st.d[dir];
  const count = flow.payloadPackets[dir];
  if (d.seen === count && count !== 0) return;
  d.seen = count;
  if (d.stopped || data.length === 0) return;
  // Nothing held from earlier segments (the usual case): walk this segment in the shared scratch and
  // keep a per-flow copy only of an incomplete tail, instead of a buffer per flow and direction.
  const borrowed = d.recLen === 0;
  const room0 = REC_CAP - d.recLen;
  if (!borrowed) d.rec = grow(d.rec, d.recLen, d.recLen + (data.length < room0 ? data.length : room0));
  const rec = borrowed ? REC_SCRATCH : d.rec!;
  if (d.recLen === 0 && !d.looksTls) {
    // First bytes of this direction: must be a handshake record carrying a Client/ServerHello.
    if (data.length >= 1 && data[0] !== 22) return stop(d, true);
    if (data.length >= 3 && (data[1] !== 3 || data[2] > 4)) return stop(d, true);
    if (data.length >= 6 && data[5] !== 1 && data[5] !== 2) return stop(d, true);
    if (data.length >= 6) d.looksTls = true;
  }
  const room = REC_CAP - d.recLen;
  const copy = data.length < room ? data.length : room;
  rec.set(data.subarray(0, copy), d.recLen);
  d.recLen += copy;
  if (!d.looksTls && d.recLen >= 6) {
    if (rec[0] !== 22 || rec[1] !== 3 || rec[2] > 4 || (rec[5] !== 1 && rec[5] !== 2)) return stop(d, true);
    d.looksTls = true;
  }
  // Walk complete records.
  let p = 0;
  for (let n = 0; n < MAX_RECORDS && p + 5 <= d.recLen && !d.stopped; n++) {
    if (!validRecordHeader(rec, p)) return stop(d, !d.looksTls || (st.ch === null && st.sh === null));
    const len = (rec[p + 3] << 8) | rec[p + 4];
    if (p + 5 + len > d.recLen) break;
    const type = rec[p];
    if (type === 22) {
      appendHandshake(d, rec, p + 5, p + 5 + len);
      handshake(d, dir, st);
      keepHandshake(d);
    } else if (type === 20 || type === 23) {
      // ChangeCipherSpec / application data: what follows in this direction is encrypted.
      return stop(d, false);
    }
    p += 5 + len;
  }
  if (d.stopped) return;
  if (borrowed) {
    const left = d.recLen - p;
    d.recLen = 0;
    if (left > 0) {
      d.rec = grow(null, 0, left);
      d.rec.set(rec.subarray(p, p + left), 0);
      d.recLen = left;
    }
  } else if (p > 0) {
    rec.copyWithin(0, p, d.recLen);
    d.recLen -= p;
  }
  if (d.recLen === REC_CAP) stop(d, false); // a record longer than allowed never completes
}

function stop(d: DirState, bad: boolean): void {
  d.stopped = true;
  if (bad) d.bad = true;
  d.rec = null;
  d.hs = null;
  d.recLen = 0;
  d.hsLen = 0;
}

/**
 * Defines `key` as computed on first read (then stored). Fingerprints (JA3/JA4/JA3S: string building
 * and hashing) are only needed when a record leaves the data path, which most flows never do; the
 * property is enumerable, so JSON and records see it like a plain value.
 */
function lazy<T extends object, K extends keyof T>(obj: T, key: K, compute: () => T[K]): void {
  Object.defineProperty(obj, key, {
    enumerable: true,
    configurable: true,
    get() {
      const value = compute();
      Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
      return value;
    },
  });
}

/**
 * Buffers start small and double up to their cap: most flows need a few hundred bytes, and allocating
 * the maximal record per flow up front cost more (allocation + GC) than all the parsing.
 */
function grow(buf: Uint8Array | null, used: number, need: number): Uint8Array {
  if (buf && buf.length >= need) return buf;
  let size = buf ? buf.length * 2 : 1024;
  while (size < need) size *= 2;
  const out = new Uint8Array(size);
  if (buf && used > 0) out.set(buf.subarray(0, used));
  return out;
}

/**
 * Scratch buffers shared by all flows: parsing only reads them during one call (the parsed hellos and
 * certificate names are plain numbers and strings), so a flow needs its own buffer only for bytes it
 * must keep until its next segment.
 */
const REC_SCRATCH = new Uint8Array(REC_CAP);
const HS_SCRATCH = new Uint8Array(HS_CAP);

function appendHandshake(d: DirState, b: Uint8Array, from: number, to: number): void {
  const room = HS_CAP - d.hsLen;
  const n = to - from < room ? to - from : room;
  d.hs = d.hsLen === 0 ? HS_SCRATCH : grow(d.hs, d.hsLen, d.hsLen + n);
  d.hs.set(b.subarray(from, from + n), d.hsLen);
  d.hsLen += n;
}

/** After `handshake`: an incomplete message left in the shared scratch moves to the flow's own buffer. */
function keepHandshake(d: DirState): void {
  if (d.hs !== HS_SCRATCH) return;
  if (d.hsLen === 0) {
    d.hs = null;
    return;
  }
  const own = grow(null, 0, d.hsLen);
  own.set(HS_SCRATCH.subarray(0, d.hsLen), 0);
  d.hs = own;
}

/** Consumes the complete handshake messages held for this direction. */
function handshake(d: DirState, dir: Dir, st: TlsState): void {
  const hs = d.hs;
  if (!hs) return;
  let p = 0;
  for (let n = 0; n < MAX_MESSAGES && p + 4 <= d.hsLen && !d.stopped; n++) {
    const type = hs[p];
    const len = (hs[p + 1] << 16) | (hs[p + 2] << 8) | hs[p + 3];
    const body = p + 4;
    const complete = body + len <= d.hsLen;
    if (type === 11 && st.subject === null && st.serverDir === dir) certificate(hs, body, complete ? body + len : d.hsLen, st);
    if (!complete) {
      if (d.hsLen === HS_CAP) stop(d, false); // message longer than we keep: learned what we could
      break;
    }
    if (type === 1 && st.ch === null) {
      const ch = parseClientHello(hs, body, body + len);
      if (!ch) return stop(d, st.ch === null && st.sh === null);
      st.ch = ch;
    } else if (type === 2 && st.sh === null) {
      const sh = parseServerHello(hs, body, body + len);
      if (!sh) return stop(d, st.ch === null);
      st.sh = sh;
      st.serverDir = dir;
      // TLS 1.3: everything after the ServerHello is encrypted.
      if (sh.selectedVersion === 0x0304 || (sh.selectedVersion >> 8) === 0x7f) return stop(d, false);
    } else if ((type === 11 && st.serverDir === dir) || type === 14 || type === 20) {
      // Server Certificate seen, ServerHelloDone or Finished: nothing more to learn from this direction.
      return stop(d, false);
    }
    p = body + len;
  }
  if (p > 0 && !d.stopped) {
    hs.copyWithin(0, p, d.hsLen);
    d.hsLen -= p;
  }
}

/** Certificate message body: 3-byte list length, then (3-byte length, DER) per certificate. */
function certificate(b: Uint8Array, body: number, end: number, st: TlsState): void {
  if (body + 6 > end) return;
  const certLen = (b[body + 3] << 16) | (b[body + 4] << 8) | b[body + 5];
  const start = body + 6;
  const stop = start + certLen < end ? start + certLen : end;
  const names = certNames(b, start, stop);
  if (names && (names.subject !== '' || names.issuer !== '')) {
    st.subject = names.subject;
    st.issuer = names.issuer;
  }
}

export const tlsDissector: Dissector<TlsState> = {
  name: 'TLS',
  when: { l4: 'tcp', ports: [443, 8443, 853, 993, 995, 465, 636, 989, 990, 992, 5061, 8883, 5671, 6697] },
  budget: 8,
  init(): TlsState {
    return {
      d: [dirState(), dirState()], ch: null, sh: null, subject: null, issuer: null, serverDir: -1, chTold: false, shTold: false,
    };
  },
  probe(data: Uint8Array, dir: Dir, flow: FlowView, st: TlsState): ProbeResult {
    take(data, dir, flow, st);
    if (st.ch !== null || st.sh !== null) return 'match';
    const d = st.d[dir];
    if (d.bad) return 'exclude';
    // A hello that began well but cannot complete within the buffer or the budget is still TLS
    // (extract keeps reassembling on later packets).
    if (d.looksTls && (d.stopped || flow.payloadPackets[0] + flow.payloadPackets[1] >= tlsDissector.budget)) return 'match';
    return 'more';
  },
  extract(data: Uint8Array, dir: Dir, flow: FlowView, st: TlsState, meta: AppMeta): void {
    take(data, dir, flow, st);
    if (st.ch === null && st.sh === null) return;
    const tls = meta.tls ?? (meta.tls = {});
    const ch = st.ch;
    if (ch && !st.chTold) {
      st.chTold = true;
      if (ch.sni !== undefined) {
        tls.sni = ch.sni;
        meta.hostname = ch.sni;
      }
      if (ch.alpns.length > 0) tls.client_alpns = ch.alpns;
      if (ch.versions.length > 0) tls.supported_versions = ch.versions.filter((v) => (v & 0x0f0f) !== 0x0a0a).map(tlsVersionName);
      if (!('ja3' in tls)) {
        lazy(tls, 'ja3', () => ja3(ch));
        lazy(tls, 'ja4', () => ja4(ch, 't'));
      }
      if (tls.version === undefined) tls.version = tlsVersionName(ch.version);
    }
    const sh = st.sh;
    if (sh && !st.shTold) {
      st.shTold = true;
      tls.version = tlsVersionName(sh.selectedVersion !== 0 ? sh.selectedVersion : sh.version);
      if (sh.alpn !== undefined) tls.server_alpns = [sh.alpn];
      if (!('ja3s' in tls)) lazy(tls, 'ja3s', () => ja3s(sh));
    }
    if (st.subject !== null) tls.subject = st.subject;
    if (st.issuer !== null) tls.issuerdn = st.issuer;
  },
  // Both directions stopped (encrypted, finished or bad): later packets are never parsed.
  complete(st: TlsState): boolean {
    return st.d[0].stopped && st.d[1].stopped;
  },
};
