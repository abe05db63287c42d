// GRE header writer (RFC 2784 with the RFC 2890 key and sequence number extensions).
import { put16, put32, internetChecksum } from './checksum.js';

export const GRE_FLAG_CHECKSUM = 0x8000;
export const GRE_FLAG_KEY = 0x2000;
export const GRE_FLAG_SEQ = 0x1000;
/** Protocol types: IPv4, IPv6, transparent Ethernet bridging (a whole Ethernet frame follows). */
export const GreProto = { IPV4: 0x0800, IPV6: 0x86dd, TEB: 0x6558, ERSPAN2: 0x88be } as const;

export interface GreFields {
  protocol: number;
  key?: number;
  seq?: number;
  /** Reserve the checksum field; fill it with setGreChecksum once the payload is in place. */
  checksum?: boolean;
}

export function greHeaderLen(f: GreFields): number {
  return 4 + (f.checksum ? 4 : 0) + (f.key !== undefined ? 4 : 0) + (f.seq !== undefined ? 4 : 0);
}

/** Writes the header at buf[off]; returns its length (4..16). */
export function writeGre(buf: Uint8Array, off: number, f: GreFields): number {
  let flags = 0;
  if (f.checksum) flags |= GRE_FLAG_CHECKSUM;
  if (f.key !== undefined) flags |= GRE_FLAG_KEY;
  if (f.seq !== undefined) flags |= GRE_FLAG_SEQ;
  put16(buf, off, flags);
  put16(buf, off + 2, f.protocol);
  let o = off + 4;
  if (f.checksum) {
    put32(buf, o, 0);
    o += 4;
  }
  if (f.key !== undefined) {
    put32(buf, o, f.key >>> 0);
    o += 4;
  }
  if (f.seq !== undefined) {
    put32(buf, o, f.seq >>> 0);
    o += 4;
  }
  return o - off;
}

/** Fills the optional checksum (over GRE header + payload, `len` bytes from off). No-op without the C bit. */
export function setGreChecksum(buf: Uint8Array, off: number, len: number): void {
  if ((buf[off] & 0x80) === 0) return;
  buf[off + 4] = 0;
  buf[off + 5] = 0;
  put16(buf, off + 4, internetChecksum(buf, off, len));
}
