// IPv4 header writer (RFC 791): computes the header checksum; options are copied and padded to 4 bytes.
import { put16, put32, internetChecksum } from './checksum.js';

export const IPV4_HEADER_LEN = 20;

export interface Ipv4Fields {
  src: number; // u32
  dst: number; // u32
  proto: number;
  ttl?: number; // default 64
  tos?: number;
  id?: number;
  df?: boolean;
  mf?: boolean;
  /** Fragment offset in bytes (multiple of 8). */
  fragOffset?: number;
  options?: Uint8Array;
}

/** Header length for the fields (20 + options padded to 4). */
export function ipv4HeaderLen(f: Ipv4Fields): number {
  return f.options === undefined ? IPV4_HEADER_LEN : IPV4_HEADER_LEN + ((f.options.length + 3) & ~3);
}

/** Writes the header at buf[off] for `payloadLen` bytes that follow it; returns the header length. */
export function writeIpv4(buf: Uint8Array, off: number, f: Ipv4Fields, payloadLen: number): number {
  const hl = ipv4HeaderLen(f);
  buf[off] = 0x40 | (hl >> 2);
  buf[off + 1] = (f.tos ?? 0) & 0xff;
  put16(buf, off + 2, hl + payloadLen);
  put16(buf, off + 4, (f.id ?? 0) & 0xffff);
  put16(buf, off + 6, (f.df ? 0x4000 : 0) | (f.mf ? 0x2000 : 0) | (((f.fragOffset ?? 0) >>> 3) & 0x1fff));
  buf[off + 8] = f.ttl ?? 64;
  buf[off + 9] = f.proto;
  buf[off + 10] = 0;
  buf[off + 11] = 0;
  put32(buf, off + 12, f.src);
  put32(buf, off + 16, f.dst);
  const opts = f.options;
  if (opts !== undefined) {
    for (let i = 0; i < opts.length; i++) buf[off + 20 + i] = opts[i];
    for (let i = 20 + opts.length; i < hl; i++) buf[off + i] = 0; // EOL padding
  }
  put16(buf, off + 10, internetChecksum(buf, off, hl));
  return hl;
}

/** Hot-path variant without options: positional arguments, no field object needed. */
export function writeIpv4Simple(
  buf: Uint8Array, off: number, src: number, dst: number, proto: number, payloadLen: number, id: number, ttl: number, df: boolean,
): number {
  buf[off] = 0x45;
  buf[off + 1] = 0;
  put16(buf, off + 2, IPV4_HEADER_LEN + payloadLen);
  put16(buf, off + 4, id & 0xffff);
  buf[off + 6] = df ? 0x40 : 0;
  buf[off + 7] = 0;
  buf[off + 8] = ttl;
  buf[off + 9] = proto;
  buf[off + 10] = 0;
  buf[off + 11] = 0;
  put32(buf, off + 12, src);
  put32(buf, off + 16, dst);
  put16(buf, off + 10, internetChecksum(buf, off, IPV4_HEADER_LEN));
  return IPV4_HEADER_LEN;
}

/** Recomputes the header checksum in place (after editing TTL, length...). */
export function fixIpv4Checksum(buf: Uint8Array, off: number): void {
  const hl = (buf[off] & 0x0f) << 2;
  buf[off + 10] = 0;
  buf[off + 11] = 0;
  put16(buf, off + 10, internetChecksum(buf, off, hl));
}
