// ICMP (RFC 792) and ICMPv6 (RFC 4443) header writers. Write header + payload, then set the checksum.
import { put16, put32, foldChecksum, sumWords, internetChecksum, pseudoSumAt } from './checksum.js';

export const ICMP_HEADER_LEN = 8;
export const IcmpType = { ECHO_REPLY: 0, DEST_UNREACH: 3, ECHO_REQUEST: 8, TIME_EXCEEDED: 11 } as const;
export const Icmpv6Type = { DEST_UNREACH: 1, PACKET_TOO_BIG: 2, TIME_EXCEEDED: 3, ECHO_REQUEST: 128, ECHO_REPLY: 129 } as const;

/** Writes type, code, zero checksum and the 4-byte rest of header (id << 16 | seq for echo). Returns 8. */
export function writeIcmp(buf: Uint8Array, off: number, type: number, code: number, rest: number): number {
  buf[off] = type;
  buf[off + 1] = code;
  buf[off + 2] = 0;
  buf[off + 3] = 0;
  put32(buf, off + 4, rest >>> 0);
  return ICMP_HEADER_LEN;
}

/** Echo request/reply rest-of-header. */
export function echoRest(id: number, seq: number): number {
  return (((id & 0xffff) << 16) | (seq & 0xffff)) >>> 0;
}

/** ICMPv6 uses the same 8-byte layout. */
export const writeIcmpv6 = writeIcmp;

/** ICMP (v4) checksum covers the message only. */
export function setIcmpChecksum(buf: Uint8Array, off: number, len: number): void {
  buf[off + 2] = 0;
  buf[off + 3] = 0;
  put16(buf, off + 2, internetChecksum(buf, off, len));
}

/** ICMPv6 checksum includes the IPv6 pseudo-header of the header at ipOff. */
export function setIcmpv6Checksum(buf: Uint8Array, ipOff: number, off: number, len: number): void {
  buf[off + 2] = 0;
  buf[off + 3] = 0;
  put16(buf, off + 2, foldChecksum(sumWords(buf, off, len, pseudoSumAt(buf, ipOff, 58, len))));
}
