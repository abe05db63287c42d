// Tunnel encapsulation towards a gateway peer, and validation of the packets it returns.
//
// What is written is the UDP payload (VXLAN or GENEVE header + inner frame): the kernel adds the outer
// IPv4/UDP headers because the transport is a UDP socket.
// The inner frame is the packet's innermost IP packet. When the tunnel carries Ethernet, a fresh
// Ethernet header is written: source GATEWAY_TUNNEL_MAC, destination the peer's MAC (configured, or
// learned from frames it returned, or broadcast until then). The original L2 header, if any, is not
// reused: the packet is routed to the peer, and a Linux peer only forwards frames addressed to its
// own MAC. encapPacket allocates nothing.
import type { PacketView } from '../../core/packet-view.js';
import { EtherType, ETH_HEADER_LEN, writeEthernetSimple } from '../../packet/build/ethernet.js';
import { put32 } from '../../packet/build/checksum.js';
import { VXLAN_HEADER_LEN, writeVxlan } from '../../packet/build/vxlan.js';
import { geneveHeaderLen, writeGeneve, type GeneveFields, type GeneveOption } from '../../packet/build/geneve.js';
import { vxlanHeaderOk } from '../../packet/layers/vxlan.js';
import { geneveHeaderOk, GENEVE_BASE_HDR_LEN } from '../../packet/layers/geneve.js';
import type { PeerConfig, TunnelPayload, TunnelProtocol } from './config.js';

/** Source MAC of every frame the gateway sends into a redirection tunnel (locally administered, "fg"). */
export const GATEWAY_TUNNEL_MAC = Uint8Array.of(0x02, 0x66, 0x67, 0x00, 0x00, 0x01);
export const BROADCAST_MAC = Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff);
/** AWS GWLB GENEVE option class and types (anchors-spec §2.2). */
export const AWS_GENEVE_CLASS = 0x0108;
export const AwsGeneveType = { ENDPOINT_ID: 1, ATTACHMENT_ID: 2, FLOW_COOKIE: 3 } as const;

/** Per-peer encapsulation parameters, compiled once from config. `dstMac` is updated in place when learned. */
export class TunnelEncap {
  readonly protocol: TunnelProtocol;
  readonly vni: number;
  readonly payload: TunnelPayload;
  readonly dstMac = new Uint8Array(6);
  /** True once dstMac holds the peer's real MAC (configured or learned). */
  macKnown: boolean;
  readonly hdrLen: number;
  private readonly geneve: GeneveFields | null;
  /** Offset of the GWLB flow cookie inside the GENEVE header, or -1. */
  private readonly cookieOff: number;

  constructor(peer: Pick<PeerConfig, 'protocol' | 'vni' | 'payload' | 'innerMac' | 'geneveOptions' | 'gwlb'>) {
    this.protocol = peer.protocol;
    this.vni = peer.vni;
    this.payload = peer.protocol === 'vxlan' ? 'ethernet' : peer.payload;
    this.dstMac.set(peer.innerMac ?? BROADCAST_MAC);
    this.macKnown = peer.innerMac !== undefined;
    if (peer.protocol === 'geneve') {
      const options: GeneveOption[] = [];
      let cookieOff = -1;
      if (peer.gwlb) {
        options.push({ class: AWS_GENEVE_CLASS, type: AwsGeneveType.ENDPOINT_ID, data: peer.gwlb.endpointId });
        options.push({ class: AWS_GENEVE_CLASS, type: AwsGeneveType.ATTACHMENT_ID, data: peer.gwlb.attachmentId });
        options.push({ class: AWS_GENEVE_CLASS, type: AwsGeneveType.FLOW_COOKIE, data: new Uint8Array(4) });
        cookieOff = GENEVE_BASE_HDR_LEN + 12 + 12 + 4;
      }
      for (const o of peer.geneveOptions) options.push({ class: o.class, type: o.type, data: o.data });
      // protocol is set per packet (0x0800 / 0x86dd) when the payload is bare IP
      this.geneve = { vni: peer.vni, protocol: EtherType.TEB, options };
      this.cookieOff = cookieOff;
      this.hdrLen = geneveHeaderLen(this.geneve);
    } else {
      this.geneve = null;
      this.cookieOff = -1;
      this.hdrLen = VXLAN_HEADER_LEN;
    }
  }

  /** Bytes encapPacket writes for an IP packet of ipLen bytes. */
  encapLen(ipLen: number): number {
    return this.hdrLen + (this.payload === 'ethernet' ? ETH_HEADER_LEN : 0) + ipLen;
  }

  /**
   * Writes tunnel header + inner frame for the IP packet src[ipOff, ipOff + ipLen) at out[outOff].
   * `cookie` is the GWLB flow cookie (ignored without gwlb). Returns the bytes written, or -1 when it
   * does not fit in out.
   */
  encapIp(out: Uint8Array, outOff: number, src: Uint8Array, ipOff: number, ipLen: number, ipVersion: number, cookie: number): number {
    const total = this.encapLen(ipLen);
    if (outOff + total > out.length || ipLen <= 0 || ipOff + ipLen > src.length) return -1;
    const ethType = ipVersion === 6 ? EtherType.IPV6 : EtherType.IPV4;
    let o = outOff + this.writeHeader(out, outOff, ethType);
    if (this.cookieOff >= 0) put32(out, outOff + this.cookieOff, cookie >>> 0);
    if (this.payload === 'ethernet') o += writeEthernetSimple(out, o, this.dstMac, GATEWAY_TUNNEL_MAC, ethType);
    for (let i = 0; i < ipLen; i++) out[o + i] = src[ipOff + i]; // a loop, not subarray(): no view object per packet
    return o + ipLen - outOff;
  }

  /**
   * Writes the VXLAN or GENEVE header (GWLB cookie zero) at out[off]; returns its length. `innerType` is
   * the EtherType of what follows when the payload is bare IP (GENEVE protocol field); with an
   * Ethernet payload the protocol is 0x6558.
   */
  writeHeader(out: Uint8Array, off: number, innerType: number): number {
    const g = this.geneve;
    if (g === null) return writeVxlan(out, off, this.vni);
    g.protocol = this.payload === 'ethernet' ? EtherType.TEB : innerType;
    return writeGeneve(out, off, g);
  }

  /** encapIp for the innermost IP packet of a decoded view; -1 when it has no IP layer or does not fit. */
  encapPacket(out: Uint8Array, outOff: number, p: PacketView, cookie: number): number {
    if (p.ipVersion === 0 || p.l3Off < 0) return -1;
    let len = p.ipLen;
    if (len <= 0 || p.l3Off + len > p.frameEnd) len = p.frameEnd - p.l3Off; // snap-length capture: send what exists
    return this.encapIp(out, outOff, p.buf, p.l3Off, len, p.ipVersion, cookie);
  }
}

/** Where a returned tunnel packet's parts are (reused between calls). */
export class DecapResult {
  protocol: TunnelProtocol = 'vxlan';
  vni = 0;
  /** The inner frame: an Ethernet frame when `ethernet`, else an IP packet. */
  innerOff = 0;
  innerLen = 0;
  ethernet = true;
  /** GENEVE options region (absolute offset into buf; length 0 for VXLAN or no options). */
  optOff = 0;
  optLen = 0;
}

/**
 * Validates a VXLAN or GENEVE header at buf[off, off + len) (a UDP payload) and fills `out`. The two
 * headers cannot be confused: VXLAN requires bytes 1-3 zero, GENEVE a known protocol type in bytes 2-3.
 * Never throws; false for anything else (too short, bad flags, unknown GENEVE payload, empty inner frame).
 */
export function decapReturned(buf: Uint8Array, off: number, len: number, out: DecapResult): boolean {
  const end = off + len;
  if (off < 0 || len <= 0 || end > buf.length) return false;
  if (vxlanHeaderOk(buf, off, end)) {
    out.protocol = 'vxlan';
    out.vni = (buf[off + 4] << 16) | (buf[off + 5] << 8) | buf[off + 6];
    out.innerOff = off + VXLAN_HEADER_LEN;
    out.innerLen = len - VXLAN_HEADER_LEN;
    out.ethernet = true;
    out.optOff = off + VXLAN_HEADER_LEN;
    out.optLen = 0;
    return out.innerLen >= ETH_HEADER_LEN;
  }
  if (geneveHeaderOk(buf, off, end)) {
    const optLen = (buf[off] & 0x3f) << 2;
    const hl = GENEVE_BASE_HDR_LEN + optLen;
    out.protocol = 'geneve';
    out.vni = (buf[off + 4] << 16) | (buf[off + 5] << 8) | buf[off + 6];
    out.innerOff = off + hl;
    out.innerLen = len - hl;
    out.ethernet = ((buf[off + 2] << 8) | buf[off + 3]) === EtherType.TEB;
    out.optOff = off + GENEVE_BASE_HDR_LEN;
    out.optLen = optLen;
    return out.innerLen >= (out.ethernet ? ETH_HEADER_LEN : 20);
  }
  return false;
}

/**
 * Finds a GENEVE option (class, type) in the options region of a DecapResult; returns the absolute
 * offset of its data and writes nothing, or -1. Bounded by the region (at most 63 options).
 */
export function findGeneveOption(buf: Uint8Array, r: DecapResult, cls: number, type: number): number {
  let o = r.optOff;
  const end = r.optOff + r.optLen;
  for (let guard = 0; guard < 64 && o + 4 <= end; guard++) {
    const dl = (buf[o + 3] & 0x1f) << 2;
    if (((buf[o] << 8) | buf[o + 1]) === cls && buf[o + 2] === type && o + 4 + dl <= end) return o + 4;
    o += 4 + dl;
  }
  return -1;
}
