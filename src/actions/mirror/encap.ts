// Mirror copy encapsulation: the bytes handed to the kernel, i.e. everything AFTER the outer IP header
// (GRE, sent on a raw IPv4 socket for protocol 47) or AFTER the outer UDP header (VXLAN, sent on a UDP
// socket to port 4789). The kernel writes the outer headers itself.
//
// The inner frame is copied byte for byte. When it already sits right after the header position in the
// same buffer (the mirror queue writes it there first), the copy is skipped. Nothing is allocated.
import { writeGre as writeGreHeader, greHeaderLen, GreProto, type GreFields } from '../../packet/build/gre.js';
import { writeVxlan as writeVxlanHeader, VXLAN_HEADER_LEN } from '../../packet/build/vxlan.js';
import { copyBytes } from './copy-bytes.js';

export { GreProto, VXLAN_HEADER_LEN };

export interface GreCopyOptions {
  /** GRE key (RFC 2890), carried as the mirror session id; absent = no key field. */
  key?: number;
  /** Sequence number (RFC 2890); absent = no sequence field. */
  seq?: number;
  /** Protocol type of the inner bytes: 0x6558 (transparent Ethernet bridging) for mirror copies. */
  protocolType: number;
}

// One scratch field object for the header builder: the caller's options are copied in, never retained.
const scratch: GreFields = { protocol: GreProto.TEB };

/** Length of the GRE header writeGre produces for these options (4, 8 or 12). */
export function greCopyHeaderLen(opts: GreCopyOptions): number {
  return 4 + (opts.key !== undefined ? 4 : 0) + (opts.seq !== undefined ? 4 : 0);
}

/** Copies inner[innerOff, innerOff + len) to out[dst] unless it is already there. */
function placeInner(out: Uint8Array, dst: number, inner: Uint8Array, innerOff: number, len: number): void {
  if (inner === out && innerOff === dst) return;
  if (inner === out && innerOff < dst) {
    for (let i = len - 1; i >= 0; i--) out[dst + i] = out[innerOff + i]; // overlapping move towards the end
    return;
  }
  copyBytes(out, dst, inner, innerOff, len);
}

function badSpan(out: Uint8Array, off: number, inner: Uint8Array, innerOff: number, innerLen: number, total: number): boolean {
  return off < 0 || innerOff < 0 || innerLen < 0 || innerOff + innerLen > inner.length || off + total > out.length;
}

/**
 * Writes a GRE header (RFC 2784; key and sequence per RFC 2890, no checksum) followed by the inner bytes
 * at out[off]. Returns the bytes written (header + innerLen), or -1 when the spans do not fit. Never throws.
 */
export function writeGre(
  out: Uint8Array, off: number, inner: Uint8Array, innerOff: number, innerLen: number, opts: GreCopyOptions,
): number {
  scratch.protocol = opts.protocolType & 0xffff;
  scratch.key = opts.key;
  scratch.seq = opts.seq;
  const hl = greHeaderLen(scratch);
  if (badSpan(out, off, inner, innerOff, innerLen, hl + innerLen)) return -1;
  placeInner(out, off + hl, inner, innerOff, innerLen);
  writeGreHeader(out, off, scratch);
  return hl + innerLen;
}

/**
 * Writes a VXLAN header (RFC 7348: I flag, 24-bit VNI, reserved bits zero) followed by the inner
 * Ethernet frame at out[off]. Returns the bytes written (8 + innerLen), or -1 when the spans do not fit.
 */
export function writeVxlan(out: Uint8Array, off: number, inner: Uint8Array, innerOff: number, innerLen: number, vni: number): number {
  if (badSpan(out, off, inner, innerOff, innerLen, VXLAN_HEADER_LEN + innerLen)) return -1;
  placeInner(out, off + VXLAN_HEADER_LEN, inner, innerOff, innerLen);
  writeVxlanHeader(out, off, vni);
  return VXLAN_HEADER_LEN + innerLen;
}
