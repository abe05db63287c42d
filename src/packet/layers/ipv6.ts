// IPv6 (RFC 8200): fixed header, then a bounded walk of the extension-header chain. l3HdrLen covers the
// extension headers and ipProto is the final upper-layer protocol. A fragment header fills the fragment
// fields; after a non-first fragment's header nothing more is parsed.
import { Layer, type LayerId } from '../../core/layers.js';
import type { PacketView } from '../../core/packet-view.js';
import { shortfallExplained } from '../capture.js';
import { Ev } from '../events.js';
import { ipPayloadLayer } from '../ip-payload.js';
import type { LayerDecoder } from '../layer-decoder.js';

export const IPV6_HDR_LEN = 40;
/** Longest extension-header chain walked; real traffic uses a handful. */
export const MAX_IPV6_EXT_HEADERS = 8;

export const Ipv6Ext = {
  HOP_BY_HOP: 0,
  ROUTING: 43,
  FRAGMENT: 44,
  AH: 51,
  NO_NEXT: 59,
  DEST_OPTS: 60,
  MOBILITY: 135,
} as const;

function decodeIpv6(p: PacketView, off: number, end: number): LayerId {
  if (end - off < IPV6_HDR_LEN) {
    p.addEvent(Ev.IPV6_TRUNCATED);
    return Layer.NONE;
  }
  const b = p.buf;
  if (b[off] >> 4 !== 6) {
    p.addEvent(Ev.IPV6_BAD_VERSION);
    return Layer.NONE;
  }
  const payloadLen = (b[off + 4] << 8) | b[off + 5];
  let nh = b[off + 6];
  // Payload length 0 with a hop-by-hop header is a jumbogram (RFC 2675): the capture bounds it.
  const ipLen = payloadLen === 0 && nh === Ipv6Ext.HOP_BY_HOP ? end - off : payloadLen + IPV6_HDR_LEN;
  let ipEnd = off + ipLen;
  if (ipEnd > end) {
    if (!shortfallExplained(p)) p.addEvent(Ev.IPV6_TRUNC_PKT);
    ipEnd = end;
  }
  p.ipVersion = 6;
  p.l3Off = off;
  p.ipLen = ipLen;
  p.tos = ((b[off] & 0x0f) << 4) | (b[off + 1] >> 4);
  p.ttl = b[off + 7];
  p.srcAddrOff = off + 8;
  p.dstAddrOff = off + 24;

  let h = off + IPV6_HDR_LEN;
  for (let i = 0; ; i++) {
    const isExt =
      nh === Ipv6Ext.HOP_BY_HOP ||
      nh === Ipv6Ext.ROUTING ||
      nh === Ipv6Ext.FRAGMENT ||
      nh === Ipv6Ext.DEST_OPTS ||
      nh === Ipv6Ext.AH ||
      nh === Ipv6Ext.MOBILITY;
    if (!isExt) break;
    if (i >= MAX_IPV6_EXT_HEADERS) return stopInChain(p, Ev.IPV6_EXT_TOO_MANY, nh, h);
    if (nh === Ipv6Ext.FRAGMENT) {
      if (h + 8 > ipEnd) return stopInChain(p, Ev.IPV6_EXT_TRUNCATED, nh, h);
      const fo = (b[h + 2] << 8) | b[h + 3];
      p.isFragment = true;
      p.fragOffset = fo & 0xfff8;
      p.moreFragments = (fo & 1) !== 0;
      p.ipId = ((b[h + 4] << 24) | (b[h + 5] << 16) | (b[h + 6] << 8) | b[h + 7]) >>> 0;
      nh = b[h];
      h += 8;
      // A non-first fragment continues the fragmentable part: what follows is not a header.
      if (p.fragOffset !== 0) break;
      continue;
    }
    if (h + 2 > ipEnd) return stopInChain(p, Ev.IPV6_EXT_TRUNCATED, nh, h);
    const len = nh === Ipv6Ext.AH ? (b[h + 1] + 2) << 2 : (b[h + 1] + 1) << 3;
    if (h + len > ipEnd) return stopInChain(p, Ev.IPV6_EXT_TRUNCATED, nh, h);
    nh = b[h];
    h += len;
  }
  p.ipProto = nh;
  p.l3HdrLen = h - off;
  return ipPayloadLayer(p, nh, h, ipEnd);
}

/** Stops inside the extension chain: ipProto is the header we could not get past. */
function stopInChain(p: PacketView, ev: number, nh: number, h: number): LayerId {
  p.addEvent(ev);
  p.ipProto = nh;
  p.l3HdrLen = h - p.l3Off;
  return Layer.NONE;
}

export const ipv6Decoder: LayerDecoder = { id: Layer.IPV6, decode: decodeIpv6 };
