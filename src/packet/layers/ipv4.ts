// IPv4 (RFC 791): header checks, options skipped by IHL, fragment fields; the payload end is bounded by
// the total length so link padding is never payload.
import { Layer, type LayerId } from '../../core/layers.js';
import type { PacketView } from '../../core/packet-view.js';
import { shortfallExplained } from '../capture.js';
import { Ev } from '../events.js';
import { ipPayloadLayer } from '../ip-payload.js';
import type { LayerDecoder } from '../layer-decoder.js';

export const IPV4_MIN_HDR_LEN = 20;

function decodeIpv4(p: PacketView, off: number, end: number): LayerId {
  const avail = end - off;
  if (avail < IPV4_MIN_HDR_LEN) {
    p.addEvent(Ev.IPV4_TRUNCATED);
    return Layer.NONE;
  }
  const b = p.buf;
  const vihl = b[off];
  if (vihl >> 4 !== 4) {
    p.addEvent(Ev.IPV4_BAD_VERSION);
    return Layer.NONE;
  }
  const hlen = (vihl & 0x0f) << 2;
  if (hlen < IPV4_MIN_HDR_LEN) {
    p.addEvent(Ev.IPV4_HLEN_TOO_SMALL);
    return Layer.NONE;
  }
  if (hlen > avail) {
    p.addEvent(Ev.IPV4_TRUNCATED);
    return Layer.NONE;
  }
  let totalLen = (b[off + 2] << 8) | b[off + 3];
  // 0 is what captures on a sender with TCP segmentation offload show: the length is the captured one.
  if (totalLen === 0) totalLen = avail;
  if (totalLen < hlen) {
    p.addEvent(Ev.IPV4_LEN_TOO_SMALL);
    return Layer.NONE;
  }
  let ipEnd = off + totalLen;
  if (ipEnd > end) {
    // Past the captured bytes: expected under a snap length, malformed otherwise. Decode what is there.
    if (!shortfallExplained(p)) p.addEvent(Ev.IPV4_TRUNC_PKT);
    ipEnd = end;
  }
  p.ipVersion = 4;
  p.l3Off = off;
  p.l3HdrLen = hlen;
  p.ipLen = totalLen;
  p.tos = b[off + 1];
  p.ipId = (b[off + 4] << 8) | b[off + 5];
  const flagsFrag = (b[off + 6] << 8) | b[off + 7];
  const fragOffset = (flagsFrag & 0x1fff) << 3;
  const moreFragments = (flagsFrag & 0x2000) !== 0;
  if (fragOffset !== 0 || moreFragments) {
    p.isFragment = true;
    p.fragOffset = fragOffset;
    p.moreFragments = moreFragments;
  }
  p.ttl = b[off + 8];
  const proto = b[off + 9];
  p.ipProto = proto;
  p.srcAddrOff = off + 12;
  p.dstAddrOff = off + 16;
  return ipPayloadLayer(p, proto, off + hlen, ipEnd);
}

export const ipv4Decoder: LayerDecoder = { id: Layer.IPV4, decode: decodeIpv4 };
