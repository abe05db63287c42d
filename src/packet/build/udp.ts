// UDP header writer (RFC 768). The checksum is optional over IPv4 and mandatory over IPv6 (RFC 8200 §8.1).
import { put16, foldChecksum, sumWords, pseudoSumAt } from './checksum.js';

export const UDP_HEADER_LEN = 8;

/** Writes the 8-byte header with a zero checksum for `payloadLen` bytes that follow; returns 8. */
export function writeUdp(buf: Uint8Array, off: number, srcPort: number, dstPort: number, payloadLen: number): number {
  put16(buf, off, srcPort);
  put16(buf, off + 2, dstPort);
  put16(buf, off + 4, UDP_HEADER_LEN + payloadLen);
  buf[off + 6] = 0;
  buf[off + 7] = 0;
  return UDP_HEADER_LEN;
}

/** Fills the checksum of the datagram buf[udpOff, udpOff+len) carried by the IP header at ipOff (0 is sent as 0xffff). */
export function setUdpChecksum(buf: Uint8Array, ipOff: number, udpOff: number, len: number): void {
  buf[udpOff + 6] = 0;
  buf[udpOff + 7] = 0;
  const c = foldChecksum(sumWords(buf, udpOff, len, pseudoSumAt(buf, ipOff, 17, len)));
  put16(buf, udpOff + 6, c === 0 ? 0xffff : c);
}
