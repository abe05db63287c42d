// GTP-U v1 header writer (3GPP TS 29.281 §5): G-PDU by default, optional sequence number and extension headers.
import { put16, put32 } from './checksum.js';

export const GTPU_HEADER_LEN = 8;
export const GTPU_PORT = 2152;
export const GtpuMsg = { ECHO_REQUEST: 1, ECHO_RESPONSE: 2, END_MARKER: 254, G_PDU: 255 } as const;
/** Extension header types (TS 29.281 §5.2.1). */
export const GtpuExt = { UDP_PORT: 0x40, PDCP_PDU_NUMBER: 0xc0, PDU_SESSION_CONTAINER: 0x85 } as const;

export interface GtpuExtension {
  type: number;
  /** Content; padded with zeros so that 2 + content is a multiple of 4. */
  content: Uint8Array;
}

export interface GtpuFields {
  teid: number;
  msgType?: number; // default G-PDU
  seq?: number;
  npdu?: number;
  extensions?: readonly GtpuExtension[];
}

function extLen(e: GtpuExtension): number {
  return (e.content.length + 2 + 3) & ~3;
}

export function gtpuHeaderLen(f: GtpuFields): number {
  const exts = f.extensions;
  const hasOpt = f.seq !== undefined || f.npdu !== undefined || (exts !== undefined && exts.length > 0);
  let n = GTPU_HEADER_LEN + (hasOpt ? 4 : 0);
  if (exts !== undefined) for (const e of exts) n += extLen(e);
  return n;
}

/** Writes the header at buf[off] for `payloadLen` bytes (the T-PDU) that follow; returns the header length. */
export function writeGtpu(buf: Uint8Array, off: number, f: GtpuFields, payloadLen: number): number {
  const exts = f.extensions;
  const hasExt = exts !== undefined && exts.length > 0;
  const hasSeq = f.seq !== undefined;
  const hasNpdu = f.npdu !== undefined;
  const hl = gtpuHeaderLen(f);
  buf[off] = 0x30 | (hasExt ? 0x04 : 0) | (hasSeq ? 0x02 : 0) | (hasNpdu ? 0x01 : 0);
  buf[off + 1] = f.msgType ?? GtpuMsg.G_PDU;
  put16(buf, off + 2, hl - GTPU_HEADER_LEN + payloadLen);
  put32(buf, off + 4, f.teid >>> 0);
  if (hl === GTPU_HEADER_LEN) return hl;
  put16(buf, off + 8, f.seq ?? 0);
  buf[off + 10] = f.npdu ?? 0;
  buf[off + 11] = hasExt ? exts[0].type : 0;
  let o = off + 12;
  if (hasExt) {
    for (let i = 0; i < exts.length; i++) {
      const e = exts[i];
      const len = extLen(e);
      buf[o] = len >> 2;
      for (let j = 0; j < e.content.length; j++) buf[o + 1 + j] = e.content[j];
      for (let j = 1 + e.content.length; j < len - 1; j++) buf[o + j] = 0;
      buf[o + len - 1] = i + 1 < exts.length ? exts[i + 1].type : 0;
      o += len;
    }
  }
  return hl;
}

/** PDU Session Container content for an uplink PDU (TS 38.415): type 1, QFI. */
export function pduSessionContainerUl(qfi: number): Uint8Array {
  return Uint8Array.of(0x10, qfi & 0x3f);
}
