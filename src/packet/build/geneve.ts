// GENEVE header writer (RFC 8926): 8-byte base header plus TLV options. Carried in UDP to port 6081.
import { put16, put32 } from './checksum.js';

export const GENEVE_HEADER_LEN = 8;
export const GENEVE_PORT = 6081;
/** Maximum options length: 6-bit field in 4-byte words. */
export const GENEVE_MAX_OPTIONS_LEN = 63 * 4;

export interface GeneveOption {
  class: number;
  type: number; // high bit = critical
  /** Option data; padded with zeros to a multiple of 4 (at most 124 bytes). */
  data: Uint8Array;
}

export interface GeneveFields {
  vni: number;
  /** Payload EtherType; 0x6558 (Ethernet) by default. */
  protocol?: number;
  options?: readonly GeneveOption[];
  oam?: boolean;
  critical?: boolean;
}

export function geneveOptionsLen(options: readonly GeneveOption[] | undefined): number {
  if (options === undefined) return 0;
  let n = 0;
  for (const o of options) n += 4 + ((o.data.length + 3) & ~3);
  return n;
}

export function geneveHeaderLen(f: GeneveFields): number {
  return GENEVE_HEADER_LEN + geneveOptionsLen(f.options);
}

/** Writes the header and options at buf[off]; returns the total length. Options beyond 252 bytes are dropped. */
export function writeGeneve(buf: Uint8Array, off: number, f: GeneveFields): number {
  let o = off + GENEVE_HEADER_LEN;
  const opts = f.options;
  if (opts !== undefined) {
    for (const opt of opts) {
      const dl = Math.min((opt.data.length + 3) & ~3, 124);
      if (o + 4 + dl - off - GENEVE_HEADER_LEN > GENEVE_MAX_OPTIONS_LEN) break;
      put16(buf, o, opt.class);
      buf[o + 2] = opt.type & 0xff;
      buf[o + 3] = (dl >> 2) & 0x1f;
      const n = Math.min(opt.data.length, dl);
      for (let i = 0; i < n; i++) buf[o + 4 + i] = opt.data[i];
      for (let i = n; i < dl; i++) buf[o + 4 + i] = 0;
      o += 4 + dl;
    }
  }
  const optLen = o - off - GENEVE_HEADER_LEN;
  buf[off] = (optLen >> 2) & 0x3f; // version 0
  buf[off + 1] = (f.oam ? 0x80 : 0) | (f.critical ? 0x40 : 0);
  put16(buf, off + 2, f.protocol ?? 0x6558);
  put32(buf, off + 4, ((f.vni & 0xffffff) << 8) >>> 0);
  return o - off;
}
