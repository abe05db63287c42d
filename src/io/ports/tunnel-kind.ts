// What the UDP tunnel ports need to know about each tunnel: its well-known port, and where the inner
// packet of a datagram (the UDP payload) starts. Parsing is bounded and never throws: -1 = not valid.
import { GENEVE_PORT } from '../../packet/build/geneve.js';
import { GTPU_PORT } from '../../packet/build/gtpu.js';
import { VXLAN_PORT } from '../../packet/build/vxlan.js';

export type UdpTunnelKind = 'vxlan' | 'geneve' | 'gtpu';

export const WELL_KNOWN_PORT: Readonly<Record<UdpTunnelKind, number>> = { vxlan: VXLAN_PORT, geneve: GENEVE_PORT, gtpu: GTPU_PORT };

/** VXLAN: 8 bytes, I flag set. Returns the header length or -1. */
export function vxlanHeaderLen(b: Uint8Array, off: number, len: number): number {
  if (len < 8 || (b[off] & 0x08) === 0) return -1;
  return 8;
}

/** GENEVE: version 0, 8 bytes plus options (6-bit length in 4-byte words). Returns the header length or -1. */
export function geneveHeaderLen(b: Uint8Array, off: number, len: number): number {
  if (len < 8 || b[off] >> 6 !== 0) return -1;
  const hl = 8 + (b[off] & 0x3f) * 4;
  return hl <= len ? hl : -1;
}

/** GENEVE payload protocol (EtherType): 0x6558 Ethernet, 0x0800 IPv4, 0x86dd IPv6. */
export function geneveProtocol(b: Uint8Array, off: number): number {
  return (b[off + 2] << 8) | b[off + 3];
}

/**
 * GTP-U v1 (TS 29.281): 8 bytes, plus 4 when E/S/PN is set, plus extension headers (bounded walk).
 * Returns the header length or -1.
 */
export function gtpuHeaderLen(b: Uint8Array, off: number, len: number): number {
  if (len < 8 || b[off] >> 5 !== 1 || (b[off] & 0x10) === 0) return -1;
  if ((b[off] & 0x07) === 0) return 8;
  if (len < 12) return -1;
  let hl = 12;
  let next = (b[off] & 0x04) !== 0 ? b[off + 11] : 0;
  for (let guard = 0; next !== 0 && guard < 16; guard++) {
    if (hl >= len) return -1;
    const units = b[off + hl];
    if (units === 0) return -1;
    hl += units * 4;
    if (hl > len) return -1;
    next = b[off + hl - 1];
  }
  return next === 0 ? hl : -1;
}

export const GTPU_ECHO_REQUEST = 1;
export const GTPU_ECHO_RESPONSE = 2;
export const GTPU_G_PDU = 255;

/**
 * Writes the echo response to the request at req[reqOff, reqOff + reqLen) into out[outOff]: the same
 * sequence number, TEID 0, and a Recovery IE (type 14, restart counter 0), as TS 29.281 §7.2.2 asks.
 * Returns the length (14 bytes).
 */
export function writeGtpuEchoResponse(out: Uint8Array, outOff: number, req: Uint8Array, reqOff: number, reqLen: number): number {
  const hasSeq = (req[reqOff] & 0x02) !== 0 && reqLen >= 12;
  out[outOff] = 0x32; // version 1, PT 1, S set
  out[outOff + 1] = GTPU_ECHO_RESPONSE;
  out[outOff + 2] = 0;
  out[outOff + 3] = 6; // seq(2) + npdu(1) + next ext(1) + recovery IE(2)
  for (let i = 4; i < 8; i++) out[outOff + i] = 0;
  out[outOff + 8] = hasSeq ? req[reqOff + 8] : 0;
  out[outOff + 9] = hasSeq ? req[reqOff + 9] : 0;
  out[outOff + 10] = 0;
  out[outOff + 11] = 0;
  out[outOff + 12] = 14; // Recovery IE
  out[outOff + 13] = 0;
  return 14;
}
