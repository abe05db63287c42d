// What the live benchmark sends: VXLAN datagrams whose inner frame is a real Ethernet/IPv4/UDP frame
// from a device of the simulated fleet, so Inspection attributes and classifies every packet.
import { buildFrame } from '../../src/packet/build/compose.js';
import { VXLAN_HEADER_LEN, writeVxlan } from '../../src/packet/build/vxlan.js';

/** The simulated fleet of the benchmark: 50 devices in 10.128.0.0/16 (the first is 10.128.0.2). */
export const BENCH_FLEET = { devices: 50, deviceSubnet: '10.128.0.0/16' };
export const DEVICE_IP = '10.128.0.2';
export const SERVER_IP = '198.51.100.20';
export const VNI = 0x00f1ee;

const ETH_IP_UDP = 14 + 20 + 8;
/** Offset of the sequence number in the datagram: the inner UDP payload. */
export const SEQ_OFFSET = VXLAN_HEADER_LEN + ETH_IP_UDP;
/** Offset of the inner UDP source port, which the sender varies to make several flows. */
export const SPORT_OFFSET = VXLAN_HEADER_LEN + 14 + 20;
export const FLOWS = 64;
/** Smallest inner frame that holds the headers and the 8-byte sequence number. */
export const MIN_FRAME = ETH_IP_UDP + 8;

/**
 * One datagram template: VXLAN header + an inner Ethernet frame of frameLen bytes (device → server,
 * UDP 40000 → 5000, no UDP checksum so varying the source port keeps it valid). The datagram is
 * frameLen + 8 bytes.
 */
export function vxlanTemplate(frameLen: number): Uint8Array {
  if (!(frameLen >= MIN_FRAME && frameLen <= 9000)) throw new RangeError(`frame length must be in [${MIN_FRAME}, 9000]`);
  const inner = buildFrame({
    ip: { src: DEVICE_IP, dst: SERVER_IP },
    udp: { sport: 40000, dport: 5000, checksum: false },
    payload: new Uint8Array(frameLen - ETH_IP_UDP),
  });
  const out = new Uint8Array(VXLAN_HEADER_LEN + inner.length);
  writeVxlan(out, 0, VNI);
  out.set(inner, VXLAN_HEADER_LEN);
  return out;
}
