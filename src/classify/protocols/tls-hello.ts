// TLS ClientHello / ServerHello bodies (RFC 8446 §4.1.2-4.1.3, RFC 5246 §7.4.1): the fields JA3, JA4 and
// the flow metadata need. Shared by the TLS dissector and the QUIC one (CRYPTO frames carry a ClientHello).
// Every read is bounded by `end`; malformed input returns null, never throws.
import { latin1Text } from '../../core/latin1.js';

/** Lists kept per hello are capped: real hellos have < 100 ciphers and < 40 extensions. */
const MAX_ITEMS = 512;

export interface ClientHelloInfo {
  /** legacy_version (0x0303 for TLS 1.2 and 1.3). */
  version: number;
  ciphers: number[];
  /** Extension types in wire order. */
  extensions: number[];
  groups: number[];
  pointFormats: number[];
  sigAlgs: number[];
  /** supported_versions in wire order (empty when the extension is absent). */
  versions: number[];
  alpns: string[];
  sni?: string;
}

export interface ServerHelloInfo {
  version: number;
  cipher: number;
  extensions: number[];
  /** supported_versions selected version (TLS 1.3), 0 when absent. */
  selectedVersion: number;
  alpn?: string;
}

/** GREASE values (RFC 8701): 0x0a0a, 0x1a1a, ... 0xfafa. */
export function isGrease(v: number): boolean {
  return (v & 0x0f0f) === 0x0a0a && (v >> 8) === (v & 0xff);
}

/** "TLS 1.2"-style name of a protocol version (Suricata EVE spelling). */
export function tlsVersionName(v: number): string {
  switch (v) {
    case 0x0200: return 'SSLv2';
    case 0x0300: return 'SSLv3';
    case 0x0301: return 'TLS 1.0';
    case 0x0302: return 'TLS 1.1';
    case 0x0303: return 'TLS 1.2';
    case 0x0304: return 'TLS 1.3';
    case 0xfeff: return 'DTLS 1.0';
    case 0xfefd: return 'DTLS 1.2';
    case 0xfefc: return 'DTLS 1.3';
  }
  if ((v >> 8) === 0x7f) return 'TLS 1.3 draft ' + (v & 0xff);
  return '0x' + v.toString(16).padStart(4, '0');
}

function u16(b: Uint8Array, o: number): number {
  return (b[o] << 8) | b[o + 1];
}

function readU16List(b: Uint8Array, from: number, to: number, out: number[]): void {
  for (let o = from; o + 1 < to && out.length < MAX_ITEMS; o += 2) out.push(u16(b, o));
}

/** Parses a ClientHello body b[off..end) (after the 4-byte handshake header). */
export function parseClientHello(b: Uint8Array, off: number, end: number): ClientHelloInfo | null {
  if (end > b.length) end = b.length;
  let p = off;
  if (p + 35 > end) return null;
  const ch: ClientHelloInfo = {
    version: u16(b, p), ciphers: [], extensions: [], groups: [], pointFormats: [], sigAlgs: [], versions: [], alpns: [],
  };
  if (b[p] !== 3 && b[p] !== 0xfe) return null;
  p += 34; // version + random
  const sidLen = b[p];
  if (sidLen > 32) return null;
  p += 1 + sidLen;
  if (ch.version >= 0xfe00) {
    // DTLS: cookie
    if (p >= end) return null;
    p += 1 + b[p];
  }
  if (p + 2 > end) return null;
  const csLen = u16(b, p);
  p += 2;
  if (csLen & 1 || p + csLen > end) return null;
  readU16List(b, p, p + csLen, ch.ciphers);
  p += csLen;
  if (p >= end) return null;
  const compLen = b[p];
  p += 1 + compLen;
  if (p > end) return null;
  if (p + 2 > end) return ch; // no extensions (SSLv3-era hello)
  const extLen = u16(b, p);
  p += 2;
  const extEnd = p + extLen <= end ? p + extLen : end;
  for (let n = 0; n < MAX_ITEMS && p + 4 <= extEnd; n++) {
    const type = u16(b, p);
    const len = u16(b, p + 2);
    const d = p + 4;
    const de = d + len;
    if (de > extEnd) return null;
    ch.extensions.push(type);
    switch (type) {
      case 0: { // server_name: list of (type, name); the first host_name wins
        const listEnd = d + 2 + u16(b, d) <= de ? d + 2 + u16(b, d) : de;
        for (let q = d + 2; q + 3 <= listEnd; ) {
          const nl = u16(b, q + 1);
          if (q + 3 + nl > listEnd) break;
          if (b[q] === 0 && ch.sni === undefined) ch.sni = latin1Text(b, q + 3, q + 3 + nl);
          q += 3 + nl;
        }
        break;
      }
      case 16: { // ALPN
        if (len < 2) break;
        const listEnd = d + 2 + u16(b, d) <= de ? d + 2 + u16(b, d) : de;
        for (let q = d + 2; q < listEnd && ch.alpns.length < 64; ) {
          const pl = b[q];
          if (pl === 0 || q + 1 + pl > listEnd) break;
          ch.alpns.push(latin1Text(b, q + 1, q + 1 + pl));
          q += 1 + pl;
        }
        break;
      }
      case 10: // supported_groups
        if (len >= 2) readU16List(b, d + 2, Math.min(de, d + 2 + u16(b, d)), ch.groups);
        break;
      case 11: // ec_point_formats
        if (len >= 1) for (let q = d + 1; q < de && q <= d + b[d]; q++) ch.pointFormats.push(b[q]);
        break;
      case 13: // signature_algorithms
        if (len >= 2) readU16List(b, d + 2, Math.min(de, d + 2 + u16(b, d)), ch.sigAlgs);
        break;
      case 43: // supported_versions (client form: 1-byte length, u16 list)
        if (len >= 1) readU16List(b, d + 1, Math.min(de, d + 1 + b[d]), ch.versions);
        break;
    }
    p = de;
  }
  return ch;
}

/** Parses a ServerHello body b[off..end) (after the 4-byte handshake header). */
export function parseServerHello(b: Uint8Array, off: number, end: number): ServerHelloInfo | null {
  if (end > b.length) end = b.length;
  let p = off;
  if (p + 35 > end) return null;
  const version = u16(b, p);
  if (b[p] !== 3 && b[p] !== 0xfe) return null;
  p += 34;
  const sidLen = b[p];
  if (sidLen > 32) return null;
  p += 1 + sidLen;
  if (p + 3 > end) return null;
  const sh: ServerHelloInfo = { version, cipher: u16(b, p), extensions: [], selectedVersion: 0 };
  p += 3; // cipher + compression method
  if (p + 2 > end) return sh;
  const extEnd = p + 2 + u16(b, p) <= end ? p + 2 + u16(b, p) : end;
  p += 2;
  for (let n = 0; n < MAX_ITEMS && p + 4 <= extEnd; n++) {
    const type = u16(b, p);
    const len = u16(b, p + 2);
    const d = p + 4;
    if (d + len > extEnd) return null;
    sh.extensions.push(type);
    if (type === 43 && len === 2) sh.selectedVersion = u16(b, d);
    else if (type === 16 && len >= 4) {
      const pl = b[d + 2];
      if (d + 3 + pl <= d + len && pl > 0) sh.alpn = latin1Text(b, d + 3, d + 3 + pl);
    }
    p = d + len;
  }
  return sh;
}
