// Builds whole frames from a small spec, for the simulator's templates and for tests across the project.
// Allocation is fine here: this is not on a per-packet hot path.
import { parseIPv4, parseIPv6 } from '../../core/ip.js';
import { IpProto } from '../../core/layers.js';
import { EtherType, ethernetHeaderLen, parseMac, writeEthernet } from './ethernet.js';
import { ipv4HeaderLen, writeIpv4 } from './ipv4.js';
import { IPV6_HEADER_LEN, writeIpv6 } from './ipv6.js';
import { setTcpChecksum, tcpHeaderLen, TcpFlag, writeTcp } from './tcp.js';
import { setUdpChecksum, UDP_HEADER_LEN, writeUdp } from './udp.js';
import { ICMP_HEADER_LEN, echoRest, setIcmpChecksum, setIcmpv6Checksum, writeIcmp } from './icmp.js';
import { GreProto, greHeaderLen, setGreChecksum, writeGre, type GreFields } from './gre.js';
import { VXLAN_HEADER_LEN, VXLAN_PORT, writeVxlan } from './vxlan.js';
import { GENEVE_PORT, geneveHeaderLen, writeGeneve, type GeneveFields } from './geneve.js';
import { GTPU_PORT, gtpuHeaderLen, writeGtpu, type GtpuFields } from './gtpu.js';

export interface IpSpec {
  src: string; // IPv4 dotted or IPv6 text; both must be the same family
  dst: string;
  ttl?: number;
  tos?: number;
  id?: number;
  df?: boolean;
  /** Overrides the protocol number otherwise derived from the L4 spec. */
  proto?: number;
  flowLabel?: number;
}

export interface TcpSpec {
  sport: number;
  dport: number;
  seq?: number;
  ack?: number;
  /** Number, or letters: F S R P A U E C (e.g. 'S', 'SA', 'PA', 'FA'). Default 'A'... 'PA' with payload. */
  flags?: number | string;
  window?: number;
  options?: Uint8Array;
}

export interface UdpSpec {
  sport: number;
  dport: number;
  /** Over IPv4 the checksum may be left zero; IPv6 always gets one. Default true. */
  checksum?: boolean;
}

export interface IcmpSpec {
  type: number;
  code?: number;
  id?: number;
  seq?: number;
  /** Raw rest-of-header; overrides id/seq. */
  rest?: number;
}

export interface FrameSpec {
  eth?: { src?: string | Uint8Array; dst?: string | Uint8Array };
  vlan?: number | readonly number[];
  qinq?: boolean;
  ip: IpSpec;
  tcp?: TcpSpec;
  udp?: UdpSpec;
  icmp?: IcmpSpec;
  /** Tunnels: the payload (or `inner`) is what they carry. vxlan/geneve/gtpu ride in UDP (default ports). */
  gre?: Partial<GreFields>;
  vxlan?: { vni: number };
  geneve?: Partial<GeneveFields>;
  gtpu?: Partial<GtpuFields>;
  /** Inner packet of a tunnel: built as an Ethernet frame when the tunnel carries Ethernet, else as an IP packet. */
  inner?: FrameSpec;
  payload?: Uint8Array | string;
}

const DEFAULT_SRC_MAC = parseMac('02:00:00:00:00:01');
const DEFAULT_DST_MAC = parseMac('02:00:00:00:00:02');
const FLAG_LETTERS: Record<string, number> = {
  F: TcpFlag.FIN, S: TcpFlag.SYN, R: TcpFlag.RST, P: TcpFlag.PSH, A: TcpFlag.ACK, U: TcpFlag.URG, E: TcpFlag.ECE, C: TcpFlag.CWR,
};

/** 'SA' → SYN|ACK. Throws on unknown letters (spec errors are programming errors). */
export function parseTcpFlags(s: string): number {
  let v = 0;
  for (const ch of s.toUpperCase()) {
    const f = FLAG_LETTERS[ch];
    if (f === undefined) throw new Error(`unknown TCP flag letter '${ch}' in '${s}'`);
    v |= f;
  }
  return v;
}

function mac(v: string | Uint8Array | undefined, dflt: Uint8Array): Uint8Array {
  return v === undefined ? dflt : typeof v === 'string' ? parseMac(v) : v;
}

function bytesOf(p: Uint8Array | string | undefined): Uint8Array {
  return p === undefined ? new Uint8Array(0) : typeof p === 'string' ? new TextEncoder().encode(p) : p;
}

/** The bytes a tunnel carries, and whether they are an Ethernet frame. */
function tunnelPayload(spec: FrameSpec, carriesEthernet: boolean): Uint8Array {
  if (spec.inner === undefined) return bytesOf(spec.payload);
  return carriesEthernet ? buildFrame(spec.inner) : buildIpPacket(spec.inner);
}

function isV6(spec: FrameSpec): boolean {
  return spec.ip.src.includes(':');
}

/** Builds the IP packet (no L2) described by spec. */
export function buildIpPacket(spec: FrameSpec): Uint8Array {
  const v6 = isV6(spec);
  let proto: number;
  let l4Len: number;
  let payload: Uint8Array;
  let tunnelHdr = 0;
  let greSpec: GreFields | undefined;
  let geneveSpec: GeneveFields | undefined;
  let gtpuSpec: GtpuFields | undefined;
  let udp = spec.udp;
  if (spec.gre !== undefined) {
    const teb = spec.gre.protocol === GreProto.TEB;
    payload = tunnelPayload(spec, teb);
    const innerV6 = spec.inner !== undefined && isV6(spec.inner);
    greSpec = { ...spec.gre, protocol: spec.gre.protocol ?? (innerV6 ? GreProto.IPV6 : GreProto.IPV4) };
    tunnelHdr = greHeaderLen(greSpec);
    proto = IpProto.GRE;
    l4Len = tunnelHdr + payload.length;
  } else if (spec.vxlan !== undefined || spec.geneve !== undefined || spec.gtpu !== undefined) {
    let eth = true;
    let port = VXLAN_PORT;
    if (spec.vxlan !== undefined) tunnelHdr = VXLAN_HEADER_LEN;
    else if (spec.geneve !== undefined) {
      geneveSpec = { vni: 0, ...spec.geneve };
      eth = (geneveSpec.protocol ?? 0x6558) === 0x6558;
      tunnelHdr = geneveHeaderLen(geneveSpec);
      port = GENEVE_PORT;
    } else {
      gtpuSpec = { teid: 0, ...spec.gtpu };
      eth = false;
      tunnelHdr = gtpuHeaderLen(gtpuSpec);
      port = GTPU_PORT;
    }
    payload = tunnelPayload(spec, eth);
    udp = udp ?? { sport: port === GTPU_PORT ? GTPU_PORT : 49152 + (payload.length % 16384), dport: port };
    proto = IpProto.UDP;
    l4Len = UDP_HEADER_LEN + tunnelHdr + payload.length;
  } else {
    payload = bytesOf(spec.payload);
    if (spec.tcp !== undefined) {
      proto = IpProto.TCP;
      l4Len = tcpHeaderLen({ srcPort: 0, dstPort: 0, seq: 0, ack: 0, flags: 0, options: spec.tcp.options }) + payload.length;
    } else if (udp !== undefined) {
      proto = IpProto.UDP;
      l4Len = UDP_HEADER_LEN + payload.length;
    } else if (spec.icmp !== undefined) {
      proto = v6 ? IpProto.ICMPV6 : IpProto.ICMP;
      l4Len = ICMP_HEADER_LEN + payload.length;
    } else {
      proto = spec.ip.proto ?? 253; // RFC 3692 experimental
      l4Len = payload.length;
    }
  }
  if (spec.ip.proto !== undefined) proto = spec.ip.proto;

  let ipHl: number;
  let src4 = 0;
  let dst4 = 0;
  let src6: Uint8Array | null = null;
  let dst6: Uint8Array | null = null;
  if (v6) {
    src6 = parseIPv6(spec.ip.src);
    dst6 = parseIPv6(spec.ip.dst);
    if (src6 === null || dst6 === null) throw new Error(`bad IPv6 address in ${spec.ip.src} -> ${spec.ip.dst}`);
    ipHl = IPV6_HEADER_LEN;
  } else {
    src4 = parseIPv4(spec.ip.src);
    dst4 = parseIPv4(spec.ip.dst);
    if (src4 < 0 || dst4 < 0) throw new Error(`bad IPv4 address in ${spec.ip.src} -> ${spec.ip.dst}`);
    ipHl = ipv4HeaderLen({ src: 0, dst: 0, proto: 0 });
  }
  const out = new Uint8Array(ipHl + l4Len);
  if (v6) {
    writeIpv6(out, 0, { src: src6!, dst: dst6!, nextHeader: proto, hopLimit: spec.ip.ttl, trafficClass: spec.ip.tos, flowLabel: spec.ip.flowLabel }, l4Len);
  } else {
    writeIpv4(out, 0, { src: src4, dst: dst4, proto, ttl: spec.ip.ttl, tos: spec.ip.tos, id: spec.ip.id, df: spec.ip.df }, l4Len);
  }
  const l4 = ipHl;
  if (greSpec !== undefined) {
    writeGre(out, l4, greSpec);
    out.set(payload, l4 + tunnelHdr);
    setGreChecksum(out, l4, l4Len);
  } else if (udp !== undefined && (spec.vxlan !== undefined || geneveSpec !== undefined || gtpuSpec !== undefined)) {
    writeUdp(out, l4, udp.sport, udp.dport, l4Len - UDP_HEADER_LEN);
    const t = l4 + UDP_HEADER_LEN;
    if (spec.vxlan !== undefined) writeVxlan(out, t, spec.vxlan.vni);
    else if (geneveSpec !== undefined) writeGeneve(out, t, geneveSpec);
    else writeGtpu(out, t, gtpuSpec!, payload.length);
    out.set(payload, t + tunnelHdr);
    if (udp.checksum !== false || v6) setUdpChecksum(out, 0, l4, l4Len);
  } else if (spec.tcp !== undefined) {
    const t = spec.tcp;
    const flags = t.flags === undefined ? (payload.length > 0 ? TcpFlag.PSH | TcpFlag.ACK : TcpFlag.ACK) : typeof t.flags === 'string' ? parseTcpFlags(t.flags) : t.flags;
    const hl = writeTcp(out, l4, { srcPort: t.sport, dstPort: t.dport, seq: t.seq ?? 1, ack: t.ack ?? 0, flags, window: t.window, options: t.options });
    out.set(payload, l4 + hl);
    setTcpChecksum(out, 0, l4, l4Len);
  } else if (udp !== undefined) {
    writeUdp(out, l4, udp.sport, udp.dport, payload.length);
    out.set(payload, l4 + UDP_HEADER_LEN);
    if (udp.checksum !== false || v6) setUdpChecksum(out, 0, l4, l4Len);
  } else if (spec.icmp !== undefined) {
    const c = spec.icmp;
    writeIcmp(out, l4, c.type, c.code ?? 0, c.rest ?? echoRest(c.id ?? 0, c.seq ?? 0));
    out.set(payload, l4 + ICMP_HEADER_LEN);
    if (v6) setIcmpv6Checksum(out, 0, l4, l4Len);
    else setIcmpChecksum(out, l4, l4Len);
  } else {
    out.set(payload, l4);
  }
  return out;
}

/** Builds an Ethernet frame (with optional VLAN tags) around the IP packet described by spec. */
export function buildFrame(spec: FrameSpec): Uint8Array {
  const ip = buildIpPacket(spec);
  const vlans = spec.vlan === undefined ? [] : typeof spec.vlan === 'number' ? [spec.vlan] : spec.vlan;
  const hl = ethernetHeaderLen(vlans.length);
  const out = new Uint8Array(hl + ip.length);
  writeEthernet(out, 0, {
    dst: mac(spec.eth?.dst, DEFAULT_DST_MAC),
    src: mac(spec.eth?.src, DEFAULT_SRC_MAC),
    etherType: isV6(spec) ? EtherType.IPV6 : EtherType.IPV4,
    vlans,
    qinq: spec.qinq,
  });
  out.set(ip, hl);
  return out;
}
