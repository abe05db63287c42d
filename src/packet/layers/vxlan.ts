// VXLAN (RFC 7348): flags(1) reserved(3) VNI(3) reserved(1), then an inner Ethernet frame.
import { Layer, TunnelKind, type LayerId } from '../../core/layers.js';
import type { PacketView } from '../../core/packet-view.js';
import { Ev } from '../events.js';
import type { LayerDecoder } from '../layer-decoder.js';
import { enterTunnel } from '../tunnel.js';

export const VXLAN_PORT = 4789;
export const VXLAN_HDR_LEN = 8;
/** The I flag: the VNI is valid. */
export const VXLAN_FLAG_I = 0x08;

/**
 * True when [off, end) starts with a VXLAN header: I flag set and every reserved bit zero. Strict on
 * purpose: it decides whether UDP traffic on port 4789 is decapsulated. (VXLAN-GBP, which uses the
 * reserved bits, is not recognised.)
 */
export function vxlanHeaderOk(b: Uint8Array, off: number, end: number): boolean {
  return (
    end - off >= VXLAN_HDR_LEN &&
    b[off] === VXLAN_FLAG_I &&
    b[off + 1] === 0 &&
    b[off + 2] === 0 &&
    b[off + 3] === 0 &&
    b[off + 7] === 0
  );
}

function decodeVxlan(p: PacketView, off: number, end: number): LayerId {
  if (end - off < VXLAN_HDR_LEN) {
    p.addEvent(Ev.VXLAN_TRUNCATED);
    return Layer.NONE;
  }
  const b = p.buf;
  if (!vxlanHeaderOk(b, off, end)) {
    p.addEvent(Ev.VXLAN_BAD_FLAGS);
    return Layer.NONE;
  }
  const vni = (b[off + 4] << 16) | (b[off + 5] << 8) | b[off + 6];
  if (!enterTunnel(p, TunnelKind.VXLAN, vni, off, VXLAN_HDR_LEN, p.srcPort, p.dstPort)) return Layer.NONE;
  p.nextOff = off + VXLAN_HDR_LEN;
  p.nextEnd = end;
  return Layer.ETHERNET;
}

export const vxlanDecoder: LayerDecoder = { id: Layer.VXLAN, decode: decodeVxlan };
