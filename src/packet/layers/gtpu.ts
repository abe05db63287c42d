// GTP-U v1 (3GPP TS 29.281): flags(1) type(1) length(2) TEID(4); when any of E/S/PN is set, seq(2)
// N-PDU(1) next-extension-type(1) and a chain of extension headers (length in 4-byte units, last byte
// = next type). G-PDU (type 255) carries a user IP packet and is decapsulated; signalling (echo,
// error indication, end marker) stops at the GTP header with the outer UDP packet inspected.
import { Layer, TunnelKind, type LayerId } from '../../core/layers.js';
import type { PacketView } from '../../core/packet-view.js';
import { shortfallExplained } from '../capture.js';
import { Ev } from '../events.js';
import type { LayerDecoder } from '../layer-decoder.js';
import { enterTunnel } from '../tunnel.js';

export const GTPU_PORT = 2152;
export const GTPU_BASE_HDR_LEN = 8;
export const GTPU_OPT_HDR_LEN = 4;
export const GTPU_MSG_G_PDU = 255;
/** Flags: version in the top 3 bits, PT (GTP rather than GTP'), then E, S, PN. */
export const GtpuFlag = { PT: 0x10, E: 0x04, S: 0x02, PN: 0x01 } as const;
/** Longest extension-header chain walked. */
export const MAX_GTPU_EXT_HEADERS = 8;

/** True when [off, end) starts with a GTPv1-U header (version 1, PT set). */
export function gtpuHeaderOk(b: Uint8Array, off: number, end: number): boolean {
  return end - off >= GTPU_BASE_HDR_LEN && b[off] >> 5 === 1 && (b[off] & GtpuFlag.PT) !== 0;
}

function decodeGtpu(p: PacketView, off: number, end: number): LayerId {
  const avail = end - off;
  if (avail < GTPU_BASE_HDR_LEN) {
    p.addEvent(Ev.GTPU_TRUNCATED);
    return Layer.NONE;
  }
  const b = p.buf;
  const flags = b[off];
  // Version 1 with PT set; PT clear is GTP' (charging), not user plane.
  if (flags >> 5 !== 1 || (flags & GtpuFlag.PT) === 0) {
    p.addEvent(Ev.GTPU_BAD_VERSION);
    return Layer.NONE;
  }
  const msgType = b[off + 1];
  const len = (b[off + 2] << 8) | b[off + 3];
  const teid = ((b[off + 4] << 24) | (b[off + 5] << 16) | (b[off + 6] << 8) | b[off + 7]) >>> 0;
  let gtpEnd = off + GTPU_BASE_HDR_LEN + len;
  if (gtpEnd > end) {
    if (!shortfallExplained(p)) p.addEvent(Ev.GTPU_LEN_INVALID);
    gtpEnd = end;
  }
  let h = off + GTPU_BASE_HDR_LEN;
  if ((flags & (GtpuFlag.E | GtpuFlag.S | GtpuFlag.PN)) !== 0) {
    if (h + GTPU_OPT_HDR_LEN > gtpEnd) {
      p.addEvent(Ev.GTPU_TRUNCATED);
      return Layer.NONE;
    }
    // The next-extension-type byte only counts when E is set.
    let nextExt = (flags & GtpuFlag.E) !== 0 ? b[h + 3] : 0;
    h += GTPU_OPT_HDR_LEN;
    for (let i = 0; nextExt !== 0; i++) {
      if (i >= MAX_GTPU_EXT_HEADERS) {
        p.addEvent(Ev.GTPU_EXT_TOO_MANY);
        return Layer.NONE;
      }
      if (h >= gtpEnd) {
        p.addEvent(Ev.GTPU_EXT_TRUNCATED);
        return Layer.NONE;
      }
      const extLen = b[h] << 2;
      // A zero length would not advance: malformed, reported as a truncated chain.
      if (extLen === 0 || h + extLen > gtpEnd) {
        p.addEvent(Ev.GTPU_EXT_TRUNCATED);
        return Layer.NONE;
      }
      nextExt = b[h + extLen - 1];
      h += extLen;
    }
  }
  if (msgType !== GTPU_MSG_G_PDU) return Layer.NONE;
  if (h >= gtpEnd) {
    p.addEvent(Ev.GTPU_TRUNCATED);
    return Layer.NONE;
  }
  const v = b[h] >> 4;
  const next = v === 4 ? Layer.IPV4 : v === 6 ? Layer.IPV6 : Layer.NONE;
  if (next === Layer.NONE) {
    p.addEvent(Ev.GTPU_BAD_INNER);
    return Layer.NONE;
  }
  if (!enterTunnel(p, TunnelKind.GTPU, teid, off, h - off, p.srcPort, p.dstPort)) return Layer.NONE;
  p.nextOff = h;
  p.nextEnd = gtpEnd;
  return next;
}

export const gtpuDecoder: LayerDecoder = { id: Layer.GTPU, decode: decodeGtpu };
