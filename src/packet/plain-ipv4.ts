// The replay's known-flow fast path reads most frames here instead of through decodeFrame: an Ethernet
// frame carrying an IPv4 TCP or UDP packet with nothing unusual about it. For such a frame this reads
// exactly what decodeFrame + the flow key would give (addresses, ports, protocol, IP length, TCP
// flags), and decodeFrame would record no event on it. Anything else - VLAN tags, IP options,
// fragments, a truncated or inconsistent length, a UDP port that can carry a tunnel - is refused, and
// the caller decodes the frame in full. Allocation-free; never reads outside [off, off + capLen).
import { GENEVE_PORT } from './layers/geneve.js';
import { GTPU_PORT } from './layers/gtpu.js';
import { VXLAN_PORT } from './layers/vxlan.js';

/** What the fast path needs of a plain frame. Addresses are big-endian words as signed int32 (as in FlowKey). */
export class PlainIpv4 {
  src = 0;
  dst = 0;
  srcPort = 0;
  dstPort = 0;
  /** 6 (TCP) or 17 (UDP). */
  proto = 0;
  /** IPv4 total length: the bytes the flow table counts. */
  ipLen = 0;
  /** TCP flags byte (0 for UDP). */
  tcpFlags = 0;
  /** The frame's capture time (µs): set by the caller, which has it from the capture record. */
  tsUs = 0;
}

const ETH_LEN = 14;
const IP_LEN = 20;
/** Where a plain frame's source and destination addresses are, from the frame's start. */
export const PLAIN_SRC_OFF = ETH_LEN + 12;
export const PLAIN_DST_OFF = ETH_LEN + 16;
/** Ethernet + IPv4 + UDP: the shortest plain frame. */
const MIN_FRAME = ETH_LEN + IP_LEN + 8;

function tunnelPort(port: number): boolean {
  return port === VXLAN_PORT || port === GENEVE_PORT || port === GTPU_PORT;
}

/** Fills t and returns true when buf[off, off + capLen) is a plain Ethernet/IPv4 TCP or UDP frame. */
export function readPlainIpv4(b: Uint8Array, off: number, capLen: number, t: PlainIpv4): boolean {
  if (capLen < MIN_FRAME || off < 0 || off + capLen > b.length) return false;
  // EtherType IPv4 straight after the MAC addresses (no VLAN tag)
  if (b[off + 12] !== 0x08 || b[off + 13] !== 0x00) return false;
  const ip = off + ETH_LEN;
  // version 4, 20-byte header; no fragment (MF clear, offset 0)
  if (b[ip] !== 0x45 || ((b[ip + 6] & 0x3f) | b[ip + 7]) !== 0) return false;
  const totalLen = (b[ip + 2] << 8) | b[ip + 3];
  // the whole IP packet is in the frame (Ethernet padding after it is fine)
  if (totalLen < IP_LEN + 8 || ETH_LEN + totalLen > capLen) return false;
  const proto = b[ip + 9];
  const l4 = ip + IP_LEN;
  const l4Len = totalLen - IP_LEN;
  let flags = 0;
  if (proto === 6) {
    if (l4Len < 20) return false;
    const hlen = (b[l4 + 12] >> 4) << 2;
    if (hlen < 20 || hlen > l4Len) return false;
    flags = b[l4 + 13];
  } else if (proto === 17) {
    const udpLen = (b[l4 + 4] << 8) | b[l4 + 5];
    if (udpLen < 8 || udpLen > l4Len) return false;
  } else {
    return false;
  }
  const sp = (b[l4] << 8) | b[l4 + 1];
  const dp = (b[l4 + 2] << 8) | b[l4 + 3];
  // the full decoder looks for a tunnel header behind these ports: leave them to it
  if (proto === 17 && (tunnelPort(sp) || tunnelPort(dp))) return false;
  const s = off + PLAIN_SRC_OFF;
  const d = off + PLAIN_DST_OFF;
  t.src = (b[s] << 24) | (b[s + 1] << 16) | (b[s + 2] << 8) | b[s + 3];
  t.dst = (b[d] << 24) | (b[d + 1] << 16) | (b[d + 2] << 8) | b[d + 3];
  t.srcPort = sp;
  t.dstPort = dp;
  t.proto = proto;
  t.ipLen = totalLen;
  t.tcpFlags = flags;
  return true;
}
