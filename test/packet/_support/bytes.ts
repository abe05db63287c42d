// Byte builders for the decoder tests: hex input, address bytes and minimal header makers.
// Test-only and deliberately simple (checksums are left zero: decoders do not verify them).
import { parseIPv4, parseIPv6, formatIP } from '../../../src/core/ip.js';
import { PacketView } from '../../../src/core/packet-view.js';
import { decodeFrame } from '../../../src/packet/decode.js';
import { eventName } from '../../../src/packet/events.js';

export function hex(s: string): Uint8Array {
  const clean = s.replace(/[\s:]/g, '');
  if (clean.length % 2) throw new Error(`odd hex length: ${s}`);
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function u16(v: number): Uint8Array {
  return Uint8Array.of(v >> 8, v & 0xff);
}

export function u32(v: number): Uint8Array {
  return Uint8Array.of((v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
}

export function ip4(s: string): Uint8Array {
  const v = parseIPv4(s);
  if (v < 0) throw new Error(`bad IPv4 ${s}`);
  return u32(v);
}

export function ip6(s: string): Uint8Array {
  const v = parseIPv6(s);
  if (!v) throw new Error(`bad IPv6 ${s}`);
  return v;
}

export const MAC_A = hex('02 00 00 00 00 0a');
export const MAC_B = hex('02 00 00 00 00 0b');

export function eth(etherType: number): Uint8Array {
  return concat(MAC_B, MAC_A, u16(etherType));
}

export function vlanTag(tci: number, etherType: number): Uint8Array {
  return concat(u16(tci), u16(etherType));
}

export interface Ipv4Opts {
  src: string;
  dst: string;
  proto: number;
  payloadLen: number;
  id?: number;
  /** Raw flags+fragment-offset word (offset in 8-byte units in the low 13 bits, MF = 0x2000). */
  flagsFrag?: number;
  ttl?: number;
  tos?: number;
  /** Option bytes, padded by the caller to a multiple of 4. */
  options?: Uint8Array;
}

export function ipv4(o: Ipv4Opts): Uint8Array {
  const opts = o.options ?? new Uint8Array(0);
  const hlen = 20 + opts.length;
  return concat(
    Uint8Array.of(0x40 | (hlen >> 2), o.tos ?? 0),
    u16(hlen + o.payloadLen),
    u16(o.id ?? 0x1234),
    u16(o.flagsFrag ?? 0x4000),
    Uint8Array.of(o.ttl ?? 64, o.proto),
    u16(0),
    ip4(o.src),
    ip4(o.dst),
    opts,
  );
}

export interface Ipv6Opts {
  src: string;
  dst: string;
  nextHeader: number;
  /** Bytes after the fixed header (extension headers + upper layer). */
  payloadLen: number;
  hopLimit?: number;
  trafficClass?: number;
}

export function ipv6(o: Ipv6Opts): Uint8Array {
  const tc = o.trafficClass ?? 0;
  return concat(
    Uint8Array.of(0x60 | (tc >> 4), (tc & 0x0f) << 4, 0, 0),
    u16(o.payloadLen),
    Uint8Array.of(o.nextHeader, o.hopLimit ?? 64),
    ip6(o.src),
    ip6(o.dst),
  );
}

export interface TcpOpts {
  sport: number;
  dport: number;
  seq?: number;
  ack?: number;
  flags?: number;
  window?: number;
  options?: Uint8Array;
}

export function tcp(o: TcpOpts): Uint8Array {
  const opts = o.options ?? new Uint8Array(0);
  const hlen = 20 + opts.length;
  return concat(
    u16(o.sport),
    u16(o.dport),
    u32(o.seq ?? 1000),
    u32(o.ack ?? 0),
    Uint8Array.of((hlen >> 2) << 4, o.flags ?? 0x02),
    u16(o.window ?? 65535),
    u16(0),
    u16(0),
    opts,
  );
}

export function udp(sport: number, dport: number, payloadLen: number): Uint8Array {
  return concat(u16(sport), u16(dport), u16(8 + payloadLen), u16(0));
}

export function ascii(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

/** Decodes `bytes` as one frame (placed at `at` inside a larger buffer, to exercise absolute offsets). */
export function decodeBytes(bytes: Uint8Array, linkType = 1, at = 0, p = new PacketView()): PacketView {
  const buf = new Uint8Array(at + bytes.length + 7);
  buf.fill(0xee);
  buf.set(bytes, at);
  decodeFrame(p, buf, at, bytes.length, bytes.length, 1_700_000_000_000_000, linkType);
  return p;
}

export function srcIP(p: PacketView): string {
  return formatIP(p.buf, p.srcAddrOff, p.ipVersion);
}

export function dstIP(p: PacketView): string {
  return formatIP(p.buf, p.dstAddrOff, p.ipVersion);
}

/** `proto src:sport > dst:dport` of the innermost packet. */
export function fiveTuple(p: PacketView): string {
  return `${p.ipProto} ${srcIP(p)}:${p.srcPort} > ${dstIP(p)}:${p.dstPort}`;
}

/** Names of the events recorded on the packet. */
export function events(p: PacketView): string[] {
  const out: string[] = [];
  for (let i = 0; i < Math.min(p.eventCount, p.events.length); i++) out.push(eventName(p.events[i]));
  return out;
}

/** Payload bytes as text. */
export function payloadText(p: PacketView): string {
  return new TextDecoder().decode(p.buf.subarray(p.payloadOff, p.payloadOff + p.payloadLen));
}
