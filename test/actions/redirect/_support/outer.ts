// Test support: wraps a tunnel datagram (what the transport hands to the kernel) in the outer
// Ethernet/IPv4/UDP headers the kernel would add, so decoders and tshark can read it.
import { parseIPv4 } from '../../../../src/core/ip.js';
import { EtherType, writeEthernetSimple, parseMac } from '../../../../src/packet/build/ethernet.js';
import { writeIpv4Simple } from '../../../../src/packet/build/ipv4.js';
import { setUdpChecksum, writeUdp } from '../../../../src/packet/build/udp.js';

export const OUTER_SRC = '192.0.2.1';
export const OUTER_DST = '192.0.2.10';

export function wrapOuter(dgram: Uint8Array, dport: number, sport = 50000): Uint8Array {
  const out = new Uint8Array(14 + 20 + 8 + dgram.length);
  writeEthernetSimple(out, 0, parseMac('02:00:00:00:00:0a'), parseMac('02:00:00:00:00:01'), EtherType.IPV4);
  writeIpv4Simple(out, 14, parseIPv4(OUTER_SRC), parseIPv4(OUTER_DST), 17, 8 + dgram.length, 1, 64, true);
  writeUdp(out, 34, sport, dport, dgram.length);
  out.set(dgram, 42);
  setUdpChecksum(out, 14, 34, 8 + dgram.length);
  return out;
}
