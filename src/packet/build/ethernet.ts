// Ethernet II header writer with optional 802.1Q / 802.1ad (QinQ) tags.
import { put16 } from './checksum.js';

export const ETH_HEADER_LEN = 14;
export const VLAN_TAG_LEN = 4;
export const EtherType = { IPV4: 0x0800, ARP: 0x0806, VLAN: 0x8100, QINQ: 0x88a8, IPV6: 0x86dd, TEB: 0x6558 } as const;

export interface EthernetFields {
  dst: Uint8Array; // 6 bytes
  src: Uint8Array; // 6 bytes
  etherType: number;
  /** VLAN ids, outermost first (TCI low 12 bits; priority from `vlanPcp`). */
  vlans?: readonly number[];
  vlanPcp?: number;
  /** Use TPID 0x88a8 for the outer tag when there are two or more tags. */
  qinq?: boolean;
}

/** Header length for a given tag count. */
export function ethernetHeaderLen(vlanCount: number): number {
  return ETH_HEADER_LEN + VLAN_TAG_LEN * vlanCount;
}

/** Writes MACs, tags and the EtherType at buf[off]; returns the bytes written. */
export function writeEthernet(buf: Uint8Array, off: number, f: EthernetFields): number {
  for (let i = 0; i < 6; i++) {
    buf[off + i] = f.dst[i];
    buf[off + 6 + i] = f.src[i];
  }
  let o = off + 12;
  const vlans = f.vlans;
  if (vlans !== undefined) {
    const pcp = (f.vlanPcp ?? 0) & 7;
    for (let i = 0; i < vlans.length; i++) {
      put16(buf, o, i === 0 && f.qinq && vlans.length > 1 ? EtherType.QINQ : EtherType.VLAN);
      put16(buf, o + 2, (pcp << 13) | (vlans[i] & 0xfff));
      o += 4;
    }
  }
  put16(buf, o, f.etherType);
  return o + 2 - off;
}

/** Writes a plain 14-byte header from MAC arrays (the common case on hot paths). */
export function writeEthernetSimple(buf: Uint8Array, off: number, dst: Uint8Array, src: Uint8Array, etherType: number): number {
  for (let i = 0; i < 6; i++) {
    buf[off + i] = dst[i];
    buf[off + 6 + i] = src[i];
  }
  buf[off + 12] = etherType >>> 8;
  buf[off + 13] = etherType & 0xff;
  return ETH_HEADER_LEN;
}

/** Parses "aa:bb:cc:dd:ee:ff" (or '-' separated) into 6 bytes; throws on bad text (config/test time only). */
export function parseMac(s: string): Uint8Array {
  const parts = s.split(/[:-]/);
  if (parts.length !== 6 || parts.some((p) => !/^[0-9a-fA-F]{2}$/.test(p))) throw new Error(`bad MAC address: ${s}`);
  return Uint8Array.from(parts.map((p) => parseInt(p, 16)));
}
