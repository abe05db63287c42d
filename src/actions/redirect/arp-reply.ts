// A minimal ARP responder for Ethernet tunnels: the appliance (e.g. a Linux VXLAN interface) asks who has
// the gateway's tunnel address before it can answer probes or route packets back; we answer with
// GATEWAY_TUNNEL_MAC. Only IPv4-over-Ethernet requests for that one address are answered.
import { ETH_HEADER_LEN, EtherType } from '../../packet/build/ethernet.js';

const ETHERTYPE_ARP = 0x0806;
const ARP_LEN = 28;
export const ARP_REPLY_LEN = ETH_HEADER_LEN + ARP_LEN;

/** True when the Ethernet frame buf[off, off + len) is an ARP request for the IPv4 address `target` (u32). */
export function isArpRequestFor(buf: Uint8Array, off: number, len: number, target: number): boolean {
  if (len < ARP_REPLY_LEN || ((buf[off + 12] << 8) | buf[off + 13]) !== ETHERTYPE_ARP) return false;
  const a = off + ETH_HEADER_LEN;
  // htype 1 (Ethernet), ptype IPv4, hlen 6, plen 4, op 1 (request)
  if (buf[a] !== 0 || buf[a + 1] !== 1 || ((buf[a + 2] << 8) | buf[a + 3]) !== EtherType.IPV4) return false;
  if (buf[a + 4] !== 6 || buf[a + 5] !== 4 || buf[a + 6] !== 0 || buf[a + 7] !== 1) return false;
  return (((buf[a + 24] << 24) | (buf[a + 25] << 16) | (buf[a + 26] << 8) | buf[a + 27]) >>> 0) === target >>> 0;
}

/** Writes the 42-byte Ethernet ARP reply to the request at req[reqOff] into out[outOff]; returns 42. */
export function writeArpReply(out: Uint8Array, outOff: number, req: Uint8Array, reqOff: number, ourMac: Uint8Array): number {
  const q = reqOff + ETH_HEADER_LEN;
  const r = outOff + ETH_HEADER_LEN;
  for (let i = 0; i < 6; i++) {
    out[outOff + i] = req[q + 8 + i]; // to the requester's hardware address
    out[outOff + 6 + i] = ourMac[i];
    out[r + 8 + i] = ourMac[i]; // sender hardware = us
    out[r + 18 + i] = req[q + 8 + i]; // target hardware = requester
  }
  out[outOff + 12] = ETHERTYPE_ARP >> 8;
  out[outOff + 13] = ETHERTYPE_ARP & 0xff;
  for (let i = 0; i < 6; i++) out[r + i] = req[q + i]; // htype, ptype, hlen, plen
  out[r + 6] = 0;
  out[r + 7] = 2; // reply
  for (let i = 0; i < 4; i++) {
    out[r + 14 + i] = req[q + 24 + i]; // sender protocol address = the address asked for (ours)
    out[r + 24 + i] = req[q + 14 + i]; // target protocol address = the requester's
  }
  return ARP_REPLY_LEN;
}
