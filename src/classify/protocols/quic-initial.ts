// QUIC Initial packets (RFC 9000 §17.2.2, RFC 9001 §5, RFC 9369 for v2): client Initial keys derived
// from the Destination Connection ID, header protection removed, payload decrypted with AES-128-GCM,
// frames walked for CRYPTO data. Reads untrusted bytes: bounded, returns null instead of throwing.
import { createCipheriv, createDecipheriv, createHmac } from 'node:crypto';

export interface QuicKeys { key: Buffer; iv: Buffer; hp: Buffer }

interface VersionInfo {
  name: string;
  /** Initial salt; null = Google QUIC with its own plaintext handshake (not decrypted). */
  salt: Buffer | null;
  labelPrefix: string;
  v2: boolean;
  /** Google QUIC over QUIC crypto (Q050/T05x): frame type 0x08 carries the crypto stream. */
  google: boolean;
}

const SALT_V1 = Buffer.from('38762cf7f55934b34d179ae6a4c80cadccbb7f0a', 'hex');
const SALT_V2 = Buffer.from('0dede3def700a6db819381be6e269dcbf9bd2ed9', 'hex');
const SALT_D29 = Buffer.from('afbfec289993d24c9e9786f19c6111e04390a899', 'hex');
const SALT_D23 = Buffer.from('c3eef712c72ebb5a11a7d2432bb46365bef9f502', 'hex');
const SALT_T51 = Buffer.from('7a4edef4e7ccee5fa4506c19124fc8ccda6e033d', 'hex');
const SALT_Q50 = Buffer.from('504574efd066fe2f9d945cfcdbd3a7f0d3b56b45', 'hex');

/** Version → name (nDPI spelling) and Initial salt; null salt = Google QUIC without TLS (not decrypted). */
export function quicVersionInfo(v: number): VersionInfo | null {
  if (v === 0x00000001) return info('V-1', SALT_V1);
  if (v === 0x6b3343cf) return { name: 'V-2', salt: SALT_V2, labelPrefix: 'quicv2', v2: true, google: false };
  if ((v >>> 8) === 0xff0000) {
    const d = v & 0xff;
    // Draft 33 introduced the salt RFC 9001 kept.
    if (d >= 33 && d <= 34) return info('Draft-' + d, SALT_V1);
    if (d >= 29 && d <= 32) return info('Draft-' + d, SALT_D29);
    if (d >= 23 && d <= 28) return info('Draft-' + d, SALT_D23);
    return null;
  }
  if (v === 0xfaceb002) return info('MVFST-27', SALT_D23);
  if (v === 0xfaceb00e) return info('MVFST-EXP', SALT_D29);
  if (v === 0x54303531) return { ...info('T051', SALT_T51), google: true };
  if (v === 0x51303530) return { ...info('Q050', SALT_Q50), google: true };
  // Older Google QUIC "Q0xx": crypto handshake of its own, in clear.
  if ((v >>> 24) === 0x51 && isDigitByte((v >>> 16) & 0xff) && isDigitByte((v >>> 8) & 0xff) && isDigitByte(v & 0xff)) {
    return { ...info(String.fromCharCode(v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff), null), labelPrefix: '' };
  }
  return null;
}

function info(name: string, salt: Buffer | null): VersionInfo {
  return { name, salt, labelPrefix: 'quic', v2: false, google: false };
}

function isDigitByte(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** HKDF-Expand-Label (RFC 8446 §7.1) with an empty context; out ≤ 32 bytes (one HMAC-SHA256 block). */
export function hkdfExpandLabel(secret: Buffer, label: string, length: number): Buffer {
  const full = 'tls13 ' + label;
  const info = Buffer.alloc(2 + 1 + full.length + 1 + 1);
  info.writeUInt16BE(length, 0);
  info[2] = full.length;
  info.write(full, 3, 'latin1');
  info[3 + full.length] = 0; // context length
  info[4 + full.length] = 1; // HKDF-Expand counter T(1)
  return createHmac('sha256', secret).update(info).digest().subarray(0, length);
}

/** Client Initial secret and keys for `dcid` (RFC 9001 §5.2; RFC 9369 §3.3.1-3.3.2 for v2). */
export function clientInitialKeys(version: number, dcid: Uint8Array): QuicKeys | null {
  const info = quicVersionInfo(version);
  if (!info || !info.salt) return null;
  const initial = createHmac('sha256', info.salt).update(dcid).digest(); // HKDF-Extract
  const client = hkdfExpandLabel(initial, 'client in', 32);
  const p = info.labelPrefix;
  return { key: hkdfExpandLabel(client, p + ' key', 16), iv: hkdfExpandLabel(client, p + ' iv', 12), hp: hkdfExpandLabel(client, p + ' hp', 16) };
}

/** Byte length of the last varint read (0 when it ran past the end): avoids allocating a pair. */
let varintLen = 0;

/** QUIC variable-length integer at b[o]; sets `varintLen` (0 when it runs past `end`). */
export function readVarint(b: Uint8Array, o: number, end: number): number {
  if (o >= end) { varintLen = 0; return 0; }
  const n = 1 << (b[o] >> 6);
  if (o + n > end) { varintLen = 0; return 0; }
  let v = b[o] & 0x3f;
  for (let i = 1; i < n; i++) v = v * 256 + b[o + i];
  varintLen = n;
  return v;
}

export interface LongHeader {
  version: number;
  dcid: Uint8Array;
  /** Offset of the packet number field (Initial only), -1 for other types. */
  pnOff: number;
  /** End of this packet inside the datagram (coalesced packets follow). */
  end: number;
  isInitial: boolean;
}

/** Parses the long header at b[off]; null when it is not a well-formed long-header packet. */
export function parseLongHeader(b: Uint8Array, off: number, end: number): LongHeader | null {
  if (off + 7 > end || (b[off] & 0x80) === 0) return null;
  const version = ((b[off + 1] << 24) | (b[off + 2] << 16) | (b[off + 3] << 8) | b[off + 4]) >>> 0;
  const info = quicVersionInfo(version);
  if (!info || !info.salt) return null;
  const dcil = b[off + 5];
  if (dcil > 20 || off + 6 + dcil + 1 > end) return null;
  const dcid = b.subarray(off + 6, off + 6 + dcil);
  let p = off + 6 + dcil;
  const scil = b[p];
  if (scil > 20) return null;
  p += 1 + scil;
  const type = (b[off] & 0x30) >> 4;
  const isInitial = info.v2 ? type === 1 : type === 0;
  const isRetry = info.v2 ? type === 0 : type === 3;
  if (isRetry) return { version, dcid, pnOff: -1, end, isInitial: false };
  if (isInitial) {
    const tokenLen = readVarint(b, p, end);
    if (varintLen === 0 || p + varintLen + tokenLen > end) return null;
    p += varintLen + tokenLen;
  }
  const length = readVarint(b, p, end);
  if (varintLen === 0) return null;
  p += varintLen;
  if (p + length > end) return null;
  return { version, dcid, pnOff: isInitial ? p : -1, end: p + length, isInitial };
}

/** Removes header protection and decrypts the Initial packet `h` in b; returns the plaintext frames. */
export function decryptInitial(b: Uint8Array, off: number, h: LongHeader, keys: QuicKeys): Buffer | null {
  const pnOff = h.pnOff;
  if (pnOff < 0 || pnOff + 4 + 16 > h.end) return null;
  const ecb = createCipheriv('aes-128-ecb', keys.hp, null);
  ecb.setAutoPadding(false);
  const mask = ecb.update(b.subarray(pnOff + 4, pnOff + 20));
  const first = b[off] ^ (mask[0] & 0x0f);
  const pnLen = (first & 3) + 1;
  if (pnOff + pnLen + 16 > h.end) return null;
  // Unprotected header copy (the AAD); the packet bytes themselves are never modified.
  const aad = Buffer.from(b.subarray(off, pnOff + pnLen));
  aad[0] = first;
  let pn = 0;
  for (let i = 0; i < pnLen; i++) {
    const v = b[pnOff + i] ^ mask[1 + i];
    aad[pnOff - off + i] = v;
    pn = pn * 256 + v;
  }
  const nonce = Buffer.from(keys.iv);
  for (let i = 0; i < 4; i++) nonce[11 - i] ^= (pn >>> (8 * i)) & 0xff;
  const dec = createDecipheriv('aes-128-gcm', keys.key, nonce);
  dec.setAAD(aad);
  dec.setAuthTag(b.subarray(h.end - 16, h.end));
  const body = dec.update(b.subarray(pnOff + pnLen, h.end - 16));
  // node reports a failed tag check only by throwing from final(): that is the API, not a crutch.
  try {
    dec.final();
  } catch {
    return null;
  }
  return body;
}

/**
 * CRYPTO stream bytes assembled by offset (frames may arrive out of order, across packets and datagrams).
 * Bounded: bytes past `cap` are dropped, and at most MAX_RANGES disjoint ranges are tracked.
 */
export class CryptoAssembly {
  static readonly MAX_RANGES = 32;
  readonly buf: Uint8Array;
  /** Sorted, disjoint, non-adjacent [start, end) ranges received, flattened. */
  private ranges: number[] = [];

  constructor(readonly cap: number) {
    this.buf = new Uint8Array(cap);
  }

  add(offset: number, data: Uint8Array): void {
    if (offset >= this.cap) return;
    const n = offset + data.length <= this.cap ? data.length : this.cap - offset;
    if (n <= 0) return;
    if (this.ranges.length >= 2 * CryptoAssembly.MAX_RANGES) return;
    this.buf.set(data.subarray(0, n), offset);
    const r = this.ranges;
    r.push(offset, offset + n);
    // Re-sort and merge (a handful of ranges at most).
    const pairs: [number, number][] = [];
    for (let i = 0; i < r.length; i += 2) pairs.push([r[i], r[i + 1]]);
    pairs.sort((a, b) => a[0] - b[0]);
    const out: number[] = [];
    for (const [s, e] of pairs) {
      const last = out.length - 1;
      if (last > 0 && s <= out[last]) out[last] = e > out[last] ? e : out[last];
      else out.push(s, e);
    }
    this.ranges = out;
  }

  /** Length of the contiguous prefix received from offset 0. */
  prefix(): number {
    return this.ranges.length > 0 && this.ranges[0] === 0 ? this.ranges[1] : 0;
  }
}

/**
 * Walks the frames of a decrypted Initial payload and hands each CRYPTO frame to `sink`.
 * Returns false on a frame type an Initial may not carry (or a malformed frame). `google`: Q050/T051,
 * whose crypto stream uses frame type 0x08 with the same layout.
 */
export function walkInitialFrames(p: Uint8Array, sink: CryptoAssembly, google = false): boolean {
  const end = p.length;
  let o = 0;
  for (let frames = 0; frames < 4096 && o < end; frames++) {
    const t = p[o++];
    if (t === 0x00 || t === 0x01) continue; // PADDING, PING
    if (t === 0x06 || (google && t === 0x08)) {
      const off = readVarint(p, o, end);
      if (varintLen === 0) return false;
      o += varintLen;
      const len = readVarint(p, o, end);
      if (varintLen === 0) return false;
      o += varintLen;
      if (o + len > end) return false;
      sink.add(off, p.subarray(o, o + len));
      o += len;
    } else if (t === 0x02 || t === 0x03) {
      // ACK: largest, delay, range count, first range, ranges (gap, length), [ECN counts]
      let n = 4;
      for (let i = 0; i < n; i++) {
        const v = readVarint(p, o, end);
        if (varintLen === 0) return false;
        o += varintLen;
        if (i === 2) {
          if (v > end) return false;
          n += 2 * v;
        }
      }
      if (t === 0x03) {
        for (let i = 0; i < 3; i++) {
          readVarint(p, o, end);
          if (varintLen === 0) return false;
          o += varintLen;
        }
      }
    } else if (t === 0x1c) {
      for (let i = 0; i < 2; i++) {
        readVarint(p, o, end);
        if (varintLen === 0) return false;
        o += varintLen;
      }
      const rl = readVarint(p, o, end);
      if (varintLen === 0 || o + varintLen + rl > end) return false;
      o += varintLen + rl;
    } else {
      return false;
    }
  }
  return true;
}
