// Health probes: an ICMP echo request from the gateway's tunnel address to the peer's inner address,
// sent through the tunnel itself, so a reply proves the whole path (outer network, the peer's tunnel
// endpoint and its IP stack). A Linux peer's kernel answers it, encapsulated back.
import { buildIpPacket } from '../../packet/build/compose.js';
import { IcmpType } from '../../packet/build/icmp.js';
import { EtherType, ETH_HEADER_LEN } from '../../packet/build/ethernet.js';
import { IpProto } from '../../core/layers.js';

/** Payload that marks our probes (helps when reading captures). */
const PROBE_PAYLOAD = 'fleetgate-redirect-probe';

/** The IPv4 ICMP echo request packet (no L2) for one probe. Built every interval: allocation is fine here. */
export function buildProbePacket(localAddress: string, peerInnerAddress: string, id: number, seq: number): Uint8Array {
  return buildIpPacket({ ip: { src: localAddress, dst: peerInnerAddress, ttl: 64 }, icmp: { type: IcmpType.ECHO_REQUEST, id, seq }, payload: PROBE_PAYLOAD });
}

/** Offset of the IPv4 header of an inner frame (skipping Ethernet and up to 2 VLAN tags), or -1 when it is not IPv4. */
export function innerIpv4Off(buf: Uint8Array, off: number, len: number, ethernet: boolean): number {
  const end = off + len;
  let o = off;
  if (ethernet) {
    if (len < ETH_HEADER_LEN) return -1;
    let t = (buf[off + 12] << 8) | buf[off + 13];
    o = off + ETH_HEADER_LEN;
    for (let i = 0; i < 2 && (t === EtherType.VLAN || t === EtherType.QINQ) && o + 4 <= end; i++) {
      t = (buf[o + 2] << 8) | buf[o + 3];
      o += 4;
    }
    if (t !== EtherType.IPV4) return -1;
  }
  if (o + 20 > end || buf[o] >> 4 !== 4) return -1;
  return o;
}

/**
 * If the inner frame is an ICMP echo reply with identifier `id`, returns its sequence number; else -1.
 * Checks the source is `fromAddr` (u32, the peer's inner address) so a reply forwarded from elsewhere is not taken for a probe.
 */
export function probeReplySeq(buf: Uint8Array, off: number, len: number, ethernet: boolean, id: number, fromAddr: number): number {
  const ip = innerIpv4Off(buf, off, len, ethernet);
  if (ip < 0) return -1;
  const ihl = (buf[ip] & 0x0f) << 2;
  const icmp = ip + ihl;
  if (ihl < 20 || icmp + 8 > off + len || buf[ip + 9] !== IpProto.ICMP) return -1;
  if ((((buf[ip + 12] << 24) | (buf[ip + 13] << 16) | (buf[ip + 14] << 8) | buf[ip + 15]) >>> 0) !== fromAddr) return -1;
  if (buf[icmp] !== IcmpType.ECHO_REPLY || buf[icmp + 1] !== 0) return -1;
  if (((buf[icmp + 4] << 8) | buf[icmp + 5]) !== id) return -1;
  return (buf[icmp + 6] << 8) | buf[icmp + 7];
}
