// IPv6 fixed header writer (RFC 8200). Extension headers, if any, are the caller's payload.
import { put16 } from './checksum.js';

export const IPV6_HEADER_LEN = 40;

export interface Ipv6Fields {
  src: Uint8Array; // 16 bytes
  dst: Uint8Array; // 16 bytes
  nextHeader: number;
  hopLimit?: number; // default 64
  trafficClass?: number;
  flowLabel?: number;
}

/** Writes the 40-byte header at buf[off] for `payloadLen` bytes that follow; returns 40. */
export function writeIpv6(buf: Uint8Array, off: number, f: Ipv6Fields, payloadLen: number): number {
  const tc = (f.trafficClass ?? 0) & 0xff;
  const fl = (f.flowLabel ?? 0) & 0xfffff;
  buf[off] = 0x60 | (tc >> 4);
  buf[off + 1] = ((tc & 0x0f) << 4) | (fl >>> 16);
  put16(buf, off + 2, fl & 0xffff);
  put16(buf, off + 4, payloadLen);
  buf[off + 6] = f.nextHeader;
  buf[off + 7] = f.hopLimit ?? 64;
  for (let i = 0; i < 16; i++) {
    buf[off + 8 + i] = f.src[i];
    buf[off + 24 + i] = f.dst[i];
  }
  return IPV6_HEADER_LEN;
}
