// QUIC (v1, v2, drafts 23-34, mvfst, Google T051): the client's Initial packets are decrypted with keys
// derived from the Destination Connection ID, CRYPTO frames are assembled (across packets and datagrams,
// bounded) and the TLS ClientHello inside gives SNI and ALPN. Google QUIC Q0xx: matched from the
// version; SNI read from a plaintext CHLO (Q043/Q046) when present.
import type { AppMeta, Dir, Dissector, FlowView, ProbeResult } from '../dissector.js';
import { CryptoAssembly, clientInitialKeys, decryptInitial, parseLongHeader, quicVersionInfo, walkInitialFrames } from './quic-initial.js';
import type { QuicKeys } from './quic-initial.js';
import { parseClientHello, tlsVersionName } from './tls-hello.js';
import type { ClientHelloInfo } from './tls-hello.js';
import { ja3 } from './tls-ja3.js';
import { ja4 } from './tls-ja4.js';
import { latin1Text } from '../../core/latin1.js';

/** CRYPTO bytes kept (a ClientHello with post-quantum key shares is ~2 KiB; ECH/huge hellos fit). */
const CRYPTO_CAP = 16384;
/** Coalesced packets walked per datagram. */
const MAX_COALESCED = 4;

export interface QuicState {
  version: string | null;
  versionNum: number;
  keys: QuicKeys | null;
  crypto: CryptoAssembly | null;
  ch: ClientHelloInfo | null;
  ja3: { hash: string; string: string } | null;
  ja4: string | null;
  /** Google QUIC (no TLS): SNI from the CHLO, if any. */
  gquic: boolean;
  gquicSni: string | null;
  /** Client Initial packets decrypted so far. */
  decrypted: number;
  /** The first client datagram was not QUIC. */
  bad: boolean;
  seen: [number, number];
}

function take(data: Uint8Array, dir: Dir, flow: FlowView, st: QuicState): void {
  const count = flow.payloadPackets[dir];
  if (st.seen[dir] === count && count !== 0) return;
  st.seen[dir] = count;
  // Only the client's Initials can be decrypted with client keys; dir 0 is the flow's first sender.
  if (dir !== 0 || st.bad || st.ch !== null || st.gquic) return;
  const first = st.version === null;
  if (gquic(data, st)) return;
  let off = 0;
  for (let k = 0; k < MAX_COALESCED && off < data.length; k++) {
    const h = parseLongHeader(data, off, data.length);
    if (!h) break;
    if (h.isInitial) {
      let body: Buffer | null = null;
      if (st.keys && st.versionNum === h.version) body = decryptInitial(data, off, h, st.keys);
      if (!body) {
        // First Initial, or a client Initial sent after a Retry (new DCID, new keys).
        const keys = clientInitialKeys(h.version, h.dcid);
        if (keys) body = decryptInitial(data, off, h, keys);
        if (body) {
          st.keys = keys;
          st.versionNum = h.version;
        }
      }
      if (body) {
        st.decrypted++;
        st.version = quicVersionInfo(h.version)?.name ?? null;
        if (!st.crypto) st.crypto = new CryptoAssembly(CRYPTO_CAP);
        const google = quicVersionInfo(h.version)?.google ?? false;
        walkInitialFrames(body, st.crypto, google);
        if (google && st.crypto.buf[0] === 0x43) {
          // Q050: the crypto stream holds a QUIC-crypto CHLO, not a TLS ClientHello.
          st.gquic = true;
          st.gquicSni = chloSni(st.crypto.buf.subarray(0, st.crypto.prefix()));
          return;
        }
        clientHello(st);
      }
    }
    off = h.end;
  }
  // Not even a long header: not QUIC (a 0-RTT packet or an unknown version first is fine: wait).
  if (first && st.decrypted === 0 && (data.length < 7 || (data[0] & 0x80) === 0)) st.bad = true;
}

function clientHello(st: QuicState): void {
  const c = st.crypto;
  if (!c || st.ch) return;
  const have = c.prefix();
  if (have < 4 || c.buf[0] !== 1) return;
  const len = (c.buf[1] << 16) | (c.buf[2] << 8) | c.buf[3];
  if (4 + len > have && have < c.cap) return;
  const ch = parseClientHello(c.buf, 4, 4 + len < have ? 4 + len : have);
  if (!ch) return;
  st.ch = ch;
  st.ja3 = ja3(ch);
  st.ja4 = ja4(ch, 'q');
}

/** Google QUIC: a Q0xx version in either header format. Returns true when the datagram is one. */
function gquic(b: Uint8Array, st: QuicState): boolean {
  let vOff = -1;
  if (b.length >= 13 && (b[0] & 0x80) === 0 && (b[0] & 0x09) === 0x09 && b[9] === 0x51) vOff = 9; // Q043 and older
  else if (b.length >= 5 && (b[0] & 0x80) !== 0 && b[1] === 0x51) vOff = 1; // Q046+ long header
  if (vOff < 0) return false;
  const v = ((b[vOff] << 24) | (b[vOff + 1] << 16) | (b[vOff + 2] << 8) | b[vOff + 3]) >>> 0;
  const info = quicVersionInfo(v);
  if (!info || info.salt) return false;
  st.gquic = true;
  st.version = info.name;
  st.gquicSni = chloSni(b);
  return true;
}

/** SNI tag of a plaintext CHLO message found in the first bytes of the datagram. */
function chloSni(b: Uint8Array): string | null {
  const lim = b.length - 8 < 256 ? b.length - 8 : 256;
  for (let i = 0; i < lim; i++) {
    if (b[i] !== 0x43 || b[i + 1] !== 0x48 || b[i + 2] !== 0x4c || b[i + 3] !== 0x4f) continue; // "CHLO"
    const n = b[i + 4] | (b[i + 5] << 8);
    if (n > 64) return null;
    const table = i + 8;
    const values = table + 8 * n;
    if (values > b.length) return null;
    let prev = 0;
    for (let t = 0; t < n; t++) {
      const e = table + 8 * t;
      const endOff = (b[e + 4] | (b[e + 5] << 8) | (b[e + 6] << 16) | (b[e + 7] << 24)) >>> 0;
      if (endOff < prev || values + endOff > b.length) return null;
      if (b[e] === 0x53 && b[e + 1] === 0x4e && b[e + 2] === 0x49 && b[e + 3] === 0) { // "SNI\0"
        return latin1Text(b, values + prev, values + endOff);
      }
      prev = endOff;
    }
    return null;
  }
  return null;
}

export const quicDissector: Dissector<QuicState> = {
  name: 'QUIC',
  when: { l4: 'udp', ports: [443, 4433, 4443, 8443, 80] },
  budget: 6,
  init(): QuicState {
    return {
      version: null, versionNum: 0, keys: null, crypto: null, ch: null, ja3: null, ja4: null, gquic: false,
      gquicSni: null, decrypted: 0, bad: false, seen: [0, 0],
    };
  },
  probe(data: Uint8Array, dir: Dir, flow: FlowView, st: QuicState): ProbeResult {
    take(data, dir, flow, st);
    if (st.ch !== null || st.gquic) return 'match';
    if (st.bad) return 'exclude';
    if (st.decrypted > 0) {
      // Decryption succeeding is proof; wait a little for the rest of a split ClientHello.
      return flow.payloadPackets[0] + flow.payloadPackets[1] >= 4 ? 'match' : 'more';
    }
    return 'more';
  },
  extract(data: Uint8Array, dir: Dir, flow: FlowView, st: QuicState, meta: AppMeta): void {
    take(data, dir, flow, st);
    if (st.version === null) return;
    const q = meta.quic ?? (meta.quic = { version: st.version });
    q.version = st.version;
    const sni = st.ch?.sni ?? st.gquicSni ?? undefined;
    if (sni !== undefined && sni !== '') {
      q.sni = sni;
      meta.hostname = sni;
    }
    const ch = st.ch;
    if (ch) {
      if (ch.alpns.length > 0) q.client_alpns = ch.alpns;
      // EVE puts ja3/ja4 under "quic"; AppMeta has no field for them there yet.
      const extra = meta.extra ?? (meta.extra = {});
      if (st.ja4) extra.quic_ja4 = st.ja4;
      if (st.ja3) extra.quic_ja3 = st.ja3.hash;
      let best = 0;
      for (const v of ch.versions) if ((v & 0x0f0f) !== 0x0a0a && v > best) best = v;
      if (best !== 0) extra.quic_tls_version = tlsVersionName(best);
    }
  },
};
