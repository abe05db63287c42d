// Proxy ARP for Ethernet tunnels (VXLAN, GENEVE 0x6558): a device behind a Linux VXLAN interface asks
// who has its gateway (or any off-link address it routes through the tunnel); the gateway answers
// every such request with its own MAC, so all the device's traffic comes to it. Requests with a zero
// sender (address conflict probes) and gratuitous ARP (sender = target) are not answered.
// The reply itself is the redirection module's writer (same frame, same rules).
export { writeArpReply } from '../actions/redirect/arp-reply.js';

const ETHERTYPE_ARP = 0x0806;
const ETH_LEN = 14;
export const ARP_FRAME_LEN = ETH_LEN + 28;

/** True when buf[off, off + len) is an Ethernet ARP request (IPv4) that should be answered. */
export function isAnswerableArpRequest(buf: Uint8Array, off: number, len: number): boolean {
  if (len < ARP_FRAME_LEN || ((buf[off + 12] << 8) | buf[off + 13]) !== ETHERTYPE_ARP) return false;
  const a = off + ETH_LEN;
  if (buf[a] !== 0 || buf[a + 1] !== 1 || buf[a + 2] !== 0x08 || buf[a + 3] !== 0x00) return false;
  if (buf[a + 4] !== 6 || buf[a + 5] !== 4 || buf[a + 6] !== 0 || buf[a + 7] !== 1) return false;
  let senderZero = true;
  let same = true;
  for (let i = 0; i < 4; i++) {
    if (buf[a + 14 + i] !== 0) senderZero = false;
    if (buf[a + 14 + i] !== buf[a + 24 + i]) same = false;
  }
  return !senderZero && !same;
}
