// Proxy neighbour discovery for Ethernet tunnels (VXLAN, GENEVE 0x6558), the IPv6 twin of the ARP
// replies (arp-reply.ts, pipeline/live-arp.ts): a device behind a Linux VXLAN interface (VPG mode), or a
// redirection appliance routing packets back (redirector.ts), sends a Neighbor Solicitation (RFC 4861
// §7.2.2) for its IPv6 gateway or next hop before it can send to it; the gateway answers every such
// solicitation with a Neighbor Advertisement carrying its own MAC (flags Solicited + Override, target
// link-layer address option), so all that IPv6 traffic comes to it. Not answered: duplicate address
// detection probes (unspecified source), solicitations for the sender's own address or for a multicast
// target, and anything that is not a well-formed NS (hop limit 255, code 0, no extension headers).
import { setIcmpv6Checksum } from '../../packet/build/icmp.js';

const ETH_LEN = 14;
const IP6_LEN = 40;
const ETHERTYPE_IPV6 = 0x86dd;
const ICMPV6 = 58;
const NS = 135;
const NA = 136;
/** NS: type, code, checksum, reserved (8), target (16). */
const NS_MIN = 24;
/** NA: type, code, checksum, flags + reserved (8), target (16), target link-layer address option (8). */
const NA_LEN = 32;
export const NA_FRAME_LEN = ETH_LEN + IP6_LEN + NA_LEN;
/** Solicited (0x40) + Override (0x20), in the first flags byte. */
const NA_FLAGS = 0x60;

/** True when buf[off, off + len) is an Ethernet frame with a Neighbor Solicitation that should be answered. */
export function isAnswerableNeighborSolicitation(buf: Uint8Array, off: number, len: number): boolean {
  if (len < ETH_LEN + IP6_LEN + NS_MIN || ((buf[off + 12] << 8) | buf[off + 13]) !== ETHERTYPE_IPV6) return false;
  const ip = off + ETH_LEN;
  if (buf[ip] >> 4 !== 6 || buf[ip + 6] !== ICMPV6 || buf[ip + 7] !== 255) return false;
  const plen = (buf[ip + 4] << 8) | buf[ip + 5];
  if (plen < NS_MIN || ETH_LEN + IP6_LEN + plen > len) return false;
  const icmp = ip + IP6_LEN;
  if (buf[icmp] !== NS || buf[icmp + 1] !== 0) return false;
  const src = ip + 8;
  const target = icmp + 8;
  if (buf[target] === 0xff) return false; // multicast target: invalid
  let srcZero = true;
  let same = true;
  for (let i = 0; i < 16; i++) {
    if (buf[src + i] !== 0) srcZero = false;
    if (buf[src + i] !== buf[target + i]) same = false;
  }
  return !srcZero && !same;
}

/**
 * Writes the Ethernet frame of the Neighbor Advertisement answering the solicitation frame at
 * req[reqOff] into out[outOff] (NA_FRAME_LEN bytes): from ourMac and the solicited target address, to
 * the solicitation's sender. Returns NA_FRAME_LEN.
 */
export function writeNeighborAdvertisement(out: Uint8Array, outOff: number, req: Uint8Array, reqOff: number, ourMac: Uint8Array): number {
  const qIp = reqOff + ETH_LEN;
  const qTarget = qIp + IP6_LEN + 8;
  for (let i = 0; i < 6; i++) {
    out[outOff + i] = req[reqOff + 6 + i]; // to the solicitation's sender
    out[outOff + 6 + i] = ourMac[i];
  }
  out[outOff + 12] = ETHERTYPE_IPV6 >> 8;
  out[outOff + 13] = ETHERTYPE_IPV6 & 0xff;
  const ip = outOff + ETH_LEN;
  out[ip] = 0x60;
  out[ip + 1] = 0;
  out[ip + 2] = 0;
  out[ip + 3] = 0;
  out[ip + 4] = 0;
  out[ip + 5] = NA_LEN;
  out[ip + 6] = ICMPV6;
  out[ip + 7] = 255;
  for (let i = 0; i < 16; i++) {
    out[ip + 8 + i] = req[qTarget + i]; // from the address asked for
    out[ip + 24 + i] = req[qIp + 8 + i]; // to the solicitation's source
  }
  const icmp = ip + IP6_LEN;
  out[icmp] = NA;
  out[icmp + 1] = 0;
  out[icmp + 4] = NA_FLAGS;
  out[icmp + 5] = 0;
  out[icmp + 6] = 0;
  out[icmp + 7] = 0;
  for (let i = 0; i < 16; i++) out[icmp + 8 + i] = req[qTarget + i];
  out[icmp + 24] = 2; // target link-layer address option
  out[icmp + 25] = 1; // length in units of 8 bytes
  for (let i = 0; i < 6; i++) out[icmp + 26 + i] = ourMac[i];
  setIcmpv6Checksum(out, ip, icmp, NA_LEN);
  return NA_FRAME_LEN;
}
