// GENEVE (RFC 8926): ver(2)|opt len(6) O|C|rsvd(8) protocol type(16) VNI(24) rsvd(8), then options
// (opt len x 4 bytes). Options are skipped; tunnelHdrOff/tunnelHdrLen keep them reachable
// (they sit at tunnelHdrOff + 8, tunnelHdrLen - 8 bytes), e.g. to return AWS GWLB TLVs unchanged.
import { Layer, TunnelKind, type LayerId } from '../../core/layers.js';
import type { PacketView } from '../../core/packet-view.js';
import { EtherType } from '../ethertype.js';
import { Ev } from '../events.js';
import type { LayerDecoder } from '../layer-decoder.js';
import { enterTunnel } from '../tunnel.js';

export const GENEVE_PORT = 6081;
export const GENEVE_BASE_HDR_LEN = 8;

function innerLayer(protocolType: number): LayerId {
  switch (protocolType) {
    case EtherType.TEB:
      return Layer.ETHERNET;
    case EtherType.IPV4:
      return Layer.IPV4;
    case EtherType.IPV6:
      return Layer.IPV6;
    default:
      return Layer.NONE;
  }
}

/** True when [off, end) starts with a complete version-0 GENEVE header carrying a payload type we decode. */
export function geneveHeaderOk(b: Uint8Array, off: number, end: number): boolean {
  if (end - off < GENEVE_BASE_HDR_LEN || b[off] >> 6 !== 0) return false;
  if (GENEVE_BASE_HDR_LEN + ((b[off] & 0x3f) << 2) > end - off) return false;
  return innerLayer((b[off + 2] << 8) | b[off + 3]) !== Layer.NONE;
}

function decodeGeneve(p: PacketView, off: number, end: number): LayerId {
  const avail = end - off;
  if (avail < GENEVE_BASE_HDR_LEN) {
    p.addEvent(Ev.GENEVE_TRUNCATED);
    return Layer.NONE;
  }
  const b = p.buf;
  if (b[off] >> 6 !== 0) {
    p.addEvent(Ev.GENEVE_BAD_VERSION);
    return Layer.NONE;
  }
  const hlen = GENEVE_BASE_HDR_LEN + ((b[off] & 0x3f) << 2);
  if (hlen > avail) {
    p.addEvent(Ev.GENEVE_TRUNCATED);
    return Layer.NONE;
  }
  const next = innerLayer((b[off + 2] << 8) | b[off + 3]);
  if (next === Layer.NONE) {
    p.addEvent(Ev.GENEVE_UNKNOWN_PROTO);
    return Layer.NONE;
  }
  const vni = (b[off + 4] << 16) | (b[off + 5] << 8) | b[off + 6];
  if (!enterTunnel(p, TunnelKind.GENEVE, vni, off, hlen, p.srcPort, p.dstPort)) return Layer.NONE;
  p.nextOff = off + hlen;
  p.nextEnd = end;
  return next;
}

export const geneveDecoder: LayerDecoder = { id: Layer.GENEVE, decode: decodeGeneve };
