// The flow key of a decoded packet, loaded into a reused scratch (no allocation per packet).
//
// Key = IP version, L4 protocol, both addresses, both ports, first VLAN id, innermost tunnel
// (kind + id: VNI or GRE key; GTP-U's TEID is left out, see below). Addresses are 4 big-endian u32 words; an IPv4 address sits in
// word 0 with words 1..3 zero, and the version field keeps it apart from the IPv6 address ::a.b.c.d.
// Words are kept as signed int32 (same bits): V8 handles int32 unboxed, while uint32 values >= 2^31
// can become heap numbers (an allocation) when they cross a function boundary.
// Ports are 0 for protocols without ports (ICMP included) and for non-first fragments.
import type { PacketView } from '../core/packet-view.js';
import { IpProto, TunnelKind } from '../core/layers.js';

export class FlowKey {
  /** Sender address words. */
  readonly src = new Int32Array(4);
  /** Receiver address words. */
  readonly dst = new Int32Array(4);
  srcPort = 0;
  dstPort = 0;
  proto = 0;
  version = 0;
  vlan = 0;
  tunnelId = 0;
  tunnelKind = 0;
}

/** Protocols whose flows are told apart by ports (TCP, UDP, DCCP, SCTP, UDP-Lite). */
export function hasPorts(proto: number): boolean {
  return proto === IpProto.TCP || proto === IpProto.UDP || proto === 33 || proto === IpProto.SCTP || proto === 136;
}

/** Big-endian 32-bit word as a signed int32. */
function readI32(b: Uint8Array, o: number): number {
  return (b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3];
}

/**
 * Fills k from p (which must have ipVersion 4 or 6 and address offsets set). `withPorts` false
 * forces ports 0 (non-first fragments carry no L4 header).
 */
export function loadFlowKey(p: PacketView, k: FlowKey, withPorts: boolean): void {
  const b = p.buf;
  const s = p.srcAddrOff;
  const d = p.dstAddrOff;
  const src = k.src;
  const dst = k.dst;
  if (p.ipVersion === 6) {
    src[0] = readI32(b, s);
    src[1] = readI32(b, s + 4);
    src[2] = readI32(b, s + 8);
    src[3] = readI32(b, s + 12);
    dst[0] = readI32(b, d);
    dst[1] = readI32(b, d + 4);
    dst[2] = readI32(b, d + 8);
    dst[3] = readI32(b, d + 12);
  } else {
    src[0] = readI32(b, s);
    src[1] = 0;
    src[2] = 0;
    src[3] = 0;
    dst[0] = readI32(b, d);
    dst[1] = 0;
    dst[2] = 0;
    dst[3] = 0;
  }
  k.version = p.ipVersion;
  const proto = p.ipProto;
  k.proto = proto;
  if (withPorts && hasPorts(proto)) {
    k.srcPort = p.srcPort & 0xffff;
    k.dstPort = p.dstPort & 0xffff;
  } else {
    k.srcPort = 0;
    k.dstPort = 0;
  }
  k.vlan = p.vlanCount > 0 ? p.vlanIds[0] & 0xfff : 0;
  const t = p.tunnelDepth;
  if (t > 0 && t <= p.tunnelId.length) {
    k.tunnelKind = p.tunnelKind[t - 1];
    // GTP-U TEIDs differ per direction (each end allocates its own), so they cannot be part of a
    // bidirectional key; the device stage still maps the first packet's TEID to its device.
    k.tunnelId = k.tunnelKind === TunnelKind.GTPU ? 0 : p.tunnelId[t - 1] | 0;
  } else {
    k.tunnelId = 0;
    k.tunnelKind = 0;
  }
}
