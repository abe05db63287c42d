// Test support: what a gateway peer does to the datagrams it receives, as pure functions. A probe (ICMP
// echo request to the peer's inner address) becomes an echo reply inside the same tunnel header, the way
// a Linux kernel answers it; anything else is returned unchanged (the appliance routes it back).
import { DecapResult, decapReturned } from '../../../../src/actions/redirect/encap.js';
import { innerIpv4Off } from '../../../../src/actions/redirect/probe.js';
import { internetChecksum, put16 } from '../../../../src/packet/build/checksum.js';

export const PEER_MAC = Uint8Array.of(0x02, 0x99, 0x00, 0x00, 0x00, 0x01);

/** The ICMP echo request inside a tunnel datagram: offsets, or null when it is not one. */
function echoRequest(d: Uint8Array): { r: DecapResult; ip: number; icmp: number } | null {
  const r = new DecapResult();
  if (!decapReturned(d, 0, d.length, r)) return null;
  const ip = innerIpv4Off(d, r.innerOff, r.innerLen, r.ethernet);
  if (ip < 0 || d[ip + 9] !== 1) return null;
  const icmp = ip + ((d[ip] & 0x0f) << 2);
  return d[icmp] === 8 ? { r, ip, icmp } : null;
}

export function isProbe(d: Uint8Array): boolean {
  return echoRequest(d) !== null;
}

/** The echo reply datagram for a probe datagram (same tunnel header), or null when d is not a probe. */
export function probeReply(d: Uint8Array, peerMac: Uint8Array = PEER_MAC): Uint8Array | null {
  const e = echoRequest(d);
  if (e === null) return null;
  const out = d.slice();
  const { r, ip, icmp } = e;
  if (r.ethernet) {
    out.set(d.subarray(r.innerOff + 6, r.innerOff + 12), r.innerOff); // back to the sender's MAC
    out.set(peerMac, r.innerOff + 6);
  }
  out.set(d.subarray(ip + 16, ip + 20), ip + 12);
  out.set(d.subarray(ip + 12, ip + 16), ip + 16); // swapping addresses keeps the IPv4 header checksum valid
  out[icmp] = 0;
  out[icmp + 2] = 0;
  out[icmp + 3] = 0;
  const ipEnd = ip + ((d[ip + 2] << 8) | d[ip + 3]);
  put16(out, icmp + 2, internetChecksum(out, icmp, ipEnd - icmp));
  return out;
}
