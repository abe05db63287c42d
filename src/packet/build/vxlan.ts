// VXLAN header writer (RFC 7348): 8 bytes, I flag set, 24-bit VNI. Carried in UDP to port 4789.
import { put32 } from './checksum.js';

export const VXLAN_HEADER_LEN = 8;
export const VXLAN_PORT = 4789;

export function writeVxlan(buf: Uint8Array, off: number, vni: number): number {
  put32(buf, off, 0x08000000);
  put32(buf, off + 4, ((vni & 0xffffff) << 8) >>> 0);
  return VXLAN_HEADER_LEN;
}

/** RFC 7348 §5: the outer UDP source port should be a hash of the inner flow, in the dynamic range. */
export function vxlanSourcePort(flowHash: number): number {
  return 49152 + ((flowHash >>> 0) % 16384);
}
