// Fills a PacketView by hand for flow-table tests (no decoder): the addresses are written into a
// small buffer the view points at; every other field is set directly.
import { PacketView } from '../../../src/core/packet-view.js';
import { parseIPv4, parseIPv6 } from '../../../src/core/ip.js';
import { IpProto } from '../../../src/core/layers.js';

export interface PacketSpec {
  src: string;
  dst: string;
  proto?: number;
  sport?: number;
  dport?: number;
  flags?: number;
  /** IP-layer length (default 100). */
  len?: number;
  /** Time in seconds (default 0). */
  t?: number;
  vlan?: number;
  /** Innermost tunnel: [kind, id]. */
  tunnel?: [number, number];
  frag?: { offset: number; more: boolean; id: number };
}

function writeAddr(buf: Uint8Array, off: number, text: string): 4 | 6 {
  if (text.includes(':')) {
    const a = parseIPv6(text);
    if (!a) throw new Error(`bad IPv6 ${text}`);
    buf.set(a, off);
    return 6;
  }
  const v = parseIPv4(text);
  if (v < 0) throw new Error(`bad IPv4 ${text}`);
  buf[off] = v >>> 24;
  buf[off + 1] = (v >>> 16) & 0xff;
  buf[off + 2] = (v >>> 8) & 0xff;
  buf[off + 3] = v & 0xff;
  return 4;
}

/** Sets p (reset first) to the packet described by spec; addresses live at offsets 8 and 24 of a 40-byte buffer. */
export function setPacket(p: PacketView, spec: PacketSpec): PacketView {
  const buf = p.buf.length >= 40 ? p.buf : new Uint8Array(40);
  p.reset(buf, 0, 40, 40, Math.round((spec.t ?? 0) * 1e6), 101);
  const v = writeAddr(buf, 8, spec.src);
  if (writeAddr(buf, 24, spec.dst) !== v) throw new Error('mixed address families');
  p.ipVersion = v;
  p.srcAddrOff = 8;
  p.dstAddrOff = 24;
  p.ipProto = spec.proto ?? IpProto.TCP;
  p.ipLen = spec.len ?? 100;
  p.srcPort = spec.sport ?? 0;
  p.dstPort = spec.dport ?? 0;
  p.tcpFlags = spec.flags ?? 0;
  if (spec.vlan !== undefined) {
    p.vlanCount = 1;
    p.vlanIds[0] = spec.vlan;
  }
  if (spec.tunnel) {
    p.tunnelDepth = 1;
    p.tunnelKind[0] = spec.tunnel[0];
    p.tunnelId[0] = spec.tunnel[1];
  }
  if (spec.frag) {
    p.isFragment = true;
    p.fragOffset = spec.frag.offset;
    p.moreFragments = spec.frag.more;
    p.ipId = spec.frag.id;
    if (spec.frag.offset > 0) {
      p.srcPort = 0;
      p.dstPort = 0;
      p.tcpFlags = 0;
    }
  }
  return p;
}

/** A fresh PacketView set to spec. */
export function packet(spec: PacketSpec): PacketView {
  return setPacket(new PacketView(), spec);
}

/** The same packet spec seen in the other direction. */
export function reversed(spec: PacketSpec): PacketSpec {
  return { ...spec, src: spec.dst, dst: spec.src, sport: spec.dport, dport: spec.sport };
}

/** Fast path for bulk tests: an IPv4 tuple from numbers (no string parsing). */
export function setV4(p: PacketView, src: number, dst: number, proto: number, sport: number, dport: number, tsUs: number, len = 100): PacketView {
  const buf = p.buf.length >= 40 ? p.buf : new Uint8Array(40);
  p.reset(buf, 0, 40, 40, tsUs, 101);
  buf[8] = src >>> 24;
  buf[9] = (src >>> 16) & 0xff;
  buf[10] = (src >>> 8) & 0xff;
  buf[11] = src & 0xff;
  buf[24] = dst >>> 24;
  buf[25] = (dst >>> 16) & 0xff;
  buf[26] = (dst >>> 8) & 0xff;
  buf[27] = dst & 0xff;
  p.ipVersion = 4;
  p.srcAddrOff = 8;
  p.dstAddrOff = 24;
  p.ipProto = proto;
  p.ipLen = len;
  p.srcPort = sport;
  p.dstPort = dport;
  return p;
}

/** Deterministic PRNG (mulberry32) for repeatable random tests. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
