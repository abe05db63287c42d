// CIDR parsing and matching for device subnets. Parsing happens once at config load; matching reads
// address bytes straight from a packet buffer and allocates nothing.
import { formatIP, parseIPv4, parseIPv6 } from '../../core/ip.js';

export interface Cidr {
  version: 4 | 6;
  /** Prefix length: 0..32 for IPv4, 0..128 for IPv6. */
  prefix: number;
  /** The 4 or 16 network bytes, host bits zero. */
  bytes: Uint8Array;
  /** Canonical text, e.g. `10.128.0.0/16`, `fd00:128::/64`. */
  text: string;
}

export type CidrParse = { ok: true; cidr: Cidr } | { ok: false; problem: string };

/** Parses an address into 4 or 16 bytes, or null. */
export function parseAddress(s: string): Uint8Array | null {
  if (s.includes(':')) return parseIPv6(s);
  const v4 = parseIPv4(s);
  if (v4 < 0) return null;
  return new Uint8Array([v4 >>> 24, (v4 >>> 16) & 0xff, (v4 >>> 8) & 0xff, v4 & 0xff]);
}

/** Parses `addr/prefix`. Host bits must be zero (a typo like 10.128.0.1/16 is reported, with the fix). */
export function parseCidr(s: string): CidrParse {
  const slash = s.indexOf('/');
  if (slash < 0) return { ok: false, problem: `'${s}' is not a CIDR (expected address/prefix, e.g. 10.128.0.0/16 or fd00::/64)` };
  const addrText = s.slice(0, slash);
  const prefixText = s.slice(slash + 1);
  const bytes = parseAddress(addrText);
  if (!bytes) return { ok: false, problem: `'${addrText}' is not an IPv4 or IPv6 address` };
  const max = bytes.length * 8;
  if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > max) {
    return { ok: false, problem: `prefix '/${prefixText}' must be a number from 0 to ${max}` };
  }
  const prefix = Number(prefixText);
  const net = maskBytes(bytes, prefix);
  const version: 4 | 6 = bytes.length === 4 ? 4 : 6;
  const text = `${formatBytes(net)}/${prefix}`;
  for (let i = 0; i < bytes.length; i++) {
    if (net[i] !== bytes[i]) return { ok: false, problem: `'${s}' has host bits set; did you mean ${text}?` };
  }
  return { ok: true, cidr: { version, prefix, bytes: net, text } };
}

function maskBytes(bytes: Uint8Array, prefix: number): Uint8Array {
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) {
    const bits = Math.max(0, Math.min(8, prefix - i * 8));
    out[i] = bytes[i] & ((0xff << (8 - bits)) & 0xff);
  }
  return out;
}

/** True when the 4 or 16 address bytes at buf[off] are inside c (same IP version assumed by caller). */
export function cidrContains(c: Cidr, buf: Uint8Array, off: number): boolean {
  const full = c.prefix >>> 3;
  const net = c.bytes;
  for (let i = 0; i < full; i++) if (buf[off + i] !== net[i]) return false;
  const rest = c.prefix & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (buf[off + full] & mask) === net[full];
}

/** Text form of 4 or 16 address bytes (IPv6 in RFC 5952 form). */
export function formatBytes(b: Uint8Array): string {
  return formatIP(b, 0, b.length === 4 ? 4 : 6);
}
