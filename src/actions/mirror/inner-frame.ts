// Which bytes of a decoded packet a mirror peer receives, and writing them (possibly truncated) into a
// queue slot. The peer always receives an Ethernet frame (GRE protocol 0x6558, VXLAN):
// - Ethernet capture/port, no tunnel: the original frame, byte for byte (VLAN tags included);
// - the device's packet arrived inside a tunnel that carries Ethernet (VXLAN, GENEVE or GRE with
//   0x6558): the inner Ethernet frame, byte for byte;
// - otherwise (TUN, raw IP, Linux SLL, loopback, GTP-U, IP-in-GRE...): the device's IP packet, byte for
//   byte, behind a synthetic Ethernet header with the fixed MACs below and EtherType 0x0800 / 0x86DD.
// Frames without an IP layer (ARP, LLDP...) are never mirrored (AWS Traffic Mirroring does the same).
import { LinkType, TunnelKind } from '../../core/layers.js';
import type { PacketView } from '../../core/packet-view.js';
import { EtherType, ETH_HEADER_LEN } from '../../packet/build/ethernet.js';
import { copyBytes } from './copy-bytes.js';

/** Synthetic MACs (locally administered, "fg" + "m"): the device side and the network side of the gateway. */
export const MIRROR_DEVICE_MAC = Uint8Array.of(0x02, 0x66, 0x67, 0x6d, 0x00, 0x01);
export const MIRROR_NETWORK_MAC = Uint8Array.of(0x02, 0x66, 0x67, 0x6d, 0x00, 0x02);

/** Where the mirrored bytes are (reused per packet; filled by locateInnerFrame). */
export class InnerFrame {
  buf: Uint8Array = new Uint8Array(0);
  /** Start of the original bytes: an Ethernet frame, or an IP packet when `synthEthernet`. */
  off = 0;
  len = 0;
  /** True when an Ethernet header must be written in front of the IP packet at `off`. */
  synthEthernet = false;
  /** EtherType of the synthetic header (0x0800 or 0x86DD). */
  etherType = 0;

  /** Bytes of the frame the peer receives, before truncation. */
  frameLen(): number {
    return this.synthEthernet ? ETH_HEADER_LEN + this.len : this.len;
  }
}

function tunnelCarriesEthernet(p: PacketView, i: number): boolean {
  const kind = p.tunnelKind[i];
  if (kind === TunnelKind.VXLAN) return true;
  if (kind !== TunnelKind.GRE && kind !== TunnelKind.GENEVE) return false;
  const h = p.tunnelHdrOff[i];
  return h >= 0 && h + 4 <= p.frameEnd && ((p.buf[h + 2] << 8) | p.buf[h + 3]) === EtherType.TEB;
}

/** Fills `out` for packet p; false when p has no IP layer (nothing to mirror). Allocation-free, never throws. */
export function locateInnerFrame(p: PacketView, out: InnerFrame): boolean {
  if (p.ipVersion === 0 || p.l3Off < 0 || p.l3Off >= p.frameEnd) return false;
  out.buf = p.buf;
  const d = p.tunnelDepth;
  if (d === 0 && p.linkType === LinkType.ETHERNET) {
    out.off = p.frameOff;
    out.len = p.frameEnd - p.frameOff;
    out.synthEthernet = false;
    return out.len > 0;
  }
  if (d > 0 && tunnelCarriesEthernet(p, d - 1)) {
    const start = p.tunnelHdrOff[d - 1] + p.tunnelHdrLen[d - 1];
    if (start >= 0 && start < p.l3Off) {
      out.off = start;
      out.len = p.frameEnd - start;
      out.synthEthernet = false;
      return true;
    }
  }
  // Bare IP packet: bounded by its own length so trailing link padding is not sent.
  let len = p.frameEnd - p.l3Off;
  if (p.ipLen > 0 && p.ipLen < len) len = p.ipLen;
  out.off = p.l3Off;
  out.len = len;
  out.synthEthernet = true;
  out.etherType = p.ipVersion === 6 ? EtherType.IPV6 : EtherType.IPV4;
  return true;
}

/**
 * Writes the first `keep` bytes (0 < keep <= f.frameLen()) of the mirrored frame at out[off]; returns keep.
 * The synthetic header's source is the device side for uplink packets and the network side for downlink.
 * The caller guarantees out has room.
 */
export function writeInnerFrame(out: Uint8Array, off: number, f: InnerFrame, keep: number, uplink: boolean): number {
  let o = off;
  let left = keep;
  if (f.synthEthernet) {
    const src = uplink ? MIRROR_DEVICE_MAC : MIRROR_NETWORK_MAC;
    const dst = uplink ? MIRROR_NETWORK_MAC : MIRROR_DEVICE_MAC;
    // the header may itself be cut by a tiny keep: write it byte by byte up to `left`
    for (let i = 0; i < 6 && i < left; i++) out[o + i] = dst[i];
    for (let i = 0; i < 6 && 6 + i < left; i++) out[o + 6 + i] = src[i];
    if (left > 12) out[o + 12] = f.etherType >>> 8;
    if (left > 13) out[o + 13] = f.etherType & 0xff;
    const h = left < ETH_HEADER_LEN ? left : ETH_HEADER_LEN;
    o += h;
    left -= h;
  }
  if (left > 0) copyBytes(out, o, f.buf, f.off, left);
  return keep;
}
