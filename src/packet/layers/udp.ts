// UDP (RFC 768): ports, length, payload; then tunnel dispatch by port (VXLAN 4789, GENEVE 6081,
// GTP-U 2152), destination port first, and only when the payload looks like that tunnel's header, so
// ordinary traffic on those ports stays plain UDP.
import { Layer, type LayerId } from '../../core/layers.js';
import type { PacketView } from '../../core/packet-view.js';
import { shortfallExplained } from '../capture.js';
import { Ev } from '../events.js';
import type { LayerDecoder } from '../layer-decoder.js';
import { GENEVE_PORT, geneveHeaderOk } from './geneve.js';
import { GTPU_PORT, gtpuHeaderOk } from './gtpu.js';
import { VXLAN_PORT, vxlanHeaderOk } from './vxlan.js';

export const UDP_HDR_LEN = 8;

/** The tunnel layer carried on `port` if [off, end) holds a plausible header for it, else NONE. */
function tunnelOnPort(b: Uint8Array, port: number, off: number, end: number): LayerId {
  switch (port) {
    case VXLAN_PORT:
      return vxlanHeaderOk(b, off, end) ? Layer.VXLAN : Layer.NONE;
    case GENEVE_PORT:
      return geneveHeaderOk(b, off, end) ? Layer.GENEVE : Layer.NONE;
    case GTPU_PORT:
      return gtpuHeaderOk(b, off, end) ? Layer.GTPU : Layer.NONE;
    default:
      return Layer.NONE;
  }
}

function decodeUdp(p: PacketView, off: number, end: number): LayerId {
  if (end - off < UDP_HDR_LEN) {
    p.addEvent(Ev.UDP_TRUNCATED);
    return Layer.NONE;
  }
  const b = p.buf;
  const udpLen = (b[off + 4] << 8) | b[off + 5];
  let udpEnd = end;
  if (udpLen < UDP_HDR_LEN) {
    p.addEvent(Ev.UDP_LEN_INVALID);
  } else if (off + udpLen <= end) {
    udpEnd = off + udpLen;
  } else if (!p.isFragment && !shortfallExplained(p)) {
    // The first fragment and snap-length captures legitimately hold less than the length says.
    p.addEvent(Ev.UDP_LEN_INVALID);
  }
  const srcPort = (b[off] << 8) | b[off + 1];
  const dstPort = (b[off + 2] << 8) | b[off + 3];
  p.l4Off = off;
  p.srcPort = srcPort;
  p.dstPort = dstPort;
  const po = off + UDP_HDR_LEN;
  p.payloadOff = po;
  p.payloadLen = udpEnd - po;

  let next = tunnelOnPort(b, dstPort, po, udpEnd);
  if (next === Layer.NONE) next = tunnelOnPort(b, srcPort, po, udpEnd);
  if (next === Layer.NONE) return Layer.NONE;
  if (p.isFragment) {
    // The rest of the inner packet is in later fragments: inspect the outer packet instead.
    p.addEvent(Ev.TUNNEL_FRAGMENTED);
    return Layer.NONE;
  }
  p.nextOff = po;
  p.nextEnd = udpEnd;
  return next;
}

export const udpDecoder: LayerDecoder = { id: Layer.UDP, decode: decodeUdp };
