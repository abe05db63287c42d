// ICMP (RFC 792): type, code; the payload starts after the 8-byte header (echo id/seq, unused, ...).
import { Layer, type LayerId } from '../../core/layers.js';
import type { PacketView } from '../../core/packet-view.js';
import { Ev } from '../events.js';
import type { LayerDecoder } from '../layer-decoder.js';

export const ICMP_HDR_LEN = 8;

function decodeIcmp(p: PacketView, off: number, end: number): LayerId {
  if (end - off < ICMP_HDR_LEN) {
    p.addEvent(Ev.ICMP_TRUNCATED);
    return Layer.NONE;
  }
  p.l4Off = off;
  p.icmpType = p.buf[off];
  p.icmpCode = p.buf[off + 1];
  p.payloadOff = off + ICMP_HDR_LEN;
  p.payloadLen = end - off - ICMP_HDR_LEN;
  return Layer.NONE;
}

export const icmpDecoder: LayerDecoder = { id: Layer.ICMP, decode: decodeIcmp };
