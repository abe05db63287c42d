// BSD loopback (LINKTYPE_NULL 0, host byte order) and LINKTYPE_LOOP 108 (network byte order): a 4-byte
// address family. Both orders are accepted for both link types: captures moved between hosts exist.
import { Layer, type LayerId } from '../../core/layers.js';
import type { PacketView } from '../../core/packet-view.js';
import { Ev } from '../events.js';
import type { LayerDecoder } from '../layer-decoder.js';

export const NULL_HDR_LEN = 4;

/** Address family values: AF_INET everywhere, AF_INET6 per BSD flavour (NetBSD/OpenBSD, FreeBSD, Darwin). */
export const AF_INET = 2;
export const AF_INET6_BSD = 24;
export const AF_INET6_FREEBSD = 28;
export const AF_INET6_DARWIN = 30;

function decodeNull(p: PacketView, off: number, end: number): LayerId {
  if (end - off < NULL_HDR_LEN) {
    p.addEvent(Ev.NULL_TRUNCATED);
    return Layer.NONE;
  }
  const b = p.buf;
  // Families are small numbers: the end that holds the two zero bytes tells the byte order.
  let fam = -1;
  if (b[off] === 0 && b[off + 1] === 0) fam = (b[off + 2] << 8) | b[off + 3];
  else if (b[off + 2] === 0 && b[off + 3] === 0) fam = b[off] | (b[off + 1] << 8);
  p.nextOff = off + NULL_HDR_LEN;
  p.nextEnd = end;
  switch (fam) {
    case AF_INET:
      return Layer.IPV4;
    case AF_INET6_BSD:
    case AF_INET6_FREEBSD:
    case AF_INET6_DARWIN:
      return Layer.IPV6;
    default:
      p.addEvent(Ev.NULL_UNKNOWN_FAMILY);
      return Layer.NONE;
  }
}

export const nullDecoder: LayerDecoder = { id: Layer.NULL, decode: decodeNull };
