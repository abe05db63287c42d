// Address readers for the flow table and others: IPv4 addresses as u32 straight from the packet bytes.
import type { PacketView } from '../core/packet-view.js';

/** Source IPv4 address as an unsigned 32-bit number; 0 when the packet has no IPv4 header. */
export function srcAddrV4(p: PacketView): number {
  if (p.ipVersion !== 4) return 0;
  const b = p.buf;
  const o = p.srcAddrOff;
  return ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
}

/** Destination IPv4 address as an unsigned 32-bit number; 0 when the packet has no IPv4 header. */
export function dstAddrV4(p: PacketView): number {
  if (p.ipVersion !== 4) return 0;
  const b = p.buf;
  const o = p.dstAddrOff;
  return ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
}
