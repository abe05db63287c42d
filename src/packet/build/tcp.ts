// TCP header writer (RFC 9293). Write the header, then the payload, then call setTcpChecksum.
import { put16, put32, foldChecksum, sumWords, pseudoSumAt } from './checksum.js';

export const TCP_HEADER_LEN = 20;
export const TcpFlag = { FIN: 0x01, SYN: 0x02, RST: 0x04, PSH: 0x08, ACK: 0x10, URG: 0x20, ECE: 0x40, CWR: 0x80 } as const;

export interface TcpFields {
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  flags: number;
  window?: number; // default 65535
  urgent?: number;
  /** Raw option bytes; padded with zeros (EOL) to a multiple of 4. */
  options?: Uint8Array;
}

export function tcpHeaderLen(f: TcpFields): number {
  return f.options === undefined ? TCP_HEADER_LEN : TCP_HEADER_LEN + ((f.options.length + 3) & ~3);
}

/** Writes the header at buf[off] with a zero checksum; returns the header length. */
export function writeTcp(buf: Uint8Array, off: number, f: TcpFields): number {
  const hl = tcpHeaderLen(f);
  writeTcpSimple(buf, off, f.srcPort, f.dstPort, f.seq, f.ack, f.flags, f.window ?? 65535, hl);
  put16(buf, off + 18, f.urgent ?? 0);
  const opts = f.options;
  if (opts !== undefined) {
    for (let i = 0; i < opts.length; i++) buf[off + 20 + i] = opts[i];
    for (let i = 20 + opts.length; i < hl; i++) buf[off + i] = 0;
  }
  return hl;
}

/** Positional hot-path variant; `hdrLen` > 20 means the caller writes options at off+20 itself. */
export function writeTcpSimple(
  buf: Uint8Array, off: number, srcPort: number, dstPort: number, seq: number, ack: number, flags: number, window: number,
  hdrLen = TCP_HEADER_LEN,
): number {
  put16(buf, off, srcPort);
  put16(buf, off + 2, dstPort);
  put32(buf, off + 4, seq >>> 0);
  put32(buf, off + 8, ack >>> 0);
  buf[off + 12] = (hdrLen >> 2) << 4;
  buf[off + 13] = flags & 0xff;
  put16(buf, off + 14, window);
  buf[off + 16] = 0;
  buf[off + 17] = 0;
  buf[off + 18] = 0;
  buf[off + 19] = 0;
  return hdrLen;
}

/** Fills the checksum of the segment buf[tcpOff, tcpOff+segLen) carried by the IP header at ipOff (v4 or v6). */
export function setTcpChecksum(buf: Uint8Array, ipOff: number, tcpOff: number, segLen: number): void {
  buf[tcpOff + 16] = 0;
  buf[tcpOff + 17] = 0;
  put16(buf, tcpOff + 16, foldChecksum(sumWords(buf, tcpOff, segLen, pseudoSumAt(buf, ipOff, 6, segLen))));
}

/** SYN options: MSS, SACK permitted, window scale (12 bytes, Linux-like order without timestamps). */
export function synOptions(mss: number, wscale: number): Uint8Array {
  return Uint8Array.of(2, 4, mss >> 8, mss & 0xff, 1, 1, 4, 2, 1, 3, 3, wscale);
}
