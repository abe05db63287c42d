// GRE (RFC 2784 + RFC 2890 key and sequence): C|R|K|S flags, version, protocol type, then the optional
// checksum+reserved, key and sequence words. Decapsulates IPv4, IPv6 and transparent Ethernet bridging;
// other payload types (ERSPAN, MPLS, WCCP, ...) stay as the outer packet's payload.
import { Layer, TunnelKind, type LayerId } from '../../core/layers.js';
import type { PacketView } from '../../core/packet-view.js';
import { EtherType } from '../ethertype.js';
import { Ev } from '../events.js';
import type { LayerDecoder } from '../layer-decoder.js';
import { enterTunnel } from '../tunnel.js';

export const GRE_BASE_HDR_LEN = 4;
export const GreFlag = { CHECKSUM: 0x8000, ROUTING: 0x4000, KEY: 0x2000, SEQUENCE: 0x1000 } as const;
/** Version 1 is the enhanced GRE of PPTP (RFC 2637): not decoded. */
export const GRE_VERSION_PPTP = 1;

function decodeGre(p: PacketView, off: number, end: number): LayerId {
  const avail = end - off;
  if (avail < GRE_BASE_HDR_LEN) {
    p.addEvent(Ev.GRE_TRUNCATED);
    return Layer.NONE;
  }
  const b = p.buf;
  const flags = (b[off] << 8) | b[off + 1];
  const version = flags & 0x7;
  if (version !== 0) {
    p.addEvent(version === GRE_VERSION_PPTP ? Ev.GRE_PPTP_UNSUPPORTED : Ev.GRE_BAD_VERSION);
    return Layer.NONE;
  }
  // RFC 1701 source routing: obsolete, variable-length; not decoded.
  if ((flags & GreFlag.ROUTING) !== 0) {
    p.addEvent(Ev.GRE_ROUTING_UNSUPPORTED);
    return Layer.NONE;
  }
  let hlen = GRE_BASE_HDR_LEN;
  if ((flags & GreFlag.CHECKSUM) !== 0) hlen += 4;
  const keyOff = off + hlen;
  const hasKey = (flags & GreFlag.KEY) !== 0;
  if (hasKey) hlen += 4;
  if ((flags & GreFlag.SEQUENCE) !== 0) hlen += 4;
  if (hlen > avail) {
    p.addEvent(Ev.GRE_TRUNCATED);
    return Layer.NONE;
  }
  const key = hasKey ? ((b[keyOff] << 24) | (b[keyOff + 1] << 16) | (b[keyOff + 2] << 8) | b[keyOff + 3]) >>> 0 : 0;
  const protocolType = (b[off + 2] << 8) | b[off + 3];
  p.l4Off = off;
  p.payloadOff = off + hlen;
  p.payloadLen = avail - hlen;
  let next: LayerId;
  if (protocolType === EtherType.IPV4) next = Layer.IPV4;
  else if (protocolType === EtherType.IPV6) next = Layer.IPV6;
  else if (protocolType === EtherType.TEB) next = Layer.ETHERNET;
  else return Layer.NONE;
  if (!enterTunnel(p, TunnelKind.GRE, key, off, hlen, 0, 0)) return Layer.NONE;
  p.nextOff = off + hlen;
  p.nextEnd = end;
  return next;
}

export const greDecoder: LayerDecoder = { id: Layer.GRE, decode: decodeGre };
