// ICMPv6 (RFC 4443): type, code. Every defined message has at least 8 bytes (4-byte header plus the
// first message word: echo id/seq, MTU, pointer, ND flags), so the payload starts at 8 as for ICMP.
import { Layer, type LayerId } from '../../core/layers.js';
import type { PacketView } from '../../core/packet-view.js';
import { Ev } from '../events.js';
import type { LayerDecoder } from '../layer-decoder.js';

export const ICMPV6_HDR_LEN = 8;

function decodeIcmpv6(p: PacketView, off: number, end: number): LayerId {
  if (end - off < ICMPV6_HDR_LEN) {
    p.addEvent(Ev.ICMPV6_TRUNCATED);
    return Layer.NONE;
  }
  p.l4Off = off;
  p.icmpType = p.buf[off];
  p.icmpCode = p.buf[off + 1];
  p.payloadOff = off + ICMPV6_HDR_LEN;
  p.payloadLen = end - off - ICMPV6_HDR_LEN;
  return Layer.NONE;
}

export const icmpv6Decoder: LayerDecoder = { id: Layer.ICMPV6, decode: decodeIcmpv6 };
