// Internet checksum (RFC 1071) and the pseudo-header sums TCP, UDP and ICMPv6 need.
// Sums are kept unfolded (plain numbers) so callers can chain them; fold once at the end.

/** Adds the 16-bit big-endian words of buf[off, off+len) to `sum` (an odd tail byte is padded with zero). */
export function sumWords(buf: Uint8Array, off: number, len: number, sum = 0): number {
  const end = off + len - 1;
  let i = off;
  for (; i < end; i += 2) sum += (buf[i] << 8) | buf[i + 1];
  if (i === end) sum += buf[i] << 8;
  // keep the accumulator well inside the exact-integer range of a double
  return sum > 0x7fffffff ? (sum & 0xffff) + Math.floor(sum / 0x10000) : sum;
}

/** Folds a sum to 16 bits and complements it: the value to store in a checksum field. */
export function foldChecksum(sum: number): number {
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return ~sum & 0xffff;
}

/** Checksum of buf[off, off+len) alone (IPv4 header, ICMP, GRE). Verifying a filled-in region yields 0. */
export function internetChecksum(buf: Uint8Array, off: number, len: number): number {
  return foldChecksum(sumWords(buf, off, len));
}

/** IPv4 pseudo-header sum: addresses at srcOff/dstOff (4 bytes each), protocol and upper-layer length. */
export function pseudoSumV4(buf: Uint8Array, srcOff: number, dstOff: number, proto: number, l4Len: number): number {
  return sumWords(buf, srcOff, 4, sumWords(buf, dstOff, 4)) + proto + l4Len;
}

/** IPv6 pseudo-header sum (RFC 8200 §8.1): 16-byte addresses, 32-bit length, next header. */
export function pseudoSumV6(buf: Uint8Array, srcOff: number, dstOff: number, proto: number, l4Len: number): number {
  return sumWords(buf, srcOff, 16, sumWords(buf, dstOff, 16)) + proto + (l4Len >>> 16) + (l4Len & 0xffff);
}

/** Pseudo-header sum for the IP header at ipOff (version read from the header; IPv6 without extension headers
 * between the fixed header and the upper layer is assumed to be what the caller wants summed). */
export function pseudoSumAt(buf: Uint8Array, ipOff: number, proto: number, l4Len: number): number {
  return buf[ipOff] >> 4 === 6
    ? pseudoSumV6(buf, ipOff + 8, ipOff + 24, proto, l4Len)
    : pseudoSumV4(buf, ipOff + 12, ipOff + 16, proto, l4Len);
}

/** Writes a 16-bit big-endian value. */
export function put16(buf: Uint8Array, off: number, v: number): void {
  buf[off] = (v >>> 8) & 0xff;
  buf[off + 1] = v & 0xff;
}

/** Writes a 32-bit big-endian value. */
export function put32(buf: Uint8Array, off: number, v: number): void {
  buf[off] = (v >>> 24) & 0xff;
  buf[off + 1] = (v >>> 16) & 0xff;
  buf[off + 2] = (v >>> 8) & 0xff;
  buf[off + 3] = v & 0xff;
}
