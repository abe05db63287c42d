// TCP (RFC 9293): ports, sequence numbers, flags, window; options skipped by the data offset.
import { Layer, type LayerId } from '../../core/layers.js';
import type { PacketView } from '../../core/packet-view.js';
import { Ev } from '../events.js';
import type { LayerDecoder } from '../layer-decoder.js';

export const TCP_MIN_HDR_LEN = 20;

function decodeTcp(p: PacketView, off: number, end: number): LayerId {
  const avail = end - off;
  if (avail < TCP_MIN_HDR_LEN) {
    p.addEvent(Ev.TCP_TRUNCATED);
    return Layer.NONE;
  }
  const b = p.buf;
  const hlen = (b[off + 12] >> 4) << 2;
  if (hlen < TCP_MIN_HDR_LEN) {
    p.addEvent(Ev.TCP_HLEN_TOO_SMALL);
    return Layer.NONE;
  }
  if (hlen > avail) {
    p.addEvent(Ev.TCP_TRUNCATED);
    return Layer.NONE;
  }
  p.l4Off = off;
  p.srcPort = (b[off] << 8) | b[off + 1];
  p.dstPort = (b[off + 2] << 8) | b[off + 3];
  p.tcpSeq = ((b[off + 4] << 24) | (b[off + 5] << 16) | (b[off + 6] << 8) | b[off + 7]) >>> 0;
  p.tcpAck = ((b[off + 8] << 24) | (b[off + 9] << 16) | (b[off + 10] << 8) | b[off + 11]) >>> 0;
  p.tcpFlags = b[off + 13];
  p.tcpWindow = (b[off + 14] << 8) | b[off + 15];
  p.payloadOff = off + hlen;
  p.payloadLen = avail - hlen;
  return Layer.NONE;
}

export const tcpDecoder: LayerDecoder = { id: Layer.TCP, decode: decodeTcp };
