// Test support: checksum verification over decoded packets (not a test file).
import { foldChecksum, internetChecksum, pseudoSumAt, sumWords } from '../../../src/packet/build/checksum.js';

/** True when the IPv4 header at off carries a valid checksum. */
export function ipv4HeaderOk(buf: Uint8Array, off: number): boolean {
  return internetChecksum(buf, off, (buf[off] & 0x0f) << 2) === 0;
}

/** True when the L4 segment at l4Off (TCP/UDP/ICMPv6: pseudo-header included) verifies. */
export function l4ChecksumOk(buf: Uint8Array, ipOff: number, l4Off: number, len: number, proto: number): boolean {
  return foldChecksum(sumWords(buf, l4Off, len, pseudoSumAt(buf, ipOff, proto, len))) === 0;
}
